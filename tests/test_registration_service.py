"""The registration service as organisers' tools and later issues call it: seats, waitlists, history."""
import pytest

from confapp.extensions import db
from confapp.models import AssignmentSource, OutboxMessage, RegistrationStatus
from confapp.services.registration import register as registering
from confapp.services.registration import change as registrations
from confapp.services.registration import seats
from confapp.services.registration import lookup as registration_lookup
from confapp.services.registration.change import RegistrationData
from tests.registration_support import item, make_event


def attendee(event, number, workshop=None, **extra):
    choices = {}
    if workshop:
        choices = {event.choice_slots[0].id: [item(event, workshop).id]}
    return RegistrationData(first_name="Anna", last_name=f"Muster{number}", email=f"Anna{number}@Example.org",
                            organisation="Jugendamt", sector="Jugendamt/ASD", privacy_consent=True,
                            choices=choices, **extra)


def test_a_full_event_waitlists_and_a_cancellation_promotes_the_first_in_line(app_context):
    event = make_event(capacity=2, workshop_capacity=5)
    first, second, third, fourth = (registering.register(event, attendee(event, n, "Häusliche Gewalt"))
                                    for n in range(1, 5))
    assert [r.waitlisted for r in (first, second, third, fourth)] == [False, False, True, True]
    assert registration_lookup.waitlist_position(fourth.registration) == 2

    promoted = registrations.cancel(second.registration)

    assert [r.email for r in promoted] == ["anna3@example.org"]
    db.session.refresh(event)
    assert event.seats_taken == 2 and item(event, "Häusliche Gewalt").seats_taken == 2
    assert [h.action for h in third.registration.history] == ["registered", "promoted"]
    assert registration_lookup.waitlist_position(fourth.registration) == 1
    queued = [(m.to_address, m.subject) for m in db.session.query(OutboxMessage).order_by(OutboxMessage.id)]
    assert ("anna3@example.org", "Ein Platz ist frei geworden: Fachtag Kinderschutz") in queued
    assert ("anna2@example.org", "Stornierung bestätigt: Fachtag Kinderschutz") in queued


def test_direct_mode_waits_for_a_full_workshop_and_moves_up_in_order(app_context):
    event = make_event(capacity=None, workshop_capacity=1)
    seated = registering.register(event, attendee(event, 1, "Gespräche mit Eltern"))
    waiting = [registering.register(event, attendee(event, n, "Gespräche mit Eltern")) for n in (2, 3)]
    assert [w.title for w in waiting[0].workshop_waitlists] == ["Gespräche mit Eltern"]
    assert seated.registration.assignments[0].source == AssignmentSource.direct

    promoted = registrations.cancel(seated.registration)

    assert [r.email for r in promoted] == ["anna2@example.org"]
    assert [a.program_item.title for a in waiting[0].registration.assignments] == ["Gespräche mit Eltern"]
    assert waiting[1].registration.assignments == []


def test_organisers_move_people_without_overbooking(app_context):
    event = make_event(capacity=None, workshop_capacity=1)
    anna = registering.register(event, attendee(event, 1, "Gespräche mit Eltern")).registration
    ben = registering.register(event, attendee(event, 2, "Häusliche Gewalt")).registration

    with pytest.raises(registrations.SeatUnavailable):
        registrations.move_to_workshop(anna, item(event, "Häusliche Gewalt"), by="orga@example.org")
    moved = registrations.move_to_workshop(anna, item(event, "Kinderschutz in der Kita"), by="orga@example.org")

    assert moved.locked and moved.source == AssignmentSource.manual
    assert item(event, "Gespräche mit Eltern").seats_taken == 0
    assert anna.history[-1].action == "moved" and anna.history[-1].actor == "orga@example.org"
    assert ben.status == RegistrationStatus.confirmed


def test_organisers_register_for_events_not_open_to_the_public(app_context):
    event = make_event(status="draft")
    with pytest.raises(registrations.RegistrationClosed):
        registering.register(event, attendee(event, 1, "Häusliche Gewalt"))
    data = attendee(event, 1)
    data.privacy_consent = False
    result = registering.register(event, data, by_organiser=True, actor="orga@example.org")
    assert result.created and result.registration.history[0].actor == "orga@example.org"


def test_a_manage_token_finds_its_registration_and_nothing_else(app_context):
    event = make_event()
    registration = registering.register(event, attendee(event, 1, "Häusliche Gewalt")).registration
    assert registration_lookup.find_by_manage_token(registration.manage_token) == registration
    assert registration_lookup.find_by_manage_token(registration.badge_token) is None
    assert registration_lookup.find_by_manage_token("") is None
    assert len(registration.manage_token) >= 22  # >= 128 bits, URL-safe base64


def _taken_meanwhile(app, event, workshop_title: str | None) -> None:
    """Someone else registers in another session, after ``event``'s seat counts were read."""
    with app.app_context():
        other = db.session.get(type(event), event.id)
        registering.register(other, attendee(other, 99, workshop_title))


def test_a_workshop_seat_that_went_meanwhile_ends_on_its_waitlist_with_the_matching_email(app, app_context):
    event = make_event(capacity=None, workshop_capacity=1)
    workshop = item(event, "Gespräche mit Eltern")
    assert seats.item_has_room(workshop)  # what the form was built with
    _taken_meanwhile(app, event, "Gespräche mit Eltern")

    result = registering.register(event, attendee(event, 1, "Gespräche mit Eltern"))

    assert [w.title for w in result.workshop_waitlists] == ["Gespräche mit Eltern"]
    assert result.registration.status == RegistrationStatus.confirmed and result.registration.assignments == []
    db.session.refresh(workshop)
    assert workshop.seats_taken == 1
    assert [h.action for h in result.registration.history] == ["workshop_waitlisted", "registered"]
    mails = db.session.query(OutboxMessage).filter_by(to_address="anna1@example.org").all()
    assert len(mails) == 1 and "Diese Workshops sind voll" in mails[0].text_body
    assert "Gespräche mit Eltern" in mails[0].text_body


def test_an_event_seat_that_went_meanwhile_puts_the_attendee_on_the_waitlist_with_the_matching_email(
        app, app_context):
    event = make_event(capacity=1, workshop_capacity=5)
    assert seats.event_has_room(event)
    _taken_meanwhile(app, event, "Gespräche mit Eltern")

    result = registering.register(event, attendee(event, 1, "Gespräche mit Eltern"))

    assert result.waitlisted and result.registration.assignments == []
    db.session.refresh(event)
    assert event.seats_taken == 1 and item(event, "Gespräche mit Eltern").seats_taken == 1
    mails = db.session.query(OutboxMessage).filter_by(to_address="anna1@example.org").all()
    assert [m.subject for m in mails] == ["Warteliste: Fachtag Kinderschutz"]
    assert "Platz 1" in mails[0].text_body


def test_someone_joining_the_waitlist_meanwhile_moves_the_place_the_email_names(app, app_context, monkeypatch):
    event = make_event(capacity=1, workshop_capacity=5)
    registrations_before = [registering.register(event, attendee(event, n, "Gespräche mit Eltern")) for n in (1, 2)]
    assert [r.waitlisted for r in registrations_before] == [False, True]
    lock_event = seats.lock_event

    def someone_else_first(*args, **kwargs):  # after this registration was prepared, before its lock
        monkeypatch.setattr(seats, "lock_event", lock_event)
        _taken_meanwhile(app, event, "Gespräche mit Eltern")
        return lock_event(*args, **kwargs)

    monkeypatch.setattr(seats, "lock_event", someone_else_first)
    result = registering.register(event, attendee(event, 3, "Gespräche mit Eltern"))

    assert result.waitlisted
    assert registration_lookup.waitlist_position(result.registration) == 3
    mails = db.session.query(OutboxMessage).filter_by(to_address="anna3@example.org").all()
    assert len(mails) == 1 and "Platz 3" in mails[0].text_body and "Platz 3" in mails[0].html_body
    assert not [m for m in db.session.query(OutboxMessage) if "WARTELISTENPLATZ" in m.text_body + m.html_body]


def test_a_workshop_seat_freed_meanwhile_is_taken_and_the_email_says_so(app, app_context):
    event = make_event(capacity=None, workshop_capacity=1)
    holder = registering.register(event, attendee(event, 1, "Gespräche mit Eltern"))
    db.session.expire_all()
    workshop = item(event, "Gespräche mit Eltern")
    assert not seats.item_has_room(workshop)  # what the form was built with: full
    with app.app_context():  # the holder cancels in another session before this registration takes its seats
        registrations.cancel(db.session.get(type(holder.registration), holder.registration_id))

    result = registering.register(event, attendee(event, 2, "Gespräche mit Eltern"))

    assert result.workshop_waitlists == []
    assert [a.program_item.title for a in result.registration.assignments] == ["Gespräche mit Eltern"]
    mails = db.session.query(OutboxMessage).filter_by(to_address="anna2@example.org").all()
    assert len(mails) == 1 and "Diese Workshops sind voll" not in mails[0].text_body
    assert [h.action for h in result.registration.history] == ["registered"]
