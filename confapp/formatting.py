"""Dates and numbers the way German readers expect them ("Mittwoch, 5. Juni 2024, 9:00 Uhr")."""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

_PATTERNS = {
    "de": {"datetime": "EEEE, d. MMMM y, H:mm 'Uhr'", "date": "EEEE, d. MMMM y", "time": "H:mm",
           "short": "dd.MM.y, HH:mm", "day": "dd.MM.y"},
    "en": {"datetime": "EEEE, d MMMM y, h:mm a", "date": "EEEE, d MMMM y", "time": "h:mm a",
           "short": "y-MM-dd HH:mm", "day": "y-MM-dd"},
}


def _language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # outside a request (CLI, documents)
        locale = None
    language = getattr(locale, "language", "de") or "de"
    return language if language in _PATTERNS else "de"


def format_wallclock(value: datetime | date | None, kind: str = "datetime", language: str | None = None) -> str:
    """Format a naive wall-clock time as it stands (no zone conversion: program times are local)."""
    if value is None:
        return ""
    return _formatted(value, kind, language or _language())


@lru_cache(maxsize=4096)
def _formatted(value: datetime | date, kind: str, language: str) -> str:
    # The same few program times again and again (every page, every e-mail); Babel's formatting
    # was a third of the cost of a confirmation e-mail.
    pattern = _PATTERNS[language][kind]
    if isinstance(value, datetime):
        if kind == "date":
            return babel_format_date(value.date(), pattern, locale=language)
        return babel_format_datetime(value, pattern, locale=language)
    return babel_format_date(value, pattern, locale=language)


def format_time_range(start: datetime, end: datetime, language: str | None = None) -> str:
    """"9:00–12:00 Uhr" (German) or "9:00 AM–12:00 PM"."""
    language = language or _language()
    start_text = format_wallclock(start, "time", language)
    end_text = format_wallclock(end, "time", language)
    suffix = " Uhr" if language == "de" else ""
    return f"{start_text}–{end_text}{suffix}"


#: Back-office times (sign-ups, audit log, statistics) are shown in this zone unless the network
#: names its own; the event's pages use the event's zone.
DEFAULT_ZONE = "Europe/Berlin"


def zone_of(owner=None) -> ZoneInfo:
    """The zone an owner's times are read in: an event's own, a network's (Europe/Berlin unless set)."""
    if isinstance(owner, ZoneInfo):
        return owner
    name = getattr(owner, "timezone", None) if owner is not None else None
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def backoffice_zone(network=None) -> ZoneInfo:
    return zone_of(network)


def local_moment(moment: datetime | None, owner=None) -> datetime | None:
    """A stored moment (naive UTC, or aware) as naive wall-clock time at the owner's place.
    Exports and pages call this; ``owner`` is an event, a network, a ZoneInfo or None (Europe/Berlin)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone_of(owner)).replace(tzinfo=None)


def format_moment(moment: datetime | None, owner=None, kind: str = "short") -> str:
    """A stored moment as local time: "05.06.2024, 09:12" (``kind`` "short") or "Mittwoch, …, 9:12 Uhr"."""
    return format_wallclock(local_moment(moment, owner), kind)


def zone_label(owner=None) -> str:
    """The zone in words for a note such as "Zeiten in deutscher Zeit"."""
    key = zone_of(owner).key
    return _("deutscher Zeit") if key == DEFAULT_ZONE else _("Ortszeit %(zone)s", zone=key)


def register(app: Flask) -> None:
    app.jinja_env.filters["local"] = format_moment
    app.jinja_env.globals["zone_label"] = zone_label
    app.jinja_env.filters["wallclock"] = format_wallclock
    app.jinja_env.filters["date_long"] = lambda value: format_wallclock(value, "date")
    app.jinja_env.filters["short"] = lambda value: format_wallclock(value, "short")
    app.jinja_env.globals["time_range"] = format_time_range
