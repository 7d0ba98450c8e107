"""Registrations by phone, on paper and at the door: no e-mail address needed, wishes recorded, and
these people take part in the assignment like everyone else."""
from sqlalchemy import select

from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, DOOR, EVENT, event_named, registrations_of, workshops
from confapp.extensions import db
from confapp.models import RegistrationStatus
from confapp.services.assignment import workflow as assignment


def _phone_form(event, **changes):
    slot = event.choice_slots[0]
    items = slot.choice_items
    data = {"first_name": "Hanne", "last_name": "Telefon", "email": "", "organisation": "Kita Regenbogen",
            "sector": event.network.sectors[0], "privacy_consent": "y",
            f"choice_{slot.id}_1": str(items[2].id), f"choice_{slot.id}_2": str(items[0].id),
            f"choice_{slot.id}_3": str(items[1].id)}
    return {**data, **changes}


def test_a_phone_registration_without_email_with_wishes_gets_a_seat_from_the_assignment(client, app, demo,
                                                                                       app_context):
    event = event_named()
    sign_in(client, ANHALT)
    before = len(outbox_messages(app))
    response = post_form(client, f"{BASE}/anmeldungen/neu", _phone_form(event), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Ohne E-Mail-Adresse bekommt die Person keine E-Mails" in html
    person = next(r for r in registrations_of() if r.last_name == "Telefon")
    assert person.email == "" and person.status == RegistrationStatus.confirmed
    assert [p.program_item_id for p in person.preferences] == [event.choice_slots[0].choice_items[i].id
                                                               for i in (2, 0, 1)]
    assert len(outbox_messages(app)) == before  # nobody to write to

    second = post_form(client, f"{BASE}/anmeldungen/neu", _phone_form(event, first_name="Paul", last_name="Papier"))
    assert second.status_code == 302  # a second person without address is no duplicate

    result = assignment.preview(event_named())
    assignment.apply(event_named(), result)
    person = next(r for r in registrations_of() if r.last_name == "Telefon")
    assert [a.program_item.title for a in person.assignments] == [event.choice_slots[0].choice_items[2].title]

    step = post_form(client, f"{BASE}/zuteilung/benachrichtigen", {}, page_url=f"{BASE}/zuteilung")
    assert "2 Personen sind ohne E-Mail-Adresse angemeldet" in step.get_data(as_text=True)


def test_a_walk_in_without_email_is_checked_in_and_told_there_is_no_email(client, demo, app_context):
    event = event_named()
    sign_in(client, DOOR)
    response = post_form(client, f"/checkin/{EVENT}/vor-ort", {
        "first_name": "Vera", "last_name": "Vorort", "email": "", "organisation": "Jugendamt",
        "sector": event.network.sectors[0], "privacy_consent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ohne E-Mail-Adresse bekommt die Person keine E-Mails" in html
    person = next(r for r in registrations_of() if r.last_name == "Vorort")
    assert person.email == "" and person.checked_in_at is not None
