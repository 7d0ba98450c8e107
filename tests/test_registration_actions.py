"""Organisers' registration actions through the back office, on the registration service's seat rules."""
from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import send_confirmed, ANHALT, BASE, event_named, registrations_of, workshops
from confapp.extensions import db
from confapp.models import AuditEntry, RegistrationStatus
from confapp.services.assignment import notices, workflow as assignment
from confapp.services.mail.outbox import deliver_pending


def _detail(registration):
    return f"{BASE}/anmeldungen/{registration.id}"


def _confirmed():
    return [r for r in registrations_of() if r.status == RegistrationStatus.confirmed]


def _full_event_with_one_waiting(client):
    event = event_named()
    event.capacity = event.seats_taken
    db.session.commit()
    sign_in(client, ANHALT)
    post_form(client, f"{BASE}/anmeldungen/neu", {"first_name": "Warte", "last_name": "Liste",
                                                  "email": "warte@example.org", "organisation": "X",
                                                  "sector": "Kita", "privacy_consent": "y"})


def test_add_by_hand_confirms_and_mails_the_attendee(client, app, demo, app_context):
    sign_in(client, ANHALT)
    missing = post_form(client, f"{BASE}/anmeldungen/neu", {"first_name": "Tel", "last_name": "Fon",
                                                             "email": "tel.fon@example.org", "organisation": "",
                                                             "sector": "Kita"})
    assert missing.status_code == 422 and "Bitte bestätigen Sie die Einwilligung." in missing.get_data(as_text=True)
    response = post_form(client, f"{BASE}/anmeldungen/neu", {
        "first_name": "Tel", "last_name": "Fon", "email": "Tel.Fon@example.org", "organisation": "Kita Mitte",
        "sector": "Kita", "privacy_consent": "y"}, follow_redirects=True)
    assert "Die Anmeldung ist erfasst" in response.get_data(as_text=True)
    added = next(r for r in registrations_of() if r.email == "tel.fon@example.org")
    assert added.status == RegistrationStatus.confirmed
    assert any(h.actor == ANHALT for h in added.history)
    assert "tel.fon@example.org" in [m["To"] for m in outbox_messages(app)]


def test_edit_corrects_the_name_and_notes_it(client, demo, app_context):
    registration = _confirmed()[0]
    sign_in(client, ANHALT)
    response = post_form(client, f"{_detail(registration)}/bearbeiten",
                         {"first_name": "Korrigiert", "last_name": registration.last_name,
                          "organisation": registration.organisation, "sector": "Nicht in der Liste"})
    assert response.status_code == 422
    post_form(client, f"{_detail(registration)}/bearbeiten",
              {"first_name": "Korrigiert", "last_name": registration.last_name,
               "organisation": registration.organisation, "sector": registration.sector})
    changed = next(r for r in registrations_of() if r.id == registration.id)
    assert changed.first_name == "Korrigiert" and changed.history[-1].action == "details_changed"
    assert "Vorname" in changed.history[-1].note and changed.email  # an address not posted stays


def test_move_respects_capacity_unless_overridden_and_logged(client, demo, app_context):
    workshop = workshops()[0]
    people = _confirmed()[:3]
    workshop.capacity = 1
    db.session.commit()
    sign_in(client, ANHALT)
    post_form(client, f"{_detail(people[0])}/verschieben", {"item_id": str(workshop.id)}, page_url=_detail(people[0]))
    assert workshops()[0].seats_taken == 1
    refused = post_form(client, f"{_detail(people[1])}/verschieben", {"item_id": str(workshop.id)},
                        page_url=_detail(people[1]), follow_redirects=True)
    assert "ist voll" in refused.get_data(as_text=True)
    assert workshops()[0].seats_taken == 1
    post_form(client, f"{_detail(people[1])}/verschieben", {"item_id": str(workshop.id), "override": "y"},
              page_url=_detail(people[1]))
    full = workshops()[0]
    assert (full.capacity, full.seats_taken) == (2, 2)
    overrides = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "capacity.override")).all()
    assert len(overrides) == 1 and people[1].last_name in overrides[0].summary


def test_someone_moved_after_being_told_their_workshop_is_told_the_new_one(client, app, demo, app_context):
    event = event_named()
    assignment.apply(event, assignment.preview(event))
    notices.notify_assigned(event)
    deliver_pending(app=app)
    person = next(r for r in _confirmed() if r.assignments and r.email)
    elsewhere = next(w for w in workshops() if w.id != person.assignments[0].program_item_id)
    elsewhere.capacity += 1  # room for one more
    db.session.commit()
    sign_in(client, ANHALT)
    post_form(client, f"{_detail(person)}/verschieben", {"item_id": str(elsewhere.id)}, page_url=_detail(person))
    told = len(outbox_messages(app))
    db.session.commit()  # end the test's read transaction: see what the request committed

    assert notices.notify_assigned(event_named()) == 1
    deliver_pending(app=app)
    notice = outbox_messages(app)[told]
    assert notice["To"] == person.email and elsewhere.title in notice.get_body(("plain",)).get_content()


def test_cancel_frees_the_seat_and_the_waitlist_moves_up(client, demo, app_context):
    _full_event_with_one_waiting(client)
    waiting = next(r for r in registrations_of() if r.email == "warte@example.org")
    assert waiting.status == RegistrationStatus.waitlisted
    leaving = _confirmed()[0]
    response = post_form(client, f"{_detail(leaving)}/stornieren", {}, page_url=_detail(leaving),
                         follow_redirects=True)
    assert "Nachgerückt: 1" in response.get_data(as_text=True)
    statuses = {r.id: r.status for r in registrations_of()}
    assert statuses[leaving.id] == RegistrationStatus.cancelled
    assert statuses[waiting.id] == RegistrationStatus.confirmed


def test_promote_fills_seats_freed_by_a_larger_capacity(client, demo, app_context):
    _full_event_with_one_waiting(client)
    event = event_named()
    event.capacity += 1
    db.session.commit()
    page = f"{BASE}/anmeldungen?warteliste=1"
    step = post_form(client, f"{BASE}/warteliste/nachruecken", {}, page_url=page).get_data(as_text=True)
    assert "Diese E-Mail geht an 1 Person." in step and "von der Warteliste nachgerückt" in step
    assert next(r for r in registrations_of() if r.email == "warte@example.org").status == RegistrationStatus.waitlisted
    response = send_confirmed(client, f"{BASE}/warteliste/nachruecken", page, follow_redirects=True)
    assert "Nachgerückt: 1" in response.get_data(as_text=True)
    assert next(r for r in registrations_of() if r.email == "warte@example.org").status == RegistrationStatus.confirmed
