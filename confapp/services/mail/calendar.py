"""The event as a calendar file (.ics) for the confirmation e-mail and the manage page.

Every file of one event carries the same UID, so a calendar app updates its entry instead of
adding a second one, and the cancellation's file (``METHOD:CANCEL``, a higher ``SEQUENCE``)
removes it. E-mail parts say ``charset=utf-8`` and the ``method`` as RFC 6047 asks.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from confapp.models import Event, Registration, utcnow
from confapp.services.mail.outbox import Attachment

FILENAME = "veranstaltung.ics"
PUBLISH, CANCEL = "PUBLISH", "CANCEL"


def event_calendar(event: Event, registration: Registration | None = None, method: str = PUBLISH) -> bytes:
    """One VEVENT in the event's own time zone; with a registration, its workshops in the description.

    ``method`` CANCEL makes the file that takes the event out of the attendee's calendar again."""
    base_url = current_app.config["BASE_URL"]
    location = ", ".join(part for part in (event.venue_name, event.venue_address.replace("\n", ", ")) if part)
    lines = [event.subtitle] if event.subtitle else []
    if registration is not None:
        # The item's slot: an assignment made in this transaction may not have loaded its own yet.
        items = sorted((assignment.program_item for assignment in registration.assignments),
                       key=lambda item: item.slot.starts_at)
        lines += [f"{item.slot.label}: {item.title}" for item in items]
    lines.append(f"{base_url}/e/{event.slug}")
    return _calendar(event.id, base_url, event.slug, event.timezone, event.starts_at, event.ends_at,
                     event.title, location, "\n".join(lines), method)


@lru_cache(maxsize=256)
def _calendar(event_id: int, base_url: str, slug: str, zone: str, starts_at: datetime, ends_at: datetime,
              title: str, location: str, description: str, method: str = PUBLISH) -> bytes:
    """The file for exactly these contents. Attendees of one event get one of a few variants (by
    their workshops), so each is written once; its DTSTAMP is when that version was first made."""
    calendar = Calendar()
    calendar.add("prodid", "-//confapp//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    entry.add("uid", event_uid(event_id, host))
    # A cancellation must outrank the entry it cancels.
    entry.add("sequence", 1 if method == CANCEL else 0)
    if method == CANCEL:
        entry.add("status", "CANCELLED")
    entry.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    entry.add("dtstart", starts_at.replace(tzinfo=ZoneInfo(zone)))
    entry.add("dtend", ends_at.replace(tzinfo=ZoneInfo(zone)))
    entry.add("summary", title)
    if location:
        entry.add("location", location)
    entry.add("description", description)
    entry.add("url", f"{base_url}/e/{slug}")
    calendar.add_component(entry)
    # Calendar apps without the IANA database still place the event right. The VTIMEZONE is the
    # same for every attendee and costs more to write out than the rest, so it is written once
    # and put in front of the VEVENT (the order RFC 5545 examples use).
    event_part = calendar.to_ical()
    at = event_part.index(b"BEGIN:VEVENT")
    return event_part[:at] + _timezone(zone, starts_at.year) + event_part[at:]


@lru_cache(maxsize=32)
def _timezone(name: str, year: int) -> bytes:
    """The VTIMEZONE of a zone around the event's year, as written in the file (built once)."""
    return Timezone.from_tzid(name, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)).to_ical()


def event_uid(event_id: int, host: str) -> str:
    """The UID of every calendar file of one event (confirmation, updates, cancellation)."""
    return f"event-{event_id}@{host}"


def calendar_attachment(event: Event, registration: Registration | None = None, method: str = PUBLISH) -> Attachment:
    """The calendar file as an e-mail part; ``method`` CANCEL for the cancellation."""
    return Attachment(FILENAME, f"text/calendar; charset=utf-8; method={method}",
                      event_calendar(event, registration, method))
