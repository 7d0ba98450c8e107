"""A storm of concurrent registrations through a running server: capacity holds, nothing is lost."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import Assignment, Event, OutboxMessage, ProgramItem, Registration, RegistrationStatus
from confapp.services.registration.change import cancel
from confapp.services.registration.register import MAX_RESENT_PER_DAY
from tests.conftest import CSRF_PATTERN
from tests.registration_support import PooledServer, form_data, item, make_event

ATTENDEES = 200


def test_200_concurrent_registrations_never_overbook_a_workshop_of_20_or_an_event_of_50(app, app_context):
    event = make_event(slug="sturm", mode="direct", capacity=50, workshop_capacity=20)
    workshop = item(event, "Gespräche mit Eltern")
    slot = event.choice_slots[0]
    server = PooledServer(app)
    url = f"{server.url}/e/sturm/anmelden"
    forms = [form_data(event, number, choices={f"choice_{slot.id}_1": str(workshop.id)})
             for number in range(ATTENDEES)]
    start = threading.Barrier(ATTENDEES)

    def attend(data: dict) -> int:
        with requests.Session() as browser:
            page = browser.get(url, timeout=600)
            match = CSRF_PATTERN.search(page.text)
            start.wait(timeout=600)  # everybody posts at the same moment
            response = browser.post(url, data={**data, "csrf_token": match.group(1) or match.group(2)},
                                    allow_redirects=False, timeout=600)
            return response.status_code

    with server, ThreadPoolExecutor(max_workers=ATTENDEES) as pool:
        statuses = list(pool.map(attend, forms))

    assert statuses == [302] * ATTENDEES
    db.session.commit()  # a fresh snapshot (SQLite keeps the one the test's session began with)
    counts = dict(db.session.execute(select(Registration.status, func.count()).group_by(Registration.status)).all())
    assert counts == {RegistrationStatus.confirmed: 50, RegistrationStatus.waitlisted: 150}
    assert db.session.get(Event, event.id).seats_taken == 50
    assert db.session.get(ProgramItem, workshop.id).seats_taken == 20
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 20
    # Every attendee got exactly one e-mail queued with their registration.
    recipients = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sorted(recipients) == sorted(f["email"] for f in forms)


def _post_at_once(url: str, data: dict, devices: int = 20) -> list[int]:
    """``data`` posted from ``devices`` browsers at the same moment (each with its form's CSRF token)."""
    start = threading.Barrier(devices)

    def attend(_number: int) -> int:
        with requests.Session() as browser:
            match = CSRF_PATTERN.search(browser.get(url, timeout=600).text)
            start.wait(timeout=600)
            return browser.post(url, data={**data, "csrf_token": match.group(1) or match.group(2)},
                                allow_redirects=False, timeout=600).status_code

    with ThreadPoolExecutor(max_workers=devices) as pool:
        return list(pool.map(attend, range(devices)))


def test_one_address_registered_from_many_devices_at_once_is_one_registration(app, app_context):
    """The same address posted 20 times at the same moment: one registration, one seat, every
    answer the usual confirmation page; the others only resend the manage link (a few times a day)."""
    event = make_event(slug="doppelt", mode="direct", capacity=50, workshop_capacity=20)
    workshop = item(event, "Gespräche mit Eltern")
    slot = event.choice_slots[0]
    server = PooledServer(app)
    data = form_data(event, 1, choices={f"choice_{slot.id}_1": str(workshop.id)})
    with server:
        statuses = _post_at_once(f"{server.url}/e/doppelt/anmelden", data, devices=20)

    assert statuses == [302] * 20
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.get(Event, event.id).seats_taken == 1
    assert db.session.get(ProgramItem, workshop.id).seats_taken == 1
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    # One confirmation; the rest resend the link, at most MAX_RESENT_PER_DAY times (the page is the same).
    assert len(subjects) == 1 + MAX_RESENT_PER_DAY
    assert len(set(subjects)) == 2


def test_someone_who_cancelled_registering_again_from_many_devices_at_once_gets_one_seat(app, app_context):
    """A cancelled address posted 20 times at the same moment: the one row comes back once, with
    one event seat and one workshop seat; the other posts only resend the manage link."""
    event = make_event(slug="wieder", mode="direct", capacity=50, workshop_capacity=20)
    workshop = item(event, "Gespräche mit Eltern")
    slot = event.choice_slots[0]
    data = form_data(event, 1, choices={f"choice_{slot.id}_1": str(workshop.id)})
    server = PooledServer(app)
    url = f"{server.url}/e/wieder/anmelden"
    with server:
        assert _post_at_once(url, data, devices=1) == [302]  # registered once, then cancelled
        db.session.commit()  # a fresh look: the server wrote the registration
        cancel(db.session.scalar(select(Registration)))
        db.session.commit()
        statuses = _post_at_once(url, data, devices=20)

    assert statuses == [302] * 20
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(Registration.status)) == RegistrationStatus.confirmed
    assert db.session.get(Event, event.id).seats_taken == 1
    assert db.session.get(ProgramItem, workshop.id).seats_taken == 1
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1
