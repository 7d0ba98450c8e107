"""Name badges on label sheets: geometry per badge, QR codes, and the parallel render of many sheets."""
from __future__ import annotations

import math
import os

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from confapp.documents.fit import FittedText, fit_text
from confapp.documents.layouts import SheetLayout
from confapp.documents.render import Resources, render_pdf

#: Fewest badges per separately rendered part: parts render in parallel and are joined in order;
#: below this, starting a process costs more than it saves.
MIN_PER_PART = 100
#: Smallest type of organisation and sector: below this nobody reads it at arm's length, so a
#: long organisation wraps to two lines and is then shortened instead.
MIN_DETAILS_PT = 7.0
#: Photo-consent mark: a photographer reads it at two metres.
NO_PHOTOS_PT = 10.0

T = TypeVar("T")


@dataclass(frozen=True)
class BadgeData:
    """What one badge shows, as plain values."""

    name: str
    organisation: str
    sector: str
    #: (time, title, room) of each assigned workshop or theme table, in program order.
    workshops: list[tuple[str, str, str]]
    #: What the QR code holds: the check-in URL with the badge token.
    checkin_url: str
    #: The person did not agree to be photographed: a large "⊘ Keine Fotos" for photographers.
    no_photos: bool = False
    #: The short code under the QR code that door staff type when the camera fails.
    door_code: str = ""


@dataclass(frozen=True)
class Placed:
    """A badge with its place on the sheet and its text sized to fit."""

    badge: BadgeData
    #: Which label of its sheet, counted row by row.
    slot: int
    name: FittedText
    organisation: FittedText
    workshops: FittedText


@dataclass(frozen=True)
class BadgeBox:
    """Boxes inside a label (mm) and base sizes (pt), scaled with the label."""

    pad: float
    header: float
    name_height: float
    qr: float
    #: Height of the door code line under the QR code.
    code: float
    text_width: float
    scale: float

    @classmethod
    def for_layout(cls, layout: SheetLayout) -> "BadgeBox":
        scale = min(layout.label_width / 80, layout.label_height / 50)
        pad, header = 4 * scale, 5 * scale
        name_height = 15 * scale
        code = 3.2 * scale
        qr = min(layout.label_height - 2 * pad - header - name_height - code - scale, layout.label_width * 0.4)
        return cls(pad, header, name_height, qr, code, layout.label_width - 2 * pad - qr - 2 * scale, scale)

    @property
    def text_height(self) -> float:
        """The column beside the QR code and its door code."""
        return self.qr + self.code


def _details(badge: BadgeData, box: BadgeBox, height: float) -> FittedText:
    """Organisation and sector in at most two lines, never below ``MIN_DETAILS_PT``: a long
    organisation is shortened with "…" before the sector is lost."""
    def fit(text: str) -> FittedText:
        return fit_text(text, box.text_width, height, 9 * box.scale, weight="regular", max_lines=2,
                        min_pt=MIN_DETAILS_PT)

    details = " · ".join(part for part in (badge.organisation, badge.sector) if part)
    fitted = fit(details)
    if not badge.sector or not fitted.lines[-1].endswith("…"):
        return fitted
    words = badge.organisation.split()
    for count in range(len(words) - 1, 0, -1):
        shorter = fit(f"{' '.join(words[:count])} … · {badge.sector}")
        if not shorter.lines[-1].endswith("…"):
            return shorter
    return fitted


def _place(badge: BadgeData, slot: int, layout: SheetLayout, box: BadgeBox) -> Placed:
    # The text column beside the QR code, above the photo-consent mark where there is one.
    height = box.text_height - (NO_PHOTOS_PT * 1.6 / 72 * 25.4 if badge.no_photos else 0)
    share = height / (2 + len(badge.workshops))
    fitted = [fit_text(f"{time} {title}{' · ' + room if room else ''}", box.text_width, share, 6.5 * box.scale,
                       weight="regular", max_lines=2) for time, title, room in badge.workshops]
    # One size for all workshops, so the lines of one badge line up.
    workshops = FittedText([line for text in fitted for line in text.lines],
                           min((text.size_pt for text in fitted), default=6.5 * box.scale))
    return Placed(
        badge=badge, slot=slot % layout.per_page,
        name=fit_text(badge.name, layout.label_width - 2 * box.pad, box.name_height, 22 * box.scale),
        organisation=_details(badge, box, max(2 * share, 2.4 * MIN_DETAILS_PT / 72 * 25.4)),
        workshops=workshops,
    )


def render_badges(badges: Sequence[BadgeData], layout: SheetLayout, *, event_title: str, event_date: str,
                  logo: tuple[bytes, str] | None = None, skip: int = 0, offset: tuple[float, float] = (0, 0),
                  progress: Callable[[int], None] | None = None, workers: int | None = None,
                  per_part: int | None = None) -> bytes:
    """A PDF of label sheets, badges in the given order from the ``skip``-th label of the first sheet.

    ``offset`` (mm, right and down) corrects a printer that does not hit the labels exactly.
    """
    box = BadgeBox.for_layout(layout)
    pages: list[list[tuple[BadgeData, int]]] = []
    first = skip % layout.per_page
    for number, badge in enumerate(badges):
        slot = first + number
        if slot % layout.per_page == 0 or not pages:
            pages.append([])
        pages[-1].append((badge, slot))
    chunks = _whole_pages(pages, per_part or max(MIN_PER_PART, math.ceil(len(badges) / (2 * (os.cpu_count() or 1)))))
    corners = [(left + offset[0], top + offset[1]) for left, top in map(layout.position, range(layout.per_page))]
    head = f"{event_title} · {event_date}"

    def make_part(chunk: list[list[tuple[BadgeData, int]]]) -> tuple[dict, Resources]:
        """A part's badges with their text fitted: done in turn, while the workers render the parts before."""
        placed = [[_place(badge, slot, layout, box) for badge, slot in page] for page in chunk]
        resources = _resources_for(placed, logo, layout, box, corners)
        # Positions and font sizes as classes, not inline styles: WeasyPrint parses each style
        # attribute and shares computed styles only between elements with the same rules.
        sizes = sorted({text.size_pt for page in placed for item in page
                        for text in (item.name, item.organisation, item.workshops)})
        return {"pages": placed, "size_class": {size: f"s{number}" for number, size in enumerate(sizes)}}, resources

    def part_done(index: int) -> None:
        if progress:
            progress(sum(len(page) for page in chunks[index]))

    parts = [partial(make_part, chunk) for chunk in chunks] or [({"pages": [], "size_class": {}}, Resources())]
    return render_pdf("badges.html", parts=parts, workers=workers, on_part_done=part_done, layout=layout, box=box,
                      corners=corners, event_title=event_title, head=head, has_logo=logo is not None,
                      no_photos_pt=NO_PHOTOS_PT)


def _whole_pages(pages: list[list[T]], per_part: int) -> list[list[list[T]]]:
    """Runs of whole pages with about ``per_part`` badges each, so joined parts keep every sheet intact."""
    chunks: list[list[list[T]]] = []
    counted = per_part
    for page in pages:
        if counted >= per_part:
            chunks.append([])
            counted = 0
        chunks[-1].append(page)
        counted += len(page)
    return chunks


def _resources_for(chunk: list[list[Placed]], logo: tuple[bytes, str] | None, layout: SheetLayout,
                   box: BadgeBox, corners: list[tuple[float, float]]) -> Resources:
    """One part's own QR codes and the logo, so each worker gets only what it draws.

    A QR code sits in its label's bottom right corner, above its door code, inside the padding.
    """
    resources = Resources()
    if logo:
        resources.add("logo", *logo)
    for number, page in enumerate(chunk):
        for placed in page:
            left, top = corners[placed.slot]
            resources.place_qr(number, left + layout.label_width - box.pad - box.qr,
                               top + layout.label_height - box.pad - box.code - box.qr, box.qr,
                               placed.badge.checkin_url)
    return resources
