"""Retention: after the retention date nothing personal remains, counts stay right."""
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select, update

from confapp.extensions import db
from confapp.models import (Assignment, AssignmentRun, RunState, Attendance, AuditEntry, ConsentRecord, Event, OutboxMessage, Preference,
                            Registration)
from confapp.services.assignment import runs, workflow
from confapp.services.privacy import legal
from confapp.services.mail.outbox import queue_email
from confapp.services.privacy.retention import purge_event
from tests.manage_helpers import move_into_past


def personal_snapshot(event_id: int) -> set[str]:
    """Every personal value of an event's registrations that must not survive a purge."""
    values = set()
    for registration in db.session.scalars(select(Registration).where(Registration.event_id == event_id)):
        values |= {registration.first_name, registration.last_name, registration.email, registration.organisation,
                   registration.manage_token, registration.badge_token}
    return values - {""}


def all_stored_text() -> str:
    """Every string in every table, to search for what must be gone."""
    chunks = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


def statistics(event_id: int):
    registrations = list(db.session.scalars(select(Registration).where(Registration.event_id == event_id)))
    return (Counter((r.status, r.sector) for r in registrations),
            Counter(p.program_item_id for p in db.session.scalars(select(Preference).join(Registration)
                                                                  .where(Registration.event_id == event_id))),
            sum(r.checked_in_at is not None for r in registrations),
            Counter(a.program_item_id for a in db.session.scalars(select(Assignment).join(Registration)
                                                                  .where(Registration.event_id == event_id))),
            Counter(a.program_item_id for a in db.session.scalars(select(Attendance).join(Registration)
                                                                  .where(Registration.event_id == event_id))))


DOOR_STAFF = "tuer.person@stark.example"


def prepare(demo):
    event = move_into_past(demo[0])
    registrations = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
    for number, registration in enumerate(registrations):  # values found nowhere else in the database
        registration.first_name, registration.last_name = f"Vorname{number}x", f"Nachname{number}q"
        registration.email, registration.organisation = f"person{number}@kita{number}.example", f"Kita Nr. {number}z"
    registrations[0].diet, registrations[0].access_needs = "vegan", "Rollstuhl"
    registrations[1].checked_in_at = registrations[0].created_at
    registrations[1].checked_in_by = DOOR_STAFF
    item = next(item for slot in event.choice_slots for item in slot.choice_items)
    db.session.add(Attendance(registration=registrations[1], program_item=item, marked_by=DOOR_STAFF))
    db.session.add(AuditEntry(network_id=event.network_id, event=event, actor="orga@stark.example",
                              action="registration.moved",
                              summary=f"{registrations[2].full_name} ({registrations[2].email}) umgebucht."))
    for registration in registrations[:3]:
        legal.record_consent(registration, "privacy")
        queue_email(registration.email, "Bestätigung", f"Hallo {registration.first_name}", event=event,
                    registration=registration)
    # A kept assignment report names everyone who moved.
    db.session.add(AssignmentRun(event_id=event.id, mode="reoptimize", started_by="orga@stark.example",
                                 state=RunState.ready, result=runs.dump(workflow.preview(event))))
    db.session.commit()
    return event


def test_purge_leaves_nothing_personal_and_keeps_the_counts(demo, app_context, cli):
    event = prepare(demo)
    # The other demo event's attendees name diets and needs too; they must stay, but not be mistaken
    # for what this purge left behind.
    db.session.execute(update(Registration).where(Registration.event_id == demo[1].id)
                       .values(diet="", access_needs=""))
    db.session.commit()
    personal = personal_snapshot(event.id)
    before = statistics(event.id)
    other_event_names = personal_snapshot(demo[1].id)

    result = cli.invoke(args=["purge", "stark-fuer-familien", "--yes"])

    assert result.exit_code == 0, result.output
    assert "12 Anmeldungen anonymisiert, 3 E-Mails gelöscht" in result.output
    db.session.expire_all()
    stored = all_stored_text()
    assert {value for value in personal if value in stored} == set()
    assert DOOR_STAFF not in stored
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.moved")).one()
    assert (audit.actor, audit.event_id) == ("orga@stark.example", event.id) and "gelöscht" in audit.summary
    assert "vegan" not in stored and "Rollstuhl" not in stored
    assert statistics(event.id) == before
    assert db.session.query(ConsentRecord).count() == 0
    assert db.session.query(OutboxMessage).filter_by(event_id=event.id).count() == 0
    assert all(name in stored for name in other_event_names)
    assert db.session.get(Event, event.id).purged_at is not None


def test_purge_due_takes_only_events_past_their_retention_date(demo, app_context, cli):
    stark, forum = demo
    move_into_past(stark)
    stark.retention_until = date.today() - timedelta(days=1)
    db.session.commit()

    result = cli.invoke(args=["purge", "--due"])

    assert "stark-fuer-familien: 12 Anmeldungen anonymisiert" in result.output
    assert "netzwerkforum" not in result.output
    assert "Nichts zu löschen." in cli.invoke(args=["purge", "--due"]).output


def test_a_funder_setting_keeps_attendee_names_for_the_years_asked(demo, app_context, cli):
    event = prepare(demo)
    event.keep_attendance_years = 5
    attended = db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                             Registration.checked_in_at.is_not(None))).one()
    name = (attended.first_name, attended.last_name)
    db.session.commit()

    first = cli.invoke(args=["purge", "stark-fuer-familien", "--yes"])
    assert "Namen auf der Anwesenheitsliste behalten: 1" in first.output
    db.session.expire_all()
    assert (attended.first_name, attended.last_name) == name
    assert attended.email.endswith("@invalid") and attended.organisation == ""
    assert event.attendance_kept_until.year == date.today().year + 5

    event.attendance_kept_until = date.today() - timedelta(days=1)
    db.session.commit()
    cli.invoke(args=["purge", "--due"])
    db.session.expire_all()
    assert attended.first_name == "gelöscht" and attended.last_name == ""


def test_old_links_stop_working_after_the_purge(demo, app_context, client):
    event = prepare(demo)
    registration = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).first()
    old_tokens = (registration.manage_token, registration.badge_token)
    purge_event(event)
    assert not set(old_tokens) & set(db.session.scalars(select(Registration.manage_token)))
    assert not set(old_tokens) & set(db.session.scalars(select(Registration.badge_token)))


def test_imported_events_get_the_networks_default_retention(demo):
    event = demo[0]
    assert event.retention_until is not None and event.retention_until > event.ends_at.date()


def test_purge_needs_an_event_or_due(cli, app_context):
    result = cli.invoke(args=["purge"])
    assert result.exit_code == 2 and "entweder eine Veranstaltung oder --due" in result.output
