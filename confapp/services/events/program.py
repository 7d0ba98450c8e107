"""Editing an event's program: slots, rooms, program items with speakers and workshop leaders.

Checks, each with a German message on the field it concerns: a slot lies inside the event, an
item inside its slot, no room is used twice at the same time, capacities never drop below the
seats already taken. A workshop with more seats than its room is allowed but warned about.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from confapp.extensions import db
from confapp.models import (Assignment, ChoiceMode, Event, FeedbackQuestion, ItemKind, ItemLeader, Material, Membership,
                            Preference, ProgramItem, Registration, Role, Room, Slot, Speaker, User)
from confapp.services.networks import audit
from confapp.services.registration import admin as registration_admin
from confapp.services.registration import seats
from confapp.services.events.editor import EditorError, leader_ids
from confapp.services.materials import storage


def slot_of(event: Event, slot_id: int) -> Slot | None:
    return next((slot for slot in event.slots if slot.id == slot_id), None)


def room_of(event: Event, room_id: int) -> Room | None:
    return next((room for room in event.rooms if room.id == room_id), None)


def item_of(event: Event, item_id: int) -> ProgramItem | None:
    return next((item for slot in event.slots for item in slot.items if item.id == item_id), None)


def _in_use(item: ProgramItem) -> bool:
    """Attendees wished for or were assigned to the item: it cannot silently disappear."""
    wishes = db.session.scalar(select(func.count()).select_from(Preference).where(Preference.program_item_id == item.id))
    seats = db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.program_item_id == item.id))
    return bool(wishes or seats)


def deletion_consequences(event: Event, thing: Slot | Room | ProgramItem) -> list[str]:
    """What else is lost when ``thing`` is deleted, one sentence each; empty when nothing is (no
    need to ask) or when the deletion is refused anyway (the refusal says why). Organisers confirm
    a deletion that takes content with it."""
    if isinstance(thing, (Slot, ProgramItem)) and any(
            _in_use(item) for item in (thing.items if isinstance(thing, Slot) else [thing])):
        return []

    def titles(items: list[ProgramItem]) -> str:
        return ", ".join(f"„{item.title}“" for item in items)

    if isinstance(thing, Slot):
        return [ngettext("Mit dem Zeitfenster wird %(num)d Programmpunkt gelöscht: %(titles)s.",
                         "Mit dem Zeitfenster werden %(num)d Programmpunkte gelöscht: %(titles)s.",
                         len(thing.items), titles=titles(thing.items)),
                *_attached_losses(thing.items)] if thing.items else []
    if isinstance(thing, Room):
        used = [item for slot in event.slots for item in slot.items if item.room is thing]
        return [ngettext("%(num)d Programmpunkt verliert seinen Raum: %(titles)s.",
                         "%(num)d Programmpunkte verlieren ihren Raum: %(titles)s.",
                         len(used), titles=titles(used))] if used else []
    lost = []
    if thing.abstract.strip():
        lost.append(_("Die Beschreibung geht verloren."))
    if thing.speakers:
        lost.append(_("Die Angaben zu %(names)s werden aus dem Programm entfernt.",
                      names=", ".join(speaker.name for speaker in thing.speakers)))
    return lost + _attached_losses([thing])


def _attached_losses(items: list[ProgramItem]) -> list[str]:
    """Materials and feedback questions of ``items``: the database deletes them with the items."""
    lost = []
    materials = _materials_of(items)
    if materials:
        lost.append(ngettext("Das Material %(titles)s wird mit gelöscht.",
                             "Die %(num)d Materialien %(titles)s werden mit gelöscht.", len(materials),
                             titles=", ".join(f"„{material.title}“" for material in materials)))
    ids = [item.id for item in items if item.id is not None]
    questions = db.session.scalar(select(func.count(FeedbackQuestion.id))
                                  .where(FeedbackQuestion.program_item_id.in_(ids))) if ids else 0
    if questions:
        lost.append(ngettext("%(num)d Frage des Rückmeldebogens wird mit ihren Antworten gelöscht.",
                             "%(num)d Fragen des Rückmeldebogens werden mit ihren Antworten gelöscht.", questions))
    return lost


def _materials_of(items: list[ProgramItem]) -> list[Material]:
    ids = [item.id for item in items if item.id is not None]
    return list(db.session.scalars(select(Material).where(Material.program_item_id.in_(ids))
                                   .order_by(Material.id))) if ids else []


def _stored_files(items: list[ProgramItem]) -> list[str]:
    """The storage keys of the items' uploaded materials, read before the items go."""
    return [material.storage_key for material in _materials_of(items) if material.storage_key]


def _delete_files(keys: list[str]) -> None:
    """After the commit: the files of the materials deleted with their items."""
    for key in keys:
        storage.delete(key)


# --- Slots ------------------------------------------------------------------------------------

def save_slot(actor: User, event: Event, slot: Slot | None, label: str, starts_at: datetime,
              ends_at: datetime) -> Slot:
    """Create or change a slot (Zeitfenster)."""
    problems: dict[str, str] = {}
    label = label.strip()
    if not label:
        problems["label"] = _("Bitte geben Sie eine Bezeichnung an.")
    elif any(other.label == label and other is not slot for other in event.slots):
        problems["label"] = _("Ein Zeitfenster „%(label)s“ gibt es schon. Bezeichnungen müssen eindeutig sein.", label=label)
    if ends_at <= starts_at:
        problems["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
    elif starts_at < event.starts_at or ends_at > event.ends_at:
        problems["starts_at"] = _("Das Zeitfenster muss innerhalb der Veranstaltung liegen.")
    elif slot is not None:
        outside = [item.title for item in slot.items
                   if (item.starts_at and item.starts_at < starts_at) or (item.ends_at and item.ends_at > ends_at)]
        if outside:
            problems["starts_at"] = _("Diese Programmpunkte lägen außerhalb des Zeitfensters: %(items)s.",
                                       items=", ".join(f"„{title}“" for title in outside))
    if problems:
        raise EditorError(problems)
    created = slot is None
    if slot is None:
        slot = Slot(label=label, starts_at=starts_at, ends_at=ends_at)
        event.slots.append(slot)
    # Items with their own times move along with the day of their slot.
    shift = starts_at.date() - slot.starts_at.date()
    for item in slot.items:
        if item.starts_at and shift.days:
            item.starts_at, item.ends_at = item.starts_at + shift, item.ends_at + shift
    slot.label, slot.starts_at, slot.ends_at = label, starts_at, ends_at
    conflicts, _warnings = _room_use(event)
    if conflicts:
        db.session.rollback()
        raise EditorError({"starts_at": conflicts[0]})
    audit.record(actor, "slot.created" if created else "slot.updated", f"Zeitfenster „{label}“ gespeichert.", event=event)
    db.session.commit()
    return slot


def delete_slot(actor: User, event: Event, slot: Slot) -> None:
    """Remove a slot with its items, unless attendees already chose one of them."""
    if any(_in_use(item) for item in slot.items):
        raise EditorError({"slot": _("Im Zeitfenster „%(label)s“ gibt es schon Wünsche oder Zuteilungen; "
                                     "es kann nicht gelöscht werden.", label=slot.label)})
    files = _stored_files(slot.items)
    event.slots.remove(slot)
    audit.record(actor, "slot.deleted", f"Zeitfenster „{slot.label}“ gelöscht.", event=event)
    db.session.commit()
    _delete_files(files)


# --- Rooms ------------------------------------------------------------------------------------

def save_room(actor: User, event: Event, room: Room | None, name: str, capacity: int | None,
              access_notes: str = "") -> list[str]:
    """Create or change a room; returns warnings about workshops with more seats than the room."""
    name = name.strip()
    if not name:
        raise EditorError({"name": _("Bitte geben Sie einen Namen an.")})
    if any(other.name == name and other is not room for other in event.rooms):
        raise EditorError({"name": f"Einen Raum „{name}“ gibt es schon."})
    if room is None:
        room = Room(name=name)
        event.rooms.append(room)
    room.name, room.capacity, room.access_notes = name, capacity, access_notes.strip()
    audit.record(actor, "room.saved", f"Raum „{name}“ gespeichert.", event=event)
    db.session.commit()
    return [warning for slot in event.slots for item in slot.items if item.room is room
            for warning in _capacity_warnings(item)]


def delete_room(actor: User, event: Event, room: Room) -> None:
    """Remove a room; its items keep their place in the program without a room."""
    event.rooms.remove(room)
    audit.record(actor, "room.deleted", f"Raum „{room.name}“ gelöscht.", event=event)
    db.session.commit()


# --- Program items ------------------------------------------------------------------------------

@dataclass
class ItemDetails:
    """What the program item form edits. Times are on the slot's day; None means the whole slot."""

    slot_id: int
    kind: ItemKind
    title: str
    abstract: str = ""
    room_id: int | None = None
    capacity: int | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    speakers: list[str] = field(default_factory=list)
    leader_ids: list[int] = field(default_factory=list)
    #: May use its room while other items do (theme tables always may).
    shares_room: bool = False


def possible_leaders(event: Event) -> list[User]:
    """Accounts with the workshop-leader role in the event's network."""
    return list(db.session.scalars(
        select(User).join(Membership).where(Membership.network_id == event.network_id,
                                            Membership.role == Role.workshop_leader).order_by(User.email)))


def _check_item(event: Event, item: ProgramItem | None, details: ItemDetails) -> tuple[Slot, Room | None]:
    problems: dict[str, str] = {}
    slot = slot_of(event, details.slot_id)
    room = room_of(event, details.room_id) if details.room_id else None
    title = details.title.strip()
    if slot is None:
        problems["slot_id"] = _("Bitte wählen Sie ein Zeitfenster dieser Veranstaltung.")
    elif any(other.title == title and other is not item for other in slot.items):
        problems["title"] = _("„%(title)s“ gibt es in diesem Zeitfenster schon.", title=title)
    elif item is not None and item.slot_id != slot.id and _in_use(item):
        problems["slot_id"] = _("Für diesen Programmpunkt gibt es schon Wünsche oder Zuteilungen; er bleibt in seinem Zeitfenster.")
    if not title:
        problems["title"] = _("Bitte geben Sie einen Titel an.")
    if details.room_id and room is None:
        problems["room_id"] = _("Bitte wählen Sie einen Raum dieser Veranstaltung.")
    if details.capacity is not None and not details.kind.is_choice:
        problems["capacity"] = _("Nur Workshops und Thementische haben Plätze. Bitte lassen Sie das Feld leer.")
    elif details.kind.is_choice and details.capacity is None:
        problems["capacity"] = _("Bitte geben Sie an, wie viele Plätze der Programmpunkt hat.")
    elif item is not None and details.capacity is not None and details.capacity < item.seats_taken:
        problems["capacity"] = _("Schon %(count)s Plätze vergeben; die Kapazität kann nicht darunter sinken. "
                                  "Bitte verschieben Sie zuerst Teilnehmende.", count=item.seats_taken)
    if (details.starts_at is None) != (details.ends_at is None):
        problems["ends_at"] = _("Bitte geben Sie Beginn und Ende an, oder keines von beiden (dann gilt das Zeitfenster).")
    elif details.starts_at and details.ends_at and slot is not None:
        begins, ends = _on_slot_day(slot, details.starts_at), _on_slot_day(slot, details.ends_at)
        if ends <= begins:
            problems["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
        elif begins < slot.starts_at or ends > slot.ends_at:
            problems["starts_at"] = (f"Der Programmpunkt muss innerhalb seines Zeitfensters „{slot.label}“ liegen "
                                     f"({slot.starts_at:%H:%M}–{slot.ends_at:%H:%M} Uhr).")
    allowed = {user.id for user in possible_leaders(event)}
    if set(details.leader_ids) - allowed:
        problems["leader_ids"] = _("Bitte wählen Sie nur Konten mit der Rolle Workshopleitung.")
    if problems:
        raise EditorError(problems)
    return slot, room


def _on_slot_day(slot: Slot, moment: time) -> datetime:
    return datetime.combine(slot.starts_at.date(), moment)


def _may_share(item: ProgramItem) -> bool:
    """Theme tables share a hall by nature; other items only when the organiser marked them so."""
    return item.kind == ItemKind.theme_table or item.shares_room


def _room_use(event: Event) -> tuple[list[str], list[str]]:
    """Items that use one room at overlapping times, as German sentences: (conflicts, warnings).

    Two theme tables at once in one room are fine (the Magdeburg forum has eight in its hall); a
    workshop marked as sharing may join them or another marked item, with a warning; anything else
    is a conflict."""
    by_room: dict[int, list[ProgramItem]] = {}
    for slot in event.slots:
        for item in slot.items:
            if item.room is not None:
                by_room.setdefault(id(item.room), []).append(item)
    conflicts, warnings = [], []
    for items in by_room.values():
        items.sort(key=lambda i: i.begins)
        for index, first in enumerate(items):
            for second in items[index + 1:]:
                if second.begins >= first.ends:
                    continue
                if not (_may_share(first) and _may_share(second)):
                    conflicts.append(_("Der Raum „%(room)s“ ist zu dieser Zeit schon belegt: „%(first)s“ und "
                                       "„%(second)s“ überschneiden sich. Thementische dürfen sich einen Raum teilen, "
                                       "Workshops nur mit dem Haken „teilt sich den Raum“.",
                                       room=first.room.name, first=first.title, second=second.title))
                elif not first.kind == second.kind == ItemKind.theme_table:
                    warnings.append(_("„%(first)s“ und „%(second)s“ teilen sich zur selben Zeit den Raum "
                                      "„%(room)s“. Bitte prüfen Sie, ob er dafür groß genug ist.",
                                      room=first.room.name, first=first.title, second=second.title))
    return conflicts, warnings


def _capacity_warnings(item: ProgramItem) -> list[str]:
    if item.room and item.room.capacity and item.capacity and item.capacity > item.room.capacity:
        return [_("„%(title)s“ hat %(capacity)s Plätze, der Raum „%(room)s“ nur %(room_capacity)s.", title=item.title,
                  capacity=item.capacity, room=item.room.name, room_capacity=item.room.capacity)]
    return []


def save_item(actor: User, event: Event, item: ProgramItem | None, details: ItemDetails,
              *, confirmed: str | None = None) -> tuple[ProgramItem, list[str], list[Registration]]:
    """Create or change a program item. Returns the item, warnings (saved anyway) and who moved
    up from the workshop's waitlist if it got more seats (told by e-mail). When anybody would,
    only with ``confirmed``, the fingerprint of the preview of who moves up; else
    ``bulk.NotConfirmed`` with that preview, and the caller rolls back."""
    created = item is None
    if not created and details.capacity != item.capacity:
        # As for the event's capacity (``editor.update_event``): the seat count checked is the
        # one under the lock, and more seats go to the waitlist first. The lock re-reads the item.
        event = seats.lock_event(event)
    slot, room = _check_item(event, item, details)
    # Direct mode seats attendees in workshops as they register: more seats there are the waitlist's.
    grows = (not created and item.kind.is_choice and details.kind.is_choice
             and event.choice_mode == ChoiceMode.direct
             and registration_admin.capacity_grows(event, item.capacity, details.capacity))
    if item is None:
        item = ProgramItem(seats_taken=0, position=len(slot.items))
    if item not in slot.items:
        if item.slot is not None:
            item.slot.items.remove(item)
        slot.items.append(item)
    item.kind, item.title, item.abstract = details.kind, details.title.strip(), details.abstract.strip()
    item.room, item.capacity, item.shares_room = room, details.capacity, details.shares_room
    item.starts_at = _on_slot_day(slot, details.starts_at) if details.starts_at else None
    item.ends_at = _on_slot_day(slot, details.ends_at) if details.ends_at else None
    speakers = {speaker.name: speaker for speaker in event.speakers}
    names = list(dict.fromkeys(name.strip() for name in details.speakers if name.strip()))
    for name in names:
        if name not in speakers:
            speakers[name] = Speaker(name=name)
            event.speakers.append(speakers[name])
    item.speakers = [speakers[name] for name in names]
    conflicts, sharing = _room_use(event)
    if conflicts:
        db.session.rollback()
        raise EditorError({"room_id": conflicts[0]})
    db.session.flush()
    if set(leader_ids(item)) != set(details.leader_ids):
        db.session.execute(delete(ItemLeader).where(ItemLeader.program_item_id == item.id))
        db.session.add_all(ItemLeader(program_item_id=item.id, user_id=user_id) for user_id in details.leader_ids)
    _drop_unused_speakers(event)
    audit.record(actor, "item.created" if created else "item.updated",
                 f"Programmpunkt „{item.title}“ ({slot.label}) gespeichert.", event=event)
    promoted = registration_admin.fill_after_capacity_change(actor, event, confirmed) if grows else []
    db.session.commit()
    return item, _capacity_warnings(item) + [w for w in sharing if f"„{item.title}“" in w], promoted


def delete_item(actor: User, event: Event, item: ProgramItem) -> None:
    """Remove a program item unless attendees wished for it or sit in it."""
    if _in_use(item):
        raise EditorError({"item": _("Für „%(title)s“ gibt es schon Wünsche oder Zuteilungen; "
                                     "bitte verschieben Sie die Teilnehmenden zuerst.", title=item.title)})
    files = _stored_files([item])
    item.slot.items.remove(item)
    db.session.flush()
    _drop_unused_speakers(event)
    audit.record(actor, "item.deleted", f"Programmpunkt „{item.title}“ gelöscht.", event=event)
    db.session.commit()
    _delete_files(files)


def _drop_unused_speakers(event: Event) -> None:
    used = {speaker.id for slot in event.slots for item in slot.items for speaker in item.speakers}
    for speaker in list(event.speakers):
        if speaker.id is not None and speaker.id not in used:
            event.speakers.remove(speaker)
