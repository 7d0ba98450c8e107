"""The event and program editor through the back office: create, edit, publish, duplicate, validations."""
import re
import threading
from html import unescape
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event as sqlalchemy_event, update

from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, EVENT, MAGDEBURG, event_named, registrations_of, workshops
from tests.registration_support import form_data, item, make_event
from tests.pdf_helpers import all_text
from confapp.extensions import db
from confapp.models import Event, EventStatus, ProgramItem, RegistrationStatus
from confapp.services.networks import accounts
from confapp.services.registration import change, seats

NEW_EVENT = {"title": "Netzwerktreffen Herbst", "slug": "netzwerktreffen-herbst", "subtitle": "",
             "description": "", "starts_at": "2030-10-01T09:00", "ends_at": "2030-10-01T13:00",
             "venue_name": "Rathaus", "venue_address": "", "capacity": "40", "registration_opens_at": "",
             "registration_closes_at": "", "choice_mode": "ranked", "ranks": "3", "contact_email": ""}


def _form_of(event, **changes):
    data = {"title": event.title, "slug": event.slug, "subtitle": event.subtitle, "description": event.description,
            "starts_at": f"{event.starts_at:%Y-%m-%dT%H:%M}", "ends_at": f"{event.ends_at:%Y-%m-%dT%H:%M}",
            "venue_name": event.venue_name, "venue_address": event.venue_address,
            "capacity": str(event.capacity or ""),
            "registration_opens_at": f"{event.registration_opens_at:%Y-%m-%dT%H:%M}",
            "registration_closes_at": f"{event.registration_closes_at:%Y-%m-%dT%H:%M}",
            "choice_mode": event.choice_mode.value, "ranks": str(event.ranks), "contact_email": event.contact_email}
    return {**data, **changes}


def _confirmation(step) -> str:
    """The fingerprint the "save" button of a promotion preview sends back."""
    return re.search(r'name="confirmed"[^>]*value="([0-9a-f]+)"', step.get_data(as_text=True)).group(1)


def _promoted_mails(app) -> list:
    return [m for m in outbox_messages(app) if m["Subject"].startswith("Ein Platz ist frei geworden")]


def test_organiser_creates_a_draft_event_and_errors_are_german(client, demo, app_context):
    sign_in(client, ANHALT)
    bad = post_form(client, "/manage/n/anhalt-bitterfeld/neu",
                    {**NEW_EVENT, "ends_at": "2030-09-30T09:00", "slug": "Mit Leerzeichen", "capacity": "-3"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Bitte prüfen Sie Ihre Angaben" in html
    assert "Bitte eine ganze Zahl von 1 bis 100000" in html
    assert event_named("netzwerktreffen-herbst") is None

    bad = post_form(client, "/manage/n/anhalt-bitterfeld/neu", {**NEW_EVENT, "ends_at": "2030-09-30T09:00"})
    assert "Das Ende liegt vor dem Beginn" in bad.get_data(as_text=True)
    taken = post_form(client, "/manage/n/anhalt-bitterfeld/neu", {**NEW_EVENT, "slug": EVENT})
    assert "ist schon vergeben" in taken.get_data(as_text=True)

    created = post_form(client, "/manage/n/anhalt-bitterfeld/neu", NEW_EVENT)
    assert created.status_code == 302
    event = event_named("netzwerktreffen-herbst")
    assert event.status == EventStatus.draft and event.network.slug == "anhalt-bitterfeld"
    assert event.retention_until is not None


def test_attendee_like_markup_in_a_title_is_shown_as_text(client, demo):
    sign_in(client, ANHALT)
    post_form(client, "/manage/n/anhalt-bitterfeld/neu",
              {**NEW_EVENT, "title": "<img src=file:///etc/passwd>"})
    html = client.get("/manage/e/netzwerktreffen-herbst/").get_data(as_text=True)
    assert "&lt;img src=file:///etc/passwd&gt;" in html and "<img src=file" not in html


def test_event_times_cannot_leave_slots_outside(client, demo, app_context):
    sign_in(client, ANHALT)
    event = event_named()
    late_start = (event.starts_at + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(client, f"{BASE}/bearbeiten", _form_of(event, starts_at=late_start))
    assert response.status_code == 422
    assert "Diese Zeitfenster lägen außerhalb der Veranstaltung" in response.get_data(as_text=True)
    assert event_named().starts_at == event.starts_at


def test_capacity_cannot_drop_below_confirmed_registrations(client, demo, app_context):
    sign_in(client, ANHALT)
    event = event_named()
    response = post_form(client, f"{BASE}/bearbeiten", _form_of(event, capacity="1"))
    assert "die Kapazität kann nicht darunter sinken" in response.get_data(as_text=True)
    saved = post_form(client, f"{BASE}/bearbeiten", _form_of(event, title="Stark für Familien 2"))
    assert saved.status_code == 302 and event_named().title == "Stark für Familien 2"


def test_a_larger_capacity_moves_the_waitlist_up_in_order_and_tells_who_moved_up(
        client, other_client, app, demo, app_context):
    sign_in(client, ANHALT)
    event = event_named()
    full = post_form(client, f"{BASE}/bearbeiten", _form_of(event, capacity=str(event.seats_taken)))
    assert full.status_code == 302
    for number in (1, 2):  # the event is full: both wait
        post_form(other_client, f"/e/{EVENT}/anmelden", form_data(event_named(), number))
    waiting = sorted((r for r in registrations_of() if r.status == RegistrationStatus.waitlisted),
                     key=lambda r: (r.created_at, r.id))
    assert {"anna1@example.org", "anna2@example.org"} <= {r.email for r in waiting}
    first, after = waiting[0], waiting[1:]
    capacity = event_named().capacity
    raised = _form_of(event_named(), capacity=str(capacity + 1))

    # First who moves up and gets an e-mail; nothing is saved or sent yet.
    step = post_form(client, f"{BASE}/bearbeiten", raised)
    html = step.get_data(as_text=True)
    assert step.status_code == 200 and "rücken Personen von der Warteliste nach" in html
    assert "Diese E-Mail geht an 1 Person." in html and first.email in html
    assert all(r.email not in html for r in after)
    assert event_named().capacity == capacity and not _promoted_mails(app)
    assert all(r.status == RegistrationStatus.waitlisted for r in registrations_of() if r.id == first.id)

    response = post_form(client, f"{BASE}/bearbeiten", {**raised, "confirmed": _confirmation(step)},
                         follow_redirects=True)

    assert f"{first.full_name} ist von der Warteliste nachgerückt" in response.get_data(as_text=True)
    status = {r.id: r.status for r in registrations_of()}
    assert status[first.id] == RegistrationStatus.confirmed
    assert all(status[r.id] == RegistrationStatus.waitlisted for r in after)
    assert event_named().seats_taken == event_named().capacity
    told = outbox_messages(app)[-1]
    assert told["To"] == first.email and told["Subject"].startswith("Ein Platz ist frei geworden")

    unchanged = post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), title="Stark für Familien 2"),
                          follow_redirects=True)
    assert "nachgerückt" not in unchanged.get_data(as_text=True)
    assert all(r.status == RegistrationStatus.waitlisted for r in registrations_of() if r.id in {w.id for w in after})


def test_a_larger_capacity_confirmed_for_a_waitlist_that_changed_since_saves_and_sends_nothing(
        client, other_client, app, demo, app_context):
    sign_in(client, ANHALT)
    post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), capacity=str(event_named().seats_taken)))
    for number in (1, 2):  # the event is full: both wait
        post_form(other_client, f"/e/{EVENT}/anmelden", form_data(event_named(), number))
    first, second = sorted((r for r in registrations_of() if r.status == RegistrationStatus.waitlisted),
                           key=lambda r: (r.created_at, r.id))[:2]
    capacity = event_named().capacity
    raised = _form_of(event_named(), capacity=str(capacity + 1))
    step = post_form(client, f"{BASE}/bearbeiten", raised)
    assert first.email in step.get_data(as_text=True)

    change.cancel(first)  # meanwhile the first on the waitlist gives up: the second would move up instead

    stale = post_form(client, f"{BASE}/bearbeiten", {**raised, "confirmed": _confirmation(step)})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert "Seit der Vorschau haben sich Empfänger*innen oder Text geändert. Es wurde nichts verschickt." in html
    assert second.email in html and "Diese E-Mail geht an 1 Person." in html
    assert event_named().capacity == capacity and not _promoted_mails(app)
    assert {r.id: r.status for r in registrations_of()}[second.id] == RegistrationStatus.waitlisted

    done = post_form(client, f"{BASE}/bearbeiten", {**raised, "confirmed": _confirmation(stale)},
                     follow_redirects=True)
    assert f"{second.full_name} ist von der Warteliste nachgerückt" in done.get_data(as_text=True)
    assert event_named().capacity == capacity + 1
    assert [m["To"] for m in _promoted_mails(app)] == [second.email]


def test_teaching_units_are_set_in_the_editor_and_printed_on_the_certificates(client, demo, app_context):
    sign_in(client, ANHALT)
    for bad in ("0", "101", "acht"):
        refused = post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), teaching_units=bad))
        assert refused.status_code == 422 and "Bitte" in refused.get_data(as_text=True)
        assert event_named().teaching_units is None

    saved = post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), teaching_units="8"))

    assert saved.status_code == 302 and event_named().teaching_units == 8
    assert 'value="8"' in client.get(f"{BASE}/bearbeiten").get_data(as_text=True)
    certificates = client.get(f"{BASE}/dokumente/teilnahmebescheinigungen.pdf?basis=confirmed")
    assert "Umfang: 8 Unterrichtseinheiten zu je 45 Minuten." in " ".join(all_text(certificates.data).split())
    post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), teaching_units=""))
    assert event_named().teaching_units is None


def test_an_archived_event_keeps_its_waitlist_when_its_capacity_grows(client, other_client, demo, app_context):
    sign_in(client, ANHALT)
    post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), capacity=str(event_named().seats_taken)))
    post_form(other_client, f"/e/{EVENT}/anmelden", form_data(event_named(), 1))
    post_form(client, f"{BASE}/status/archived", {}, page_url=f"{BASE}/")
    assert event_named().status == EventStatus.archived

    response = post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), capacity=str(event_named().capacity + 5)),
                         follow_redirects=True)

    assert "Die Änderungen sind gespeichert" in response.get_data(as_text=True)
    assert "nachgerückt" not in response.get_data(as_text=True)
    assert {r.email: r.status for r in registrations_of()}["anna1@example.org"] == RegistrationStatus.waitlisted


def test_publish_close_archive_and_the_public_list(client, demo, app_context):
    sign_in(client, ANHALT)
    post_form(client, "/manage/n/anhalt-bitterfeld/neu", NEW_EVENT)
    url = "/manage/e/netzwerktreffen-herbst"
    refused = post_form(client, f"{url}/status/published", {}, page_url=f"{url}/")
    assert refused.status_code == 302
    assert "ohne Programm kann nicht veröffentlicht werden" in client.get(f"{url}/").get_data(as_text=True)
    post_form(client, f"{url}/programm/zeitfenster/neu",
              {"label": "Vormittag", "starts_at": "2030-10-01T09:00", "ends_at": "2030-10-01T12:00"})
    post_form(client, f"{url}/status/published", {}, page_url=f"{url}/")
    assert event_named("netzwerktreffen-herbst").status == EventStatus.published
    assert "Netzwerktreffen Herbst" in client.get("/").get_data(as_text=True)
    post_form(client, f"{url}/status/archived", {}, page_url=f"{url}/")
    assert "Netzwerktreffen Herbst" not in client.get("/").get_data(as_text=True)
    impossible = post_form(client, f"{url}/status/closed", {}, page_url=f"{url}/")
    assert impossible.status_code == 302 and event_named("netzwerktreffen-herbst").status == EventStatus.archived


def test_duplicate_shifts_every_date_and_copies_the_program_without_people(client, demo, app_context):
    sign_in(client, ANHALT)
    event = event_named()
    new_day = event.starts_at.date() + timedelta(days=364)
    response = post_form(client, f"{BASE}/kopieren",
                         {"title": "Stark für Familien 2025", "slug": "stark-2025", "starts_on": new_day.isoformat()})
    assert response.status_code == 302
    copy = event_named("stark-2025")
    original = event_named()
    assert copy.status == EventStatus.draft and copy.seats_taken == 0
    assert copy.starts_at == original.starts_at + timedelta(days=364)
    assert copy.registration_closes_at == original.registration_closes_at + timedelta(days=364)
    assert [(s.label, s.starts_at - timedelta(days=364)) for s in copy.slots] == \
           [(s.label, s.starts_at) for s in original.slots]
    assert [(w.title, w.capacity, w.room.name if w.room else None, w.seats_taken) for w in workshops("stark-2025")] == \
           [(w.title, w.capacity, w.room.name if w.room else None, 0) for w in workshops()]
    assert registrations_of("stark-2025") == [] and registrations_of()
    taken = post_form(client, f"{BASE}/kopieren", {"title": "X", "slug": "stark-2025", "starts_on": new_day.isoformat()})
    assert "ist schon vergeben" in taken.get_data(as_text=True)


def _item_form(workshop, **changes):
    data = {"slot_id": str(workshop.slot_id), "kind": workshop.kind.value, "title": workshop.title,
            "abstract": workshop.abstract, "room_id": str(workshop.room_id or 0),
            "capacity": str(workshop.capacity or ""), "starts_at": "", "ends_at": "",
            "speakers": "\n".join(s.name for s in workshop.speakers)}
    return {**data, **changes}


def test_program_item_must_lie_inside_its_slot(client, demo, app_context):
    sign_in(client, ANHALT)
    workshop = workshops()[0]
    url = f"{BASE}/programm/punkt/{workshop.id}"
    before = workshop.slot.starts_at - timedelta(hours=1)
    response = post_form(client, url, _item_form(workshop, starts_at=f"{before:%H:%M}",
                                                 ends_at=f"{workshop.slot.starts_at:%H:%M}"))
    assert response.status_code == 422
    assert "muss innerhalb seines Zeitfensters" in response.get_data(as_text=True)
    inside = workshop.slot.starts_at + timedelta(minutes=30)
    ok = post_form(client, url, _item_form(workshop, starts_at=f"{inside:%H:%M}",
                                           ends_at=f"{workshop.slot.ends_at:%H:%M}"))
    assert ok.status_code == 302 and workshops()[0].starts_at == inside


def test_a_room_cannot_be_used_twice_at_once(client, demo, app_context):
    sign_in(client, ANHALT)
    first, second = workshops()[:2]
    response = post_form(client, f"{BASE}/programm/punkt/{second.id}", _item_form(second, room_id=str(first.room_id)))
    assert response.status_code == 422
    assert f"Der Raum „{first.room.name}“ ist zu dieser Zeit schon belegt" in response.get_data(as_text=True)
    assert workshops()[1].room_id == second.room_id


def test_workshop_capacity_above_the_room_is_warned_and_below_seats_refused(client, demo, app_context):
    sign_in(client, ANHALT)
    workshop = workshops()[0]
    post_form(client, f"{BASE}/programm/raum/{workshop.room_id}",
              {"name": workshop.room.name, "capacity": "10", "access_notes": ""})
    response = post_form(client, f"{BASE}/programm/punkt/{workshop.id}", _item_form(workshop, capacity="30"),
                         follow_redirects=True)
    assert "hat 30 Plätze, der Raum" in response.get_data(as_text=True)
    assert workshops()[0].capacity == 30
    workshop = workshops()[0]
    workshop.seats_taken = 5
    db.session.commit()
    refused = post_form(client, f"{BASE}/programm/punkt/{workshop.id}", _item_form(workshop, capacity="4"))
    assert "die Kapazität kann nicht darunter sinken" in refused.get_data(as_text=True)
    talk = post_form(client, f"{BASE}/programm/punkt/neu", _item_form(workshop, kind="talk", title="Grußwort",
                                                                     room_id="0", capacity="20"))
    assert "Nur Workshops und Thementische haben Plätze" in talk.get_data(as_text=True)


def test_more_seats_in_a_full_workshop_move_its_waitlist_up_in_order(client, other_client, app, app_context):
    event = make_event(capacity=None, workshop_capacity=1, mode="direct")
    accounts.grant_role("orga@example.org", "testnetz", "organiser", password="ein-langes-passwort-2024")
    db.session.commit()
    workshop = item(event, "Gespräche mit Eltern")
    choice = {f"choice_{workshop.slot_id}_1": str(workshop.id)}
    for number in (1, 2, 3):  # one seat: the second and third wait for it, in this order
        post_form(other_client, "/e/fachtag/anmelden", form_data(event, number, choices=choice))
    sign_in(client, "orga@example.org", "ein-langes-passwort-2024")

    url = f"/manage/e/fachtag/programm/punkt/{workshop.id}"
    raised = _item_form(workshop, capacity="2", room_id="0")
    step = post_form(client, url, raised)
    html = step.get_data(as_text=True)
    assert "rücken Personen von der Warteliste nach" in html and "anna2@example.org" in html
    assert "anna3@example.org" not in html and item(event, "Gespräche mit Eltern").capacity == 1
    assert not _promoted_mails(app)

    response = post_form(client, url, {**raised, "confirmed": _confirmation(step)}, follow_redirects=True)

    assert '<p class="flash flash-success" role="status">Anna Muster2 ist von der Warteliste nachgerückt' \
        in response.get_data(as_text=True)
    seats = {r.email: [a.program_item_id for a in r.assignments] for r in registrations_of("fachtag")}
    assert seats == {"anna1@example.org": [workshop.id], "anna2@example.org": [workshop.id], "anna3@example.org": []}
    told = outbox_messages(app)[-1]
    assert told["To"] == "anna2@example.org" and told["Subject"].startswith("Ein Platz ist frei geworden")


def test_slot_must_lie_inside_the_event_and_items_with_wishes_stay(client, demo, app_context):
    sign_in(client, ANHALT)
    event = event_named()
    response = post_form(client, f"{BASE}/programm/zeitfenster/neu",
                         {"label": "Abends", "starts_at": f"{event.ends_at:%Y-%m-%dT%H:%M}",
                          "ends_at": f"{event.ends_at + timedelta(hours=2):%Y-%m-%dT%H:%M}"})
    assert "Das Zeitfenster muss innerhalb der Veranstaltung liegen" in response.get_data(as_text=True)
    wished = workshops()[0]
    refused = post_form(client, f"{BASE}/programm/punkt/{wished.id}/loeschen", {}, page_url=f"{BASE}/programm",
                        follow_redirects=True)
    assert "gibt es schon Wünsche oder Zuteilungen" in refused.get_data(as_text=True)
    assert workshops()[0].id == wished.id


def test_new_item_with_speakers_and_a_workshop_leader(client, demo, app_context):
    leader = accounts.grant_role("leitung@example.org", "anhalt-bitterfeld", "workshop_leader",
                                 password="ein sicheres Passwort").user
    sign_in(client, ANHALT)
    slot = workshops()[0].slot
    response = post_form(client, f"{BASE}/programm/punkt/neu", {
        "slot_id": str(slot.id), "kind": "workshop", "title": "Neuer Workshop", "abstract": "", "room_id": "0",
        "capacity": "12", "starts_at": "", "ends_at": "", "speakers": "Dr. Neu\nFrau Zwei\n",
        "leader_ids": str(leader.id)})
    assert response.status_code == 302
    item = next(w for w in workshops() if w.title == "Neuer Workshop")
    assert sorted(s.name for s in item.speakers) == ["Dr. Neu", "Frau Zwei"]
    page = client.get(f"{BASE}/programm/punkt/{item.id}").get_data(as_text=True)
    assert "leitung@example.org" in page and "checked" in page


def test_admins_see_the_audit_log_of_organiser_actions(client, other_client, demo, app_context):
    accounts.grant_role("team@anhalt-bitterfeld.example", "anhalt-bitterfeld", "organiser",
                        password="ein sicheres Passwort")
    sign_in(other_client, "team@anhalt-bitterfeld.example", "ein sicheres Passwort")
    event = event_named()
    post_form(other_client, f"{BASE}/bearbeiten", _form_of(event, title="Stark für Familien (neu)"))
    assert other_client.get("/manage/n/anhalt-bitterfeld/protokoll").status_code == 404
    sign_in(client, ANHALT)
    log = client.get("/manage/n/anhalt-bitterfeld/protokoll").get_data(as_text=True)
    assert "team@anhalt-bitterfeld.example" in log and "Angaben geändert: Titel." in log


@contextmanager
def _registrations_meanwhile(app, event_id: int, item_id: int | None, after: str, occurrence: int = 1):
    """While the organiser's request runs, two people register elsewhere: right after the request's
    ``occurrence``-th statement containing ``after`` (it follows the capacity check), another
    session takes two seats of the event (or of the workshop ``item_id``) as registering does:
    under the event's lock, if they are free. The request goes on meanwhile."""
    engine, seen, done = db.engine, [], []

    def register_elsewhere():
        with app.app_context():
            event = seats.lock_event(event_id)
            for _ in range(2):
                seats.take_item_seat(db.session.get(ProgramItem, item_id)) if item_id else seats.take_event_seat(event)
            db.session.commit()

    def meanwhile(_connection, _cursor, statement, *_):
        if after in statement:
            seen.append(statement)
            if len(seen) == occurrence:
                done.append(threading.Thread(target=register_elsewhere))
                done[0].start()
                done[0].join(timeout=1)  # it waits while the request holds the event's lock

    sqlalchemy_event.listen(engine, "after_cursor_execute", meanwhile)
    try:
        yield done
    finally:
        sqlalchemy_event.remove(engine, "after_cursor_execute", meanwhile)
        if done:
            done[0].join()


def test_a_smaller_capacity_is_checked_under_the_lock_while_people_register(app, client, demo, app_context):
    """The capacity is lowered to one above the seats taken while two people register: it is saved
    and one of them gets the last seat (or they come first and it is refused); never a server error."""
    sign_in(client, ANHALT)
    event = event_named()
    taken = event.seats_taken
    with _registrations_meanwhile(app, event.id, None, after="FROM slot") as done:
        response = post_form(client, f"{BASE}/bearbeiten", _form_of(event, capacity=str(taken + 1)))
    assert done
    db.session.expire_all()
    event = event_named()
    assert (response.status_code, event.capacity, event.seats_taken) == (302, taken + 1, taken + 1)


def test_a_smaller_workshop_capacity_is_checked_under_the_lock_while_people_register(app, client, demo, app_context):
    sign_in(client, ANHALT)
    workshop = workshops()[0]
    taken = workshop.seats_taken
    with _registrations_meanwhile(app, workshop.slot.event_id, workshop.id, after="JOIN membership", occurrence=3) as done:
        response = post_form(client, f"{BASE}/programm/punkt/{workshop.id}", _item_form(workshop, capacity=str(taken + 1)))
    assert done
    db.session.expire_all()
    workshop = workshops()[0]
    assert (response.status_code, workshop.capacity, workshop.seats_taken) == (302, taken + 1, taken + 1)


def test_the_preview_of_a_larger_capacity_shows_the_workshop_seat_the_e_mail_will_name(
        client, other_client, app, app_context):
    """Direct mode: whoever moves up into the event also gets the free workshop seat they chose.
    The preview's e-mail says so, as the e-mail that goes out does."""
    event = make_event(mode="direct", capacity=1)
    accounts.grant_role("koordination@example.org", "testnetz", "organiser", password="ein sicheres Passwort")
    sign_in(client, "koordination@example.org", "ein sicheres Passwort")
    slot = event.choice_slots[0]
    post_form(other_client, "/e/fachtag/anmelden", form_data(event, 1))
    post_form(other_client, "/e/fachtag/anmelden", form_data(
        event, 2, choices={f"choice_{slot.id}_1": str(item(event, "Gespräche mit Eltern").id)}))
    db.session.expire_all()
    raised = _form_of(db.session.get(Event, event.id), capacity="2")

    step = post_form(client, "/manage/e/fachtag/bearbeiten", raised)
    seat = "gute Nachricht: Für „Fachtag Kinderschutz“ ist ein Platz frei geworden (Gespräche mit Eltern)."
    assert step.status_code == 200 and seat in unescape(step.get_data(as_text=True))
    assert not _promoted_mails(app)

    post_form(client, "/manage/e/fachtag/bearbeiten", {**raised, "confirmed": _confirmation(step)})
    sent = _promoted_mails(app)
    assert len(sent) == 1 and seat in sent[0].get_body(("plain",)).get_content()


def test_the_overview_counts_workshops_and_theme_tables_by_their_names(client, other_client, demo, app_context):
    sign_in(client, ANHALT)
    fachtag = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Workshopplätze belegt" in fachtag and "(7 Workshops)" in fachtag and "Thementisch" not in fachtag
    sign_in(other_client, MAGDEBURG)
    forum = other_client.get("/manage/e/netzwerkforum-magdeburg/").get_data(as_text=True)
    assert "Plätze an Thementischen belegt" in forum and re.search(r"\(\d+ Thementische\)", forum)
    assert "Workshop" not in forum.split("<h2>Kennzahlen</h2>")[1].split("</dl>")[0]
