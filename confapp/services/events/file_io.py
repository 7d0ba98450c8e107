"""An event with its program as JSON (DESIGN.md, "Event JSON"): import and export.

Import creates the event or updates it in place by slug. Program items are matched by slot label
and title, so registrations keep their wishes when an organiser re-imports a corrected file.
The file is checked first (``file_format``), and nothing changes unless the whole file is valid.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import Assignment, Event, Network, Preference, ProgramItem, Room, Slot, Speaker
from confapp.services.events.file_format import EventFileError, EventSpec, parse_event_file
from confapp.services.privacy.retention import follow_event_dates


def import_event(raw: str | bytes) -> tuple[Event, bool]:
    """Create or update the event of an event file. Returns the event and whether it was new.

    Raises ``EventFileError`` and changes nothing if the file or the update is not valid.
    """
    spec = parse_event_file(raw)
    network = db.session.scalar(select(Network).where(Network.slug == spec.network))
    event = db.session.scalar(select(Event).where(Event.slug == spec.slug))
    created = event is None
    if event is None:
        event = Event(slug=spec.slug, network=network)
        db.session.add(event)
    elif event.network_id != network.id:
        raise EventFileError([f"slug: \"{spec.slug}\" gehört schon einem anderen Netzwerk"])
    try:
        _apply(event, spec)
        db.session.flush()
    except EventFileError:
        db.session.rollback()
        raise
    db.session.commit()
    return event, created


def _apply(event: Event, spec: EventSpec) -> None:
    for name in ("title", "subtitle", "description", "status", "capacity", "starts_at", "ends_at",
                 "timezone", "venue_name", "venue_address", "choice_mode", "ranks", "sector_cap_percent",
                 "contact_email", "teaching_units"):
        setattr(event, name, getattr(spec, name))
    if spec.retention_until is not None:  # the file names a date: the organiser set it
        event.retention_explicit, event.retention_until = True, spec.retention_until
    follow_event_dates(event)  # else it moves with the (maybe new) dates, unless set in the back office
    event.registration_opens_at = spec.opens_at
    event.registration_closes_at = spec.closes_at
    if event.capacity is not None and (event.seats_taken or 0) > event.capacity:
        raise EventFileError([f"capacity: schon {event.seats_taken} bestätigte Anmeldungen; "
                              f"die Kapazität kann nicht darunter sinken"])

    rooms = {room.name: room for room in event.rooms}
    for room_spec in spec.rooms:
        room = rooms.get(room_spec.name) or Room(name=room_spec.name)
        room.capacity, room.access_notes = room_spec.capacity, room_spec.access_notes
        if room_spec.name not in rooms:
            event.rooms.append(room)
            rooms[room.name] = room
    speakers = {speaker.name: speaker for speaker in event.speakers}

    def room_named(name: str | None) -> Room | None:
        if not name:
            return None
        if name not in rooms:
            rooms[name] = Room(name=name)
            event.rooms.append(rooms[name])
        return rooms[name]

    def speaker_named(name: str) -> Speaker:
        if name not in speakers:
            speakers[name] = Speaker(name=name)
            event.speakers.append(speakers[name])
        return speakers[name]

    old_slots = {slot.label: slot for slot in event.slots}
    kept_items: set[int] = set()
    for slot_spec in spec.slots:
        slot = old_slots.pop(slot_spec.label, None) or Slot(label=slot_spec.label)
        if slot not in event.slots:
            event.slots.append(slot)
        slot.starts_at, slot.ends_at = slot_spec.starts_at, slot_spec.ends_at
        old_items = {item.title: item for item in slot.items}
        for position, item_spec in enumerate(slot_spec.items):
            item = old_items.pop(item_spec.title, None) or ProgramItem(title=item_spec.title, seats_taken=0)
            if item.id is not None and item.seats_taken and item_spec.capacity is not None \
                    and item.seats_taken > item_spec.capacity:
                raise EventFileError([f"\"{item.title}\": schon {item.seats_taken} Plätze vergeben; "
                                      f"die Kapazität kann nicht darunter sinken"])
            item.kind, item.abstract, item.capacity = item_spec.kind, item_spec.abstract, item_spec.capacity
            item.shares_room = item_spec.shares_room
            item.position = position
            item.room = room_named(item_spec.room)
            item.speakers = [speaker_named(name) for name in item_spec.speakers]
            if item not in slot.items:
                slot.items.append(item)
            if item.id is not None:
                kept_items.add(item.id)
        for item in old_items.values():
            _refuse_if_in_use(item)
            slot.items.remove(item)
    for slot in old_slots.values():
        for item in slot.items:
            _refuse_if_in_use(item)
        event.slots.remove(slot)


def _refuse_if_in_use(item: ProgramItem) -> None:
    if item.id is None:
        return
    in_use = db.session.scalar(select(func.count()).select_from(Preference).where(Preference.program_item_id == item.id))
    in_use += db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.program_item_id == item.id))
    if in_use:
        raise EventFileError([f"\"{item.title}\" fehlt in der Datei, hat aber schon Wünsche oder "
                              f"Zuteilungen; bitte zuerst im Backoffice verschieben"])


def _moment(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M") if value else None


def export_event(event: Event) -> dict:
    """The event and its program in the import format."""
    data: dict[str, Any] = {
        "network": event.network.slug,
        "slug": event.slug,
        "title": event.title,
        "subtitle": event.subtitle,
        "description": event.description,
        "status": event.status.value,
        "capacity": event.capacity,
        "starts_at": _moment(event.starts_at),
        "ends_at": _moment(event.ends_at),
        "timezone": event.timezone,
        "contact_email": event.contact_email,
        "teaching_units": event.teaching_units,
        "venue": {"name": event.venue_name, "address": event.venue_address},
        "registration": {"opens_at": _moment(event.registration_opens_at),
                         "closes_at": _moment(event.registration_closes_at),
                         "choice_mode": event.choice_mode.value, "ranks": event.ranks,
                         "sector_cap_percent": event.sector_cap_percent},
        "rooms": [{"name": room.name, "capacity": room.capacity, "access_notes": room.access_notes}
                  for room in event.rooms],
        "slots": [],
    }
    if event.retention_until and event.retention_explicit:  # a date by the rule follows the dates on import
        data["retention_until"] = event.retention_until.isoformat()
    for slot in event.slots:
        items = []
        for item in slot.items:
            entry: dict[str, Any] = {"kind": item.kind.value, "title": item.title}
            if item.speakers:
                entry["speakers"] = [speaker.name for speaker in item.speakers]
            if item.room:
                entry["room"] = item.room.name
            if item.capacity is not None:
                entry["capacity"] = item.capacity
            if item.abstract:
                entry["abstract"] = item.abstract
            if item.shares_room:
                entry["shares_room"] = True
            items.append(entry)
        data["slots"].append({"label": slot.label, "starts_at": _moment(slot.starts_at),
                              "ends_at": _moment(slot.ends_at), "items": items})
    return data
