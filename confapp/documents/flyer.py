"""The event flyer: A4 (two pages) or DIN lang (A4 landscape, three panels a side, folded twice)."""
from __future__ import annotations

from confapp.documents.render import Resources, render_pdf
from confapp.models import Event, ItemKind

#: Flyer format → longest workshop abstract (characters) that fits its program page.
FORMATS = {"a4": 320, "dinlang": 150}
#: Side of the registration QR code (mm): a phone reads it from arm's length.
QR_SIZE_MM = 30


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary with an ellipsis, so the program fits its page."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:–-") + " …"


def program(event: Event, abstract_limit: int) -> list[dict]:
    """The program as plain values: each slot with its talks, workshops (short abstracts) and breaks."""
    return [{
        "slot": slot,
        "items": [{"item": item, "speakers": ", ".join(speaker.name for speaker in item.speakers),
                   "room": item.room.name if item.room else "",
                   "abstract": shorten(item.abstract, abstract_limit) if item.kind.is_choice else ""}
                  for item in slot.items],
        "is_choice": bool(slot.choice_items),
    } for slot in event.slots]


def render_flyer(event: Event, format: str, *, registration_url: str, logo: tuple[bytes, str] | None) -> bytes:
    """The flyer PDF; the QR code leads to ``registration_url``."""
    resources = Resources()
    if logo:
        resources.add("logo", *logo)
    resources.anchor_qr("registration-qr", QR_SIZE_MM, registration_url)
    talks = sum(item.kind == ItemKind.talk for slot in event.slots for item in slot.items)
    return render_pdf(f"flyer_{format}.html", resources=resources, event=event, network=event.network,
                      program=program(event, FORMATS[format]), talks=talks, has_logo=logo is not None,
                      registration_url=registration_url,
                      contact_email=event.contact_email or event.network.contact_email)
