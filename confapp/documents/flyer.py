"""The event flyer: A4 (two pages) or DIN lang (A4 landscape, three panels a side, folded twice).

Both are built from the event's data and the network's settings (logo, accent colour, contact).
A long program is fitted in a fixed order of shrinking: abstracts are shortened, then left out,
and only then do the fonts get smaller; what still does not fit is reported to the organiser.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from confapp.documents.render import Resources, render_fitting
from confapp.formatting import format_time_range
from confapp.models import Event, ItemKind, Network



@dataclass(frozen=True)
class FlyerFormat:
    """Pages a flyer has and how its program may shrink to fit them."""

    pages: int
    #: Side of the registration QR code (mm): a phone reads it from arm's length.
    qr_mm: float
    #: (longest abstract in characters, font scale), tried in this order until the program fits:
    #: a short program is set larger so it fills its pages; a long one loses its abstracts
    #: before the fonts get small.
    steps: tuple[tuple[int, float], ...]


FORMATS = {
    "a4": FlyerFormat(2, 32, ((320, 1.35), (320, 1.15), (320, 1.0), (160, 1.0), (0, 1.0), (0, 0.9))),
    "dinlang": FlyerFormat(2, 28, ((180, 2.0), (180, 1.6), (180, 1.3), (180, 1.0), (90, 1.0), (0, 1.0), (0, 0.9))),
}
#: The scale at which nothing is shrunk yet.
FULL_SIZE = 1.0


@dataclass
class Flyer:
    pdf: bytes
    #: German notes for the organiser: what was shortened, or that the program does not fit.
    notes: list[str] = field(default_factory=list)


def accent_of(network: Network) -> str:
    """The colour of headings and bands in print: the network's accent where it reads on white paper
    (and white reads on it), else the default blue."""
    return network.print_color


def _channels(colour: str) -> tuple[int, int, int]:
    """Red, green and blue of a ``#rrggbb`` colour."""
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def tint(colour: str, share: float = 0.88) -> str:
    """``colour`` mixed with ``share`` of white: a light background in the accent's hue."""
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in _channels(colour))


def veil(colour: str, opacity: float = 0.8) -> str:
    """``colour`` as a see-through layer over the cover photo: the photo shows, the title reads."""
    red, green, blue = _channels(colour)
    return f"rgba({red}, {green}, {blue}, {opacity})"


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary with an ellipsis, so the program fits its page."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:–-") + " …"


def program(event: Event, abstract_limit: int) -> list[dict]:
    """The program as plain values: each slot with its items (speakers, room, short abstract).

    Rounds of the same theme tables (slots with the same titles one after another) are one
    entry with all their times, so a forum's tables are listed once.
    """
    entries: list[dict] = []
    for slot in event.slots:
        titles = [item.title for item in slot.items]
        times = format_time_range(slot.starts_at, slot.ends_at)
        previous = entries[-1] if entries else None
        if previous and previous["is_choice"] and slot.choice_items and previous["titles"] == titles:
            previous["times"].append(times)
            previous["label"] = previous["label"].rsplit(" – ", 1)[0]
            continue
        rooms = {item.room.name if item.room else "" for item in slot.items}
        entries.append({
            "slot": slot, "label": slot.label, "times": [times], "titles": titles,
            #: The room of every item of the slot, said once; else each item says its own.
            "room": rooms.pop() if len(rooms) == 1 else "",
            "items": [{"item": item, "speakers": ", ".join(speaker.name for speaker in item.speakers),
                       "room": item.room.name if item.room else "",
                       "abstract": shorten(item.abstract, abstract_limit if item.kind.is_choice else 2 * abstract_limit)}
                      for item in slot.items],
            "is_choice": bool(slot.choice_items),
        })
    return entries


def render_flyer(event: Event, format: str, *, registration_url: str, logo: tuple[bytes, str] | None,
                 cover: tuple[bytes, str] | None = None) -> Flyer:
    """The flyer PDF (tagged, for the county's website); the QR code leads to ``registration_url``.
    ``cover``: a photo behind the title, under the accent colour (white text stays readable on it)."""
    shape = FORMATS[format]
    resources = Resources()
    if logo:
        resources.add("logo", *logo)
    if cover:
        resources.add("cover", *cover)
    resources.anchor_qr("registration-qr", shape.qr_mm, registration_url)
    items = [item for slot in event.slots for item in slot.items]
    accent = accent_of(event.network)
    variants = [{"program": program(event, limit), "scale": scale} for limit, scale in shape.steps]
    pdf, used = render_fitting(
        f"flyer_{format}.html", variants, max_pages=shape.pages, resources=resources, tagged=True,
        event=event, network=event.network, has_logo=logo is not None, has_cover=cover is not None,
        accent_veil=veil(accent), registration_url=registration_url,
        contact_email=event.contact_email or event.network.contact_email, accent=accent, accent_tint=tint(accent),
        qr_mm=shape.qr_mm, talks=[item for item in items if item.kind == ItemKind.talk],
        choices=len({item.title for item in items if item.kind.is_choice}),
        theme_tables=any(item.kind == ItemKind.theme_table for item in items))
    notes = []
    if used is None:
        notes.append(_("Das Programm passt nicht ganz auf den Flyer, auch ohne Beschreibungen und in kleinerer "
                       "Schrift. Bitte kürzen Sie Titel oder Angaben zu den Referierenden."))
    elif shape.steps[used][0] < shape.steps[0][0] and any(item.abstract for item in items) or \
            shape.steps[used][1] < FULL_SIZE:
        notes.append(_("Damit das Programm auf den Flyer passt, sind die Beschreibungen gekürzt und die Schrift "
                       "verkleinert.") if shape.steps[used][1] < FULL_SIZE else
                     _("Damit das Programm auf den Flyer passt, sind die Beschreibungen gekürzt."))
    return Flyer(pdf, notes)
