"""Shared helpers of the back-office tests: demo accounts and looking up demo objects."""
from datetime import timedelta

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Event, ItemKind, ProgramItem, Registration, Slot

ANHALT = "organisation@anhalt-bitterfeld.example"
MAGDEBURG = "organisation@magdeburg.example"
DOOR = "einlass@anhalt-bitterfeld.example"
EVENT = "stark-fuer-familien"
BASE = f"/manage/e/{EVENT}"


def event_named(slug: str = EVENT) -> Event:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return db.session.scalar(select(Event).where(Event.slug == slug))


def workshops(slug: str = EVENT) -> list[ProgramItem]:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return list(db.session.scalars(select(ProgramItem).join(Slot).join(Event).where(
        Event.slug == slug, ProgramItem.kind == ItemKind.workshop).order_by(ProgramItem.id)))


def registrations_of(slug: str = EVENT) -> list[Registration]:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return list(db.session.scalars(select(Registration).join(Event).where(Event.slug == slug)
                                   .order_by(Registration.id)))


def move_into_past(event: Event, days_ago: int = 2) -> Event:
    """The event (and its program) moved so that it ended ``days_ago`` days ago; only ended events are purged."""
    from datetime import datetime

    shift = datetime.now().replace(microsecond=0) - event.ends_at - timedelta(days=days_ago)
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        if getattr(event, name) is not None:
            setattr(event, name, getattr(event, name) + shift)
    for slot in event.slots:
        slot.starts_at, slot.ends_at = slot.starts_at + shift, slot.ends_at + shift
        for item in slot.items:
            if item.starts_at is not None:
                item.starts_at, item.ends_at = item.starts_at + shift, item.ends_at + shift
    db.session.commit()
    return event


def send_confirmed(client, url: str, page_url: str, **kwargs):
    """A mass e-mail action as an organiser does it: press the button, read the confirmation page
    (how many, one e-mail), then confirm. Returns the confirmation's response."""
    import re

    from tests.conftest import csrf_token, post_form
    page = post_form(client, url, {}, page_url=page_url)
    html = page.get_data(as_text=True)
    match = re.search(r'name="confirmed" value="([0-9a-f]+)"', html)
    assert match, f"no confirmation step on {url}: {html[:500]}"
    return client.post(url, data={"csrf_token": csrf_token(html), "confirmed": match.group(1)}, **kwargs)


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's POST form to ``action``: what pressing its button sends."""
    import re

    form = re.search(r'<form method="post"[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form to {action}"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields
