"""Reading an event file (DESIGN.md, "Event JSON"): its format, limits and the German messages.

Validation collects every problem first, with the path of the offending value, so an organiser
sees them all at once. Writing the result to the database is ``file_io``'s work.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import ChoiceMode, EventStatus, ItemKind, Network

MAX_SLOTS = 50
MAX_ITEMS_PER_SLOT = 100
LIMITS = {"slug": 80, "title": 200, "subtitle": 300, "description": 20_000, "label": 120,
          "venue.name": 200, "venue.address": 300, "room": 120, "speaker": 200, "abstract": 5_000,
          "contact_email": 254, "access_notes": 500}
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
#: Years an event, its program and its retention date may lie in: far enough for any real
#: event, near enough that moving or keeping dates never runs past what a date can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def outside_years(moment: date | datetime | None) -> bool:
    """Whether a date lies outside ``FIRST_YEAR``–``LAST_YEAR`` (None does not)."""
    return moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR


YEARS_MESSAGE = f"Bitte ein Datum zwischen {FIRST_YEAR} und {LAST_YEAR} angeben."

TOP_KEYS = {"network", "slug", "title", "subtitle", "description", "status", "capacity", "starts_at",
            "ends_at", "timezone", "venue", "registration", "slots", "rooms", "contact_email",
            "retention_until", "teaching_units"}
REQUIRED_TOP = {"network", "slug", "title", "starts_at", "ends_at"}
VENUE_KEYS = {"name", "address"}
REGISTRATION_KEYS = {"opens_at", "closes_at", "choice_mode", "ranks", "sector_cap_percent"}
SLOT_KEYS = {"label", "starts_at", "ends_at", "items"}
ITEM_KEYS = {"kind", "title", "speakers", "room", "capacity", "abstract", "shares_room"}
ROOM_KEYS = {"name", "capacity", "access_notes"}


class EventFileError(ValueError):
    """The event file has problems; ``problems`` lists each one in German."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ItemSpec:
    kind: ItemKind
    title: str
    speakers: list[str]
    room: str | None
    capacity: int | None
    abstract: str
    #: May use its room while other items do (theme tables always may).
    shares_room: bool = False


@dataclass
class SlotSpec:
    label: str
    starts_at: datetime
    ends_at: datetime
    items: list[ItemSpec] = field(default_factory=list)


@dataclass
class RoomSpec:
    name: str
    capacity: int | None
    access_notes: str


@dataclass
class EventSpec:
    """A validated event file."""

    network: str
    slug: str
    title: str
    subtitle: str
    description: str
    status: EventStatus
    capacity: int | None
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue_name: str
    venue_address: str
    opens_at: datetime | None
    closes_at: datetime | None
    choice_mode: ChoiceMode
    ranks: int
    #: Soft cap on one sector's share of a workshop (percent); None for none.
    sector_cap_percent: int | None
    contact_email: str
    #: Teaching units of 45 minutes, printed on the certificates; None for none.
    teaching_units: int | None
    retention_until: date | None
    rooms: list[RoomSpec]
    slots: list[SlotSpec]


class _Checker:
    """Reads values out of the parsed JSON, noting a German problem for each bad one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, text: str) -> None:
        self.problems.append(f"{path}: {text}")

    def keys(self, data: Any, path: str, allowed: set[str], required: set[str] = frozenset()) -> bool:
        if not isinstance(data, dict):
            self.problem(path or "Datei", "muss ein Objekt ({…}) sein")
            return False
        for key in sorted(set(data) - allowed):
            self.problem(_join(path, key), f"unbekannter Schlüssel; erlaubt sind: {', '.join(sorted(allowed))}")
        for key in sorted(required - set(data)):
            self.problem(_join(path, key), "fehlt, ist aber Pflicht")
        return True

    def text(self, data: dict, key: str, path: str, limit: int, default: str | None = "") -> str | None:
        value = data.get(key, default)
        where = _join(path, key)
        if value is None and default is None:
            return None
        if not isinstance(value, str):
            self.problem(where, "muss ein Text sein")
            return default
        value = value.strip()
        if len(value) > limit:
            self.problem(where, f"ist zu lang ({len(value)} Zeichen, höchstens {limit})")
        if key in ("title", "label", "slug", "network") and not value:
            self.problem(where, "darf nicht leer sein")
        return value

    def positive_int(self, data: dict, key: str, path: str, maximum: int = 100_000) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
            self.problem(_join(path, key), f"muss eine ganze Zahl von 1 bis {maximum} sein")
            return None
        return value

    def moment(self, data: dict, key: str, path: str, required: bool = True) -> datetime | None:
        value = data.get(key)
        where = _join(path, key)
        if value is None:
            if required:
                self.problem(where, "fehlt, ist aber Pflicht")
            return None
        if not isinstance(value, str):
            self.problem(where, "muss ein Zeitpunkt wie \"2024-06-05T09:00\" sein")
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.problem(where, f"\"{value[:40]}\" ist kein Zeitpunkt wie \"2024-06-05T09:00\"")
            return None
        if moment.tzinfo is not None:
            self.problem(where, "ohne Zeitzone angeben; die Zeitzone steht in \"timezone\"")
            return None
        if outside_years(moment):
            self.problem(where, f"muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen")
            return None
        return moment.replace(second=0, microsecond=0)

    def choice(self, data: dict, key: str, path: str, enum_cls, default):
        value = data.get(key, default.value)
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            self.problem(_join(path, key), f"\"{str(value)[:40]}\" ist nicht erlaubt; erlaubt sind: {allowed}")
            return default


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def parse_event_file(raw: str | bytes) -> EventSpec:
    """Validate an event file; raise ``EventFileError`` naming every problem."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise EventFileError([f"Datei: kein gültiges JSON ({error})"]) from None
    check = _Checker()
    if not check.keys(data, "", TOP_KEYS, REQUIRED_TOP):
        raise EventFileError(check.problems)

    slug = check.text(data, "slug", "", LIMITS["slug"]) or ""
    if slug and not set(slug) <= SLUG_CHARS:
        check.problem("slug", "darf nur Kleinbuchstaben a–z, Ziffern und Bindestriche enthalten")
    timezone = check.text(data, "timezone", "", 60, default="Europe/Berlin") or "Europe/Berlin"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        check.problem("timezone", f"\"{timezone[:60]}\" ist keine bekannte Zeitzone wie \"Europe/Berlin\"")
    starts_at = check.moment(data, "starts_at", "")
    ends_at = check.moment(data, "ends_at", "")
    if starts_at and ends_at and ends_at < starts_at:
        check.problem("ends_at", "liegt vor dem Beginn (starts_at)")

    venue = data.get("venue", {})
    venue_name = venue_address = ""
    if check.keys(venue, "venue", VENUE_KEYS):
        venue_name = check.text(venue, "name", "venue", LIMITS["venue.name"]) or ""
        venue_address = check.text(venue, "address", "venue", LIMITS["venue.address"]) or ""

    registration = data.get("registration", {})
    opens_at = closes_at = None
    choice_mode, ranks, sector_cap_percent = ChoiceMode.ranked, 3, 40
    if check.keys(registration, "registration", REGISTRATION_KEYS):
        opens_at = check.moment(registration, "opens_at", "registration", required=False)
        closes_at = check.moment(registration, "closes_at", "registration", required=False)
        if opens_at and closes_at and closes_at <= opens_at:
            check.problem("registration.closes_at", "liegt nicht nach dem Anmeldebeginn (opens_at)")
        if closes_at and ends_at and closes_at > ends_at:
            check.problem("registration.closes_at", "liegt nach dem Ende der Veranstaltung")
        choice_mode = check.choice(registration, "choice_mode", "registration", ChoiceMode, ChoiceMode.ranked)
        ranks = check.positive_int(registration, "ranks", "registration", maximum=5) or 3
        if "sector_cap_percent" in registration:  # null switches the cap off; missing keeps the default
            sector_cap_percent = check.positive_int(registration, "sector_cap_percent", "registration", maximum=100)

    retention_until = None
    if data.get("retention_until") is not None:
        try:
            retention_until = date.fromisoformat(str(data["retention_until"]))
        except ValueError:
            check.problem("retention_until", "muss ein Datum wie \"2024-09-05\" sein")
        if outside_years(retention_until):
            check.problem("retention_until", f"muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen")
            retention_until = None
        if retention_until and ends_at and retention_until < ends_at.date():
            check.problem("retention_until", "liegt vor dem Ende der Veranstaltung")

    rooms = _parse_rooms(check, data.get("rooms", []))
    slots = _parse_slots(check, data.get("slots", []), starts_at, ends_at,
                         {room.name for room in rooms} if "rooms" in data else None)

    spec = EventSpec(
        network=check.text(data, "network", "", 80) or "",
        slug=slug,
        title=check.text(data, "title", "", LIMITS["title"]) or "",
        subtitle=check.text(data, "subtitle", "", LIMITS["subtitle"]) or "",
        description=check.text(data, "description", "", LIMITS["description"]) or "",
        status=check.choice(data, "status", "", EventStatus, EventStatus.draft),
        capacity=check.positive_int(data, "capacity", ""),
        starts_at=starts_at, ends_at=ends_at, timezone=timezone,
        venue_name=venue_name, venue_address=venue_address,
        opens_at=opens_at, closes_at=closes_at, choice_mode=choice_mode, ranks=ranks,
        sector_cap_percent=sector_cap_percent, contact_email=check.text(data, "contact_email", "", LIMITS["contact_email"]) or "",
        teaching_units=check.positive_int(data, "teaching_units", "", maximum=100),
        retention_until=retention_until, rooms=rooms, slots=slots,
    )
    if spec.contact_email and "@" not in spec.contact_email:
        check.problem("contact_email", "ist keine E-Mail-Adresse")
    if spec.network and db.session.scalar(select(Network.id).where(Network.slug == spec.network)) is None:
        check.problem("network", f"das Netzwerk \"{spec.network}\" gibt es nicht; legen Sie es zuerst an")
    if check.problems:
        raise EventFileError(check.problems)
    return spec


def _parse_rooms(check: _Checker, rooms: Any) -> list[RoomSpec]:
    if not isinstance(rooms, list):
        check.problem("rooms", "muss eine Liste sein")
        return []
    result: list[RoomSpec] = []
    for index, room in enumerate(rooms):
        path = _join("rooms", index)
        if not check.keys(room, path, ROOM_KEYS, {"name"}):
            continue
        name = check.text(room, "name", path, LIMITS["room"]) or ""
        if any(other.name == name for other in result):
            check.problem(_join(path, "name"), f"Raum \"{name}\" steht doppelt in der Liste")
        result.append(RoomSpec(name, check.positive_int(room, "capacity", path),
                               check.text(room, "access_notes", path, LIMITS["access_notes"]) or ""))
    return result


def _parse_slots(check: _Checker, slots: Any, starts_at: datetime | None, ends_at: datetime | None,
                 known_rooms: set[str] | None) -> list[SlotSpec]:
    if not isinstance(slots, list):
        check.problem("slots", "muss eine Liste sein")
        return []
    if len(slots) > MAX_SLOTS:
        check.problem("slots", f"höchstens {MAX_SLOTS} Zeitfenster")
        return []
    result: list[SlotSpec] = []
    for index, slot in enumerate(slots):
        path = _join("slots", index)
        if not check.keys(slot, path, SLOT_KEYS, {"label", "starts_at", "ends_at"}):
            continue
        label = check.text(slot, "label", path, LIMITS["label"]) or ""
        if any(other.label == label for other in result):
            check.problem(_join(path, "label"), f"Zeitfenster \"{label}\" gibt es schon; Bezeichnungen müssen eindeutig sein")
        slot_start = check.moment(slot, "starts_at", path)
        slot_end = check.moment(slot, "ends_at", path)
        if slot_start and slot_end and slot_end <= slot_start:
            check.problem(_join(path, "ends_at"), "liegt nicht nach dem Beginn des Zeitfensters")
        if slot_start and starts_at and slot_start < starts_at:
            check.problem(_join(path, "starts_at"), "liegt vor dem Beginn der Veranstaltung")
        if slot_end and ends_at and slot_end > ends_at:
            check.problem(_join(path, "ends_at"), "liegt nach dem Ende der Veranstaltung")
        spec = SlotSpec(label, slot_start or datetime.min, slot_end or datetime.min)
        items = slot.get("items", [])
        if not isinstance(items, list) or len(items) > MAX_ITEMS_PER_SLOT:
            check.problem(_join(path, "items"), f"muss eine Liste mit höchstens {MAX_ITEMS_PER_SLOT} Einträgen sein")
            items = []
        for item_index, item in enumerate(items):
            parsed = _parse_item(check, item, _join(_join(path, "items"), item_index), known_rooms)
            if parsed is None:
                continue
            if any(other.title == parsed.title for other in spec.items):
                check.problem(_join(_join(path, "items"), item_index),
                              f"\"{parsed.title}\" steht in diesem Zeitfenster doppelt")
            spec.items.append(parsed)
        result.append(spec)
    return result


def _parse_item(check: _Checker, item: Any, path: str, known_rooms: set[str] | None) -> ItemSpec | None:
    if not check.keys(item, path, ITEM_KEYS, {"kind", "title"}):
        return None
    kind = check.choice(item, "kind", path, ItemKind, ItemKind.talk)
    speakers = item.get("speakers", [])
    if not isinstance(speakers, list) or not all(isinstance(s, str) and s.strip() for s in speakers):
        check.problem(_join(path, "speakers"), "muss eine Liste von Namen sein")
        speakers = []
    speakers = [s.strip() for s in speakers]
    for name in speakers:
        if len(name) > LIMITS["speaker"]:
            check.problem(_join(path, "speakers"), f"ein Name ist zu lang (höchstens {LIMITS['speaker']} Zeichen)")
    room = check.text(item, "room", path, LIMITS["room"], default=None) or None
    if room and known_rooms is not None and room not in known_rooms:
        check.problem(_join(path, "room"), f"Raum \"{room}\" steht nicht in \"rooms\"")
    capacity = check.positive_int(item, "capacity", path)
    if capacity is not None and not kind.is_choice:
        check.problem(_join(path, "capacity"), "nur Workshops und Thementische haben Plätze")
    shares_room = item.get("shares_room", False)
    if not isinstance(shares_room, bool):
        check.problem(_join(path, "shares_room"), "muss true oder false sein")
        shares_room = False
    return ItemSpec(kind=kind, title=check.text(item, "title", path, LIMITS["title"]) or "",
                    speakers=speakers, room=room, capacity=capacity,
                    abstract=check.text(item, "abstract", path, LIMITS["abstract"]) or "", shares_room=shares_room)
