"""Models as the JSON the OpenAPI description promises."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app

from confapp.models import Event, ProgramItem, Registration, Slot
from confapp.services.assignment.workflow import AssignmentPreview
from confapp.services.registration.lookup import slot_choices, waitlist_position
from confapp.services.reports.statistics import EventStatistics


def moment(event: Event, value: datetime | None) -> str | None:
    """A program time as ISO 8601 with the venue's UTC offset."""
    return value.replace(tzinfo=event.zone).isoformat() if value else None


def event_summary(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "subtitle": event.subtitle,
        "network": {"slug": event.network.slug, "name": event.network.name},
        "starts_at": moment(event, event.starts_at),
        "ends_at": moment(event, event.ends_at),
        "timezone": event.timezone,
        "venue": {"name": event.venue_name, "address": event.venue_address},
        "status": event.status.value,
        "registration": {
            "open": event.registration_open(),
            "opens_at": moment(event, event.registration_opens_at),
            "closes_at": moment(event, event.registration_closes_at),
            "choice_mode": event.choice_mode.value,
            "ranks": event.ranks,
        },
        "capacity": event.capacity,
        "seats_free": None if event.capacity is None else max(event.capacity - event.seats_taken, 0),
        "url": f"{current_app.config['BASE_URL']}/e/{event.slug}",
    }


def program_item(item: ProgramItem) -> dict:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "title": item.title,
        "abstract": item.abstract,
        "speakers": [speaker.name for speaker in item.speakers],
        "room": item.room.name if item.room else None,
        "capacity": item.capacity,
        "seats_free": item.seats_free,
    }


def slot(event: Event, value: Slot) -> dict:
    return {"id": value.id, "label": value.label, "starts_at": moment(event, value.starts_at),
            "ends_at": moment(event, value.ends_at), "items": [program_item(item) for item in value.items]}


def event_detail(event: Event) -> dict:
    return {**event_summary(event), "description": event.description, "contact_email": event.contact_email,
            "slots": [slot(event, value) for value in event.slots]}


def utc(value: datetime | None) -> str | None:
    """A stored moment (naive UTC) as ISO 8601 with its offset."""
    return value.replace(tzinfo=timezone.utc).isoformat() if value else None


def registration(value: Registration) -> dict:
    """A registration as organisers see it in lists: no diet, access needs or history."""
    return {
        "id": value.id, "event": value.event.slug,
        "first_name": value.first_name, "last_name": value.last_name, "email": value.email,
        "organisation": value.organisation, "sector": value.sector, "status": value.status.value,
        "created_at": utc(value.created_at), "checked_in_at": utc(value.checked_in_at),
        "photo_consent": value.photo_consent,
        "choices": [{"slot_id": choice.slot.id, "slot_label": choice.slot.label,
                     "wishes": [item.id for item in choice.wishes],
                     "assigned": choice.assigned.id if choice.assigned else None}
                    for choice in slot_choices(value)],
    }


def registration_detail(value: Registration) -> dict:
    return {**registration(value), "diet": value.diet, "access_needs": value.access_needs,
            "waitlist_position": waitlist_position(value),
            "history": [{"at": utc(entry.at), "action": entry.action, "from_status": entry.from_status,
                         "to_status": entry.to_status, "actor": entry.actor, "note": entry.note}
                        for entry in value.history]}


def assignment_result(result: AssignmentPreview) -> dict:
    """An assignment preview: its report, and the seats that differ from the stored ones."""
    report = result.report
    return {
        "mode": result.mode.value, "fingerprint": result.fingerprint,
        "report": {
            "people": report.people, "objective": report.solver.objective, "optimal": report.solver.optimal,
            "slots": [{"slot_id": slot.slot_id, "label": slot.label, "wishes": list(slot.wishes),
                       "fallback": slot.fallback, "unplaced": slot.unplaced, "kept": slot.kept}
                      for slot in report.slots],
            "items": [{"item_id": item.item_id, "slot_label": item.slot_label, "title": item.title,
                       "capacity": item.capacity, "assigned": item.assigned,
                       "sectors": [{"sector": sector, "people": people} for sector, people in item.sectors],
                       "over_cap": list(item.over_cap)}
                      for item in report.items],
        },
        "changes": [{"registration_id": change.registration_id, "name": change.name, "slot_id": change.slot_id,
                     "slot_label": change.slot_label, "before": change.before, "after": change.after,
                     "notified": change.notified}
                    for change in result.changes],
    }


def statistics(figures: EventStatistics) -> dict:
    return {
        "confirmed": figures.confirmed, "waitlisted": figures.waitlisted, "cancelled": figures.cancelled,
        "checked_in": figures.checked_in, "checkin_rate": round(figures.checkin_rate, 4),
        "over_time": [{"date": day.isoformat(), "new": new, "total": total} for day, new, total in figures.over_time],
        "by_sector": [{"sector": sector, "registrations": number} for sector, number in figures.by_sector],
        "workshops": [{"item_id": w.item.id, "title": w.item.title, "capacity": w.capacity, "assigned": w.assigned,
                       "fill_rate": round(w.fill_rate, 4),
                       "sectors": [{"sector": sector, "people": people} for sector, people in sorted(
                           w.sectors.items(), key=lambda pair: (-pair[1], pair[0]))]}
                      for w in figures.workshops],
    }
