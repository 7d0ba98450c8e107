"""Models as the JSON the OpenAPI description promises."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from confapp.models import Event, ProgramItem, Slot


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
