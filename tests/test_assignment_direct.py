"""Filling the workshop waitlists of a direct-mode event: the back-office page "Zuteilung" over HTTP
with CSRF, and ``flask assign``. Attendees register through the public form."""
import json
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import Assignment, AuditEntry, Event, OutboxMessage, ProgramItem, Registration, RegistrationStatus
from confapp.services import registration as registrations
from confapp.services.event_io import import_event
from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, MAGDEBURG, event_named

SLUG = "werkstatt-direkt"
PAGE = f"/manage/e/{SLUG}/zuteilung"
KITA, ELTERN = "Kinderschutz in der Kita", "Gespräche mit Eltern"


def direct_event(capacity: int = 20, kita: int = 2, eltern: int = 3) -> Event:
    """A published direct-mode event of the demo network Anhalt-Bitterfeld, registration open."""
    day = (datetime.now() + timedelta(days=28)).replace(hour=9, minute=0, second=0, microsecond=0)
    at = lambda hours: (day + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    now = datetime.now()
    data = {"network": "anhalt-bitterfeld", "slug": SLUG, "title": "Werkstatt Kinderschutz", "status": "published",
            "capacity": capacity, "starts_at": at(0), "ends_at": at(6), "contact_email": "netzwerk@example.org",
            "venue": {"name": "Kreishaus", "address": "Markt 1"},
            "registration": {"opens_at": (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
                             "closes_at": (now + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
                             "choice_mode": "direct", "ranks": 1},
            "slots": [{"label": "Workshops", "starts_at": at(1), "ends_at": at(3), "items": [
                {"kind": "workshop", "title": KITA, "capacity": kita},
                {"kind": "workshop", "title": ELTERN, "capacity": eltern}]}]}
    event, _ = import_event(json.dumps(data))
    db.session.commit()
    return event


def item(title: str) -> ProgramItem:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return db.session.scalar(select(ProgramItem).where(ProgramItem.title == title)
                             .join(ProgramItem.slot).where(ProgramItem.slot.has(event_id=event_named(SLUG).id)))


def register(client, name: str, workshop: str) -> None:
    """Register through the public form, choosing ``workshop``."""
    chosen = item(workshop)
    response = post_form(client, f"/e/{SLUG}/anmelden", {
        "first_name": name, "last_name": "Test", "email": f"{name.lower()}@example.org",
        "organisation": "Jugendamt", "sector": "Kita", "privacy_consent": "y",
        f"choice_{chosen.slot_id}_1": str(chosen.id)})
    assert response.status_code == 302, response.get_data(as_text=True)


def seats() -> dict[str, tuple[int, str]]:
    """Assignment id and workshop per first name."""
    db.session.commit()
    return {first: (seat_id, title) for first, seat_id, title in db.session.execute(
        select(Registration.first_name, Assignment.id, ProgramItem.title)
        .join(Assignment, Assignment.registration_id == Registration.id)
        .join(ProgramItem, ProgramItem.id == Assignment.program_item_id))}


def set_capacity(title: str, capacity: int) -> None:
    workshop = item(title)
    workshop.capacity = capacity
    db.session.commit()


def outbox() -> list[OutboxMessage]:
    db.session.commit()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def outbox_to() -> list[str]:
    return [message.to_address for message in outbox()]


def crowded(client) -> Event:
    """Kita (2 seats) is full: Paula and Peter sit, Quirin, Rosa and Sven wait (in that order); Eltern
    (3 seats) has Tom and two free seats."""
    event = direct_event()
    for name, workshop in (("Paula", KITA), ("Peter", KITA), ("Quirin", KITA), ("Tom", ELTERN), ("Rosa", KITA),
                           ("Sven", KITA)):
        register(client, name, workshop)
    return event


def preview(client, fallback: bool = False) -> str:
    data = {"mode": "fill", **({"fallback": "y"} if fallback else {})}
    response = post_form(client, f"{PAGE}/vorschau", data, page_url=PAGE)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def apply(client, html: str):
    form = html[html.index(f'action="{PAGE}/anwenden"'):]
    data = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', form).group(1)
            for name in ("csrf_token", "mode", "fingerprint", "fallback")}
    return client.post(f"{PAGE}/anwenden", data=data, follow_redirects=True)


def changes_table(html: str) -> str:
    return html[html.index('id="changes-heading"'):html.index(f'action="{PAGE}/anwenden"')]


def test_the_page_shows_each_workshops_waitlist_in_order(client, demo):
    crowded(client)
    sign_in(client, ANHALT)

    html = client.get(PAGE).get_data(as_text=True)

    assert "Wartelisten der Workshops" in html
    assert "1. Quirin Test; 2. Rosa Test; 3. Sven Test" in html
    assert "Warteliste: Kinderschutz in der Kita" in html
    assert 'name="fallback"' in html and "Neu optimieren" not in html


def test_raised_capacity_seats_the_first_waiting_who_alone_gets_an_email(client, app, demo):
    crowded(client)
    before = seats()
    mails_before = len(outbox_to())
    set_capacity(KITA, 3)
    sign_in(client, ANHALT)

    html = preview(client)

    table = changes_table(html)
    assert "1 Platz ändert sich" in table
    assert "Quirin Test" in table and "Rosa" not in table and "Sven" not in table
    assert f"Warteliste: {KITA}" in table and "Ausweichplatz" not in table
    assert seats() == before  # a preview stores nothing

    response = apply(client, html)

    assert "Die Zuteilung ist gespeichert: 1 neu, 0 verschoben, 0 entfernt." in response.get_data(as_text=True)
    after = seats()
    assert after["Quirin"][1] == KITA and "Rosa" not in after and "Sven" not in after
    assert {name: after[name] for name in before} == before  # nobody seated moved, same rows
    assert item(KITA).seats_taken == 3 == item(KITA).capacity
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "assignment.applied"))

    response = post_form(client, f"{PAGE}/benachrichtigen", {}, page_url=PAGE, follow_redirects=True)

    assert "1 E-Mails mit der Zuteilung sind im Postausgang." in response.get_data(as_text=True)
    assert outbox_to()[mails_before:] == ["quirin@example.org"]
    response = post_form(client, f"{PAGE}/benachrichtigen", {}, page_url=PAGE, follow_redirects=True)
    assert "0 E-Mails mit der Zuteilung" in response.get_data(as_text=True)


def test_the_notification_is_the_waitlist_mail_with_the_new_workshop(client, demo):
    crowded(client)
    set_capacity(KITA, 3)
    sign_in(client, ANHALT)
    apply(client, preview(client))
    count = len(outbox())

    post_form(client, f"{PAGE}/benachrichtigen", {}, page_url=PAGE)

    [message] = outbox()[count:]
    assert message.to_address == "quirin@example.org"
    assert message.subject == "Ein Platz ist frei geworden: Werkstatt Kinderschutz"
    assert f"({KITA})" in message.text_body and "von der Warteliste nachgerückt" in message.text_body
    assert f"Workshops: {KITA}" in message.text_body and message.attachments  # the calendar file
