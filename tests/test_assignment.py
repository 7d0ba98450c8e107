"""Workshop assignment through the service and ``flask assign``, on SQLite and PostgreSQL."""
import json
import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import (Assignment, Event, ItemKind, Network, Preference, ProgramItem, Registration,
                            RegistrationHistory, RegistrationStatus, Slot)
from confapp.services.assignment import notices, workflow as assignment
from confapp.services.assignment.workflow import AssignmentError, AssignmentMode
from confapp.services.events.file_io import EventFileError, export_event, import_event
from confapp.services.mail.outbox import deliver_pending
from tests.conftest import outbox_messages
from tests.registration_support import manage_link

START = datetime(2030, 6, 5, 13, 0)


def small_event(capacities: dict[str, int], slug: str = "werkstatt", sector_cap: int | None = None) -> Event:
    network = db.session.scalar(select(Network).where(Network.slug == "netz")) or Network(slug="netz", name="Netz")
    event = Event(network=network, slug=slug, title="Werkstatt", starts_at=START, ends_at=START + timedelta(hours=3),
                  venue_name="Schule")
    slot = Slot(event=event, label="Workshops", starts_at=START, ends_at=START + timedelta(hours=2))
    for position, (title, capacity) in enumerate(capacities.items()):
        slot.items.append(ProgramItem(kind=ItemKind.workshop, title=title, capacity=capacity, position=position))
    db.session.add(event)
    db.session.commit()
    event.sector_cap_percent = sector_cap  # after the insert: None there would take the default (40 %)
    db.session.commit()
    return event


def register(event: Event, name: str, wishes: list[str], minutes: int = 0, sector: str = "Kita") -> Registration:
    items = {item.title: item for item in event.choice_slots[0].choice_items}
    registration = Registration(event=event, first_name=name, last_name="Test", email=f"{name.lower()}@example.org",
                                sector=sector, status=RegistrationStatus.confirmed,
                                created_at=START - timedelta(days=30) + timedelta(minutes=minutes))
    for rank, title in enumerate(wishes, start=1):
        registration.preferences.append(Preference(slot=items[title].slot, rank=rank, program_item=items[title]))
    db.session.add(registration)
    db.session.commit()
    return registration


def seats_by_name(event: Event) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(select(Registration.first_name, ProgramItem.title)
                              .join(Assignment, Assignment.registration_id == Registration.id)
                              .join(ProgramItem, ProgramItem.id == Assignment.program_item_id)
                              .where(Registration.event_id == event.id))
    return dict(rows.all())


def test_flask_assign_seats_every_demo_attendee_and_prints_the_report(demo, cli):
    event = demo[0]

    result = cli.invoke(args=["assign", "stark-fuer-familien"])

    assert result.exit_code == 0, result.output
    assert "Zuteilung für 12 bestätigte Anmeldungen" in result.output
    assert "1. Wunsch:" in result.output and "ohne Platz: 0 (0 %)" in result.output
    assert "bewiesen optimal (Lücke 0)" in result.output
    assert "Kinderschutz in der Kita:" in result.output
    assert "Gespeichert: 12 neu, 0 verschoben, 0 entfernt." in result.output
    db.session.expire_all()
    assignments = list(db.session.scalars(select(Assignment).join(Registration)
                                          .where(Registration.event_id == event.id)))
    assert len({a.registration_id for a in assignments}) == len(assignments) == 12
    for item in event.choice_slots[0].choice_items:
        assert item.seats_taken == sum(a.program_item_id == item.id for a in assignments) <= item.capacity


def test_theme_table_rounds_never_repeat_a_table_for_anyone(demo, cli):
    result = cli.invoke(args=["assign", "netzwerkforum-magdeburg"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    forum = demo[1]
    topics = Counter()
    rows = db.session.scalars(select(Assignment).join(Registration).where(Registration.event_id == forum.id))
    for assignment_row in rows:
        topics[(assignment_row.registration_id, assignment_row.program_item.title)] += 1
    assert topics and max(topics.values()) == 1


def test_dry_run_changes_nothing(demo, cli):
    before = seats_by_name(demo[0])

    result = cli.invoke(args=["assign", "stark-fuer-familien", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Probelauf: nichts wurde gespeichert." in result.output
    assert "Änderungen gegenüber den gespeicherten Plätzen: 12" in result.output
    assert seats_by_name(demo[0]) == before == {}
    assert all(item.seats_taken == 0 for item in demo[0].choice_slots[0].choice_items)


def test_an_unknown_event_gets_a_german_error(app_context, cli):
    result = cli.invoke(args=["assign", "gibt-es-nicht"])

    assert result.exit_code != 0
    assert "Veranstaltung „gibt-es-nicht“ gibt es nicht." in result.output


def test_an_event_without_workshops_gets_a_german_error(app_context, cli):
    small_event({})

    result = cli.invoke(args=["assign", "werkstatt"])

    assert result.exit_code != 0
    assert "hat keine Workshops oder Thementische" in result.output


def test_more_attendees_than_seats_are_reported_unplaced_and_earlier_ones_win(app_context, cli):
    event = small_event({"A": 2, "B": 1})
    for minute, name in enumerate(["Erste", "Zweite", "Dritte", "Vierte", "Fuenfte"]):
        register(event, name, ["A", "B"], minutes=minute)

    result = cli.invoke(args=["assign", "werkstatt"])

    assert result.exit_code == 0, result.output
    assert "ohne Platz: 2 (40 %)" in result.output
    assert seats_by_name(event) == {"Erste": "A", "Zweite": "A", "Dritte": "B"}


def test_the_same_registrations_in_any_row_order_get_the_same_seats(app_context):
    names = [f"P{n:02d}" for n in range(30)]
    rng = random.Random(3)
    wishes = {name: rng.sample(["A", "B", "C", "D"], 3) for name in names}
    sectors = {name: rng.choice(["Kita", "Schule", "Jugendamt"]) for name in names}
    results = []
    for attempt in range(3):
        event = small_event({"A": 6, "B": 8, "C": 8, "D": 10}, sector_cap=40)
        order = names[:]
        random.Random(attempt).shuffle(order)
        for name in order:  # ten people share each registration time: the seeded order decides
            register(event, name, wishes[name], minutes=names.index(name) // 10, sector=sectors[name])
        assignment.apply(event, assignment.preview(event))
        results.append(seats_by_name(event))
        event.slug = f"frueher-{attempt}"  # the next attempt builds the same event anew, with new row ids
        db.session.commit()

    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 30


def test_locked_seats_stay_and_only_this_events_seats_can_be_locked(app_context):
    event = small_event({"A": 1, "B": 5})
    register(event, "Frueh", ["A"], minutes=0)
    late = register(event, "Spaet", ["B"], minutes=5)
    workshop_a = event.choice_slots[0].choice_items[0]
    by_hand = Assignment(registration=late, slot=workshop_a.slot, program_item=workshop_a)
    db.session.add(by_hand)
    db.session.commit()
    assert assignment.preview(event).seats[(late.id, workshop_a.slot_id)] != workshop_a.id  # unlocked: moved

    assignment.set_locked(event, by_hand.id, True, actor="orga@example.org")
    assignment.apply(event, assignment.preview(event))

    assert seats_by_name(event) == {"Frueh": "B", "Spaet": "A"}
    other = small_event({"X": 3}, slug="andere")
    with pytest.raises(AssignmentError, match="gibt es in dieser Veranstaltung nicht"):
        assignment.set_locked(other, by_hand.id, False)


def test_filling_places_a_late_registration_without_moving_anyone(app_context):
    event = small_event({"A": 2, "B": 2})
    register(event, "Anna", ["B", "A"], minutes=0)
    register(event, "Ben", ["B", "A"], minutes=1)
    assignment.apply(event, assignment.preview(event))
    register(event, "Cem", ["B", "A"], minutes=-60)  # registered earliest, confirmed late (from the waitlist)

    filled = assignment.preview(event, AssignmentMode.fill)
    assignment.apply(event, filled)

    assert seats_by_name(event) == {"Anna": "B", "Ben": "B", "Cem": "A"}
    assert [change.name for change in filled.changes] == ["Cem Test"]


def test_reoptimising_lists_moves_of_notified_attendees_and_tells_them_again(app, app_context):
    event = small_event({"A": 1, "B": 5})
    register(event, "Anna", ["A", "B"], minutes=10)
    assignment.apply(event, assignment.preview(event))
    assert notices.notify_assigned(event) == 1
    register(event, "Berta", ["A"], minutes=0)  # earlier registration, moved up from the waitlist

    moved = assignment.preview(event)

    assert [(c.name, c.before, c.after) for c in moved.moves_of_notified] == [("Anna Test", "A", "B")]
    assignment.apply(event, moved)
    assert seats_by_name(event) == {"Anna": "B", "Berta": "A"}
    assert notices.notify_assigned(event) == 2
    assert notices.notify_assigned(event) == 0
    deliver_pending(app=app)
    mails = outbox_messages(app)
    assert [m["To"] for m in mails] == ["anna@example.org", "berta@example.org", "anna@example.org"]
    assert "Workshops (13:00–15:00 Uhr): A" in mails[0].get_body().get_content()
    # The private link comes with it: whoever cannot come now frees the seat for the next in line.
    assert "stornieren Sie bitte über den Link unten" in mails[0].get_body().get_content()
    anna = db.session.scalar(select(Registration).where(Registration.first_name == "Anna"))
    assert manage_link(mails[0]) == f"/e/{event.slug}/anmeldung/{anna.manage_token}"
    assert "Workshops (13:00–15:00 Uhr): B" in mails[2].get_body().get_content()
    history = db.session.scalars(select(RegistrationHistory.action).join(Registration)
                                 .where(Registration.first_name == "Anna").order_by(RegistrationHistory.id))
    assert list(history) == ["assigned", "notified", "moved", "notified"]


def test_who_got_no_seat_is_told_once_and_told_again_when_seated_by_hand(app, app_context):
    event = small_event({"A": 1})
    register(event, "Erste", ["A"], minutes=0)
    register(event, "Zweite", ["A"], minutes=1)
    assert notices.notify_assigned(event) == 0  # before the assignment nobody is without a seat yet

    assignment.apply(event, assignment.preview(event))
    assert notices.notify_preview(event).count == 2
    assert notices.notify_assigned(event) == 2
    assert notices.notify_assigned(event) == 0  # told once

    deliver_pending(app=app)
    seated, unplaced = (mail.get_body().get_content() for mail in outbox_messages(app))
    assert "diese Plätze zugeteilt" in seated and "Workshops (13:00–15:00 Uhr): A" in seated
    assert "keinen Workshop zuteilen" not in seated
    assert "konnten wir Ihnen leider keinen Workshop zuteilen" in unplaced
    assert "- Workshops (13:00–15:00 Uhr)\n" in unplaced
    assert "Ihre Anmeldung für die Veranstaltung bleibt bestehen" in unplaced
    assert "diese Plätze zugeteilt" not in unplaced and "stornieren" in unplaced

    # The organiser makes room and seats her by hand: the next e-mail names the seat, nothing else.
    event.choice_slots[0].choice_items[0].capacity = 2
    db.session.commit()
    zweite = db.session.scalar(select(Registration).where(Registration.first_name == "Zweite"))
    assignment.assign_by_hand(event, zweite.id, event.choice_slots[0].choice_items[0].id, actor="orga@example.org")
    assert notices.notify_assigned(event) == 1
    deliver_pending(app=app)
    again = outbox_messages(app)[-1].get_body().get_content()
    assert "Workshops (13:00–15:00 Uhr): A" in again and "keinen Workshop zuteilen" not in again


def test_apply_refuses_a_preview_whose_registrations_changed(app_context):
    event = small_event({"A": 2})
    register(event, "Anna", ["A"])
    stale = assignment.preview(event)
    register(event, "Ben", ["A"], minutes=1)

    with pytest.raises(AssignmentError, match="seit der Vorschau geändert"):
        assignment.apply(event, stale)
    assert seats_by_name(event) == {}


def test_the_sector_cap_mixes_professions_in_each_workshop(app_context):
    event = small_event({"A": 2, "B": 2}, sector_cap=50)
    register(event, "Kita1", ["A", "B"], minutes=0, sector="Kita")
    register(event, "Kita2", ["A", "B"], minutes=1, sector="Kita")
    register(event, "Schule1", ["B", "A"], minutes=2, sector="Schule")
    register(event, "Schule2", ["B", "A"], minutes=3, sector="Schule")

    result = assignment.preview(event)
    assignment.apply(event, result)

    seats = seats_by_name(event)
    assert {seats["Kita1"], seats["Kita2"]} == {"A", "B"} == {seats["Schule1"], seats["Schule2"]}
    # Earlier registrants keep their first wish: Kita1 and Schule1.
    assert seats["Kita1"] == "A" and seats["Schule1"] == "B"
    assert all(not item.over_cap for item in result.report.items)


def test_a_seat_given_by_hand_is_locked_and_a_full_workshop_refuses_one(app_context):
    event = small_event({"A": 1, "B": 5})
    anna = register(event, "Anna", ["A"], minutes=0)
    ben = register(event, "Ben", ["A"], minutes=1)
    workshop_a, workshop_b = event.choice_slots[0].choice_items

    seat = assignment.assign_by_hand(event, ben.id, workshop_a.id, actor="orga@example.org")
    with pytest.raises(AssignmentError, match="„A“ ist voll"):
        assignment.assign_by_hand(event, anna.id, workshop_a.id)
    assignment.apply(event, assignment.preview(event))

    assert seat.locked and seats_by_name(event) == {"Anna": "B", "Ben": "A"}
    assignment.assign_by_hand(event, ben.id, workshop_b.id)  # moving by hand gives the old seat back
    assignment.assign_by_hand(event, anna.id, workshop_a.id)
    assert seats_by_name(event) == {"Anna": "A", "Ben": "B"}
    assert [item.seats_taken for item in (workshop_a, workshop_b)] == [1, 1]
    other = small_event({"X": 3}, slug="andere")
    with pytest.raises(AssignmentError, match="gibt es in dieser Veranstaltung nicht"):
        assignment.assign_by_hand(other, anna.id, workshop_a.id)


def test_a_theme_table_cannot_be_given_twice_by_hand(demo):
    forum = demo[1]
    first_round, second_round = forum.choice_slots[:2]
    registration = db.session.scalar(select(Registration).where(Registration.event_id == forum.id)
                                     .order_by(Registration.id))
    table = first_round.choice_items[0]
    same_table_later = next(item for item in second_round.choice_items if item.title == table.title)

    assignment.assign_by_hand(forum, registration.id, table.id)

    with pytest.raises(AssignmentError, match="schon in einem anderen Zeitfenster"):
        assignment.assign_by_hand(forum, registration.id, same_table_later.id)


def test_the_sector_cap_is_set_per_event_in_the_event_file(demo):
    data = export_event(demo[0])
    assert data["registration"]["sector_cap_percent"] == 40

    data["registration"]["sector_cap_percent"] = None
    event, _ = import_event(json.dumps(data))
    assert event.sector_cap_percent is None
    data["registration"]["sector_cap_percent"] = 150
    with pytest.raises(EventFileError) as error:
        import_event(json.dumps(data))
    assert "registration.sector_cap_percent: muss eine ganze Zahl von 1 bis 100 sein" in error.value.problems


def test_flask_assign_lists_moves_of_notified_attendees_and_fills_without_moving_them(app_context, cli):
    event = small_event({"A": 1, "B": 5})
    register(event, "Anna", ["A", "B"], minutes=10)
    assert "E-Mails mit der Zuteilung: 1" in cli.invoke(args=["assign", "werkstatt", "--notify"]).output
    register(event, "Berta", ["A"], minutes=0)

    preview = cli.invoke(args=["assign", "werkstatt", "--dry-run"])
    filled = cli.invoke(args=["assign", "werkstatt", "--fill"])

    assert "Änderungen gegenüber den gespeicherten Plätzen: 2, davon 1 bei bereits Benachrichtigten:" in preview.output
    assert "Anna Test, Workshops: A → B" in preview.output
    assert "Gespeichert: 1 neu, 0 verschoben, 0 entfernt." in filled.output
    assert seats_by_name(event) == {"Anna": "A", "Berta": "B"}
    assert "nicht zusammen" in cli.invoke(args=["assign", "werkstatt", "--dry-run", "--notify"]).output
