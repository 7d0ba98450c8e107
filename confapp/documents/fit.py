"""Fitting text into a fixed box: the largest font size at which it wraps into the box uncut.

Labels have a fixed size and a name must never be cut off, so the size is computed here from the
vendored font's own glyph widths (the same font WeasyPrint embeds), not guessed from a length.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache, lru_cache

from fontTools.ttLib import TTFont

from confapp.documents.render import STATIC_DIR

FONT_FILES = {"regular": "fonts/DejaVuSans.ttf", "bold": "fonts/DejaVuSans-Bold.ttf"}
#: Widths are measured without kerning; a little slack keeps rounding from overflowing a line.
SLACK = 1.04
PT_PER_MM = 72 / 25.4


@cache
def _widths(weight: str) -> tuple[dict[int, int], int, int]:
    """Advance width per code point, the width for unknown characters, and units per em."""
    font = TTFont(STATIC_DIR / FONT_FILES[weight], lazy=True)
    # The advances straight from the raw table: fontTools' own parse of it takes ten times as long.
    count = font["hhea"].numberOfHMetrics
    metrics = array("H", font.reader["hmtx"][:4 * count])  # (advance, left side bearing) per glyph
    if sys.byteorder == "little":
        metrics.byteswap()
    advances = metrics[::2]
    index = font.getReverseGlyphMap()
    widths = {code: advances[min(index[glyph], count - 1)] for code, glyph in font.getBestCmap().items()}
    return widths, advances[0], font["head"].unitsPerEm



@lru_cache(maxsize=20_000)
def _advance(text: str, weight: str) -> int:
    """Width of ``text`` in font units (cached: organisations, sectors and first names repeat)."""
    widths, missing, units = _widths(weight)
    # Characters the font lacks come from a fallback font: Chinese and Japanese ones a full em wide.
    return sum(widths.get(ord(char)) or (units if unicodedata.east_asian_width(char) in "WF" else missing)
               for char in text)


def _points(advance: int, size_pt: float, weight: str) -> float:
    return advance * size_pt / _widths(weight)[2] * SLACK


def _breakable(text: str) -> list[tuple[str, bool]]:
    """Pieces a line may break after: words, and hyphenated parts of double names.

    Each with whether it joins the next piece without a space: "Hohenzollern-" + "Sigmaringen",
    but "Kinder-" + " und".
    """
    return [(found.group(), found.group().endswith("-") and found.end() < len(text) and not text[found.end()].isspace())
            for found in re.finditer(r"\S+?-(?=\S)|\S+", text)]


def _measured(text: str, weight: str) -> list[tuple[str, bool, int]]:
    """The breakable pieces of ``text`` (see ``_breakable``) with their widths in font units.

    Widths add up (no kerning), so a line's width is the sum of its pieces' and each piece is
    measured once for every size tried, not once per candidate line and size.
    """
    return [(piece, joins, _advance(piece, weight)) for piece, joins in _breakable(text)]


def _wrap(pieces: list[tuple[str, bool, int]], size_pt: float, width_pt: float, weight: str) -> list[str] | None:
    """Greedy line wrapping at ``size_pt``; None if a single piece is wider than the line."""
    lines: list[str] = []
    current, advance, joined = "", 0, True
    space = _advance(" ", weight)
    for piece, joins, piece_advance in pieces:
        joiner = "" if not current or joined else " "
        joined = joins
        candidate = advance + (space if joiner else 0) + piece_advance
        if _points(candidate, size_pt, weight) <= width_pt:
            current, advance = current + joiner + piece, candidate
            continue
        if _points(piece_advance, size_pt, weight) > width_pt:
            return None
        lines.append(current)
        current, advance = piece, piece_advance
    if current:
        lines.append(current)
    return [line for line in lines if line]


@dataclass(frozen=True)
class FittedText:
    lines: list[str]
    size_pt: float


def fit_text(text: str, width_mm: float, height_mm: float, max_pt: float, weight: str = "bold",
             line_height: float = 1.15, max_lines: int = 3, min_pt: float | None = None) -> FittedText:
    """The largest size ≤ ``max_pt`` (in steps of 0.5 pt) at which ``text`` fits the box.

    With ``min_pt``, a text that does not fit at that size is set at it and shortened with "…"
    after ``max_lines`` lines (for organisations: readable beats complete). Without, it never
    gives up: a text that fits at no reasonable size is set in one line per piece at the size at
    which its widest piece fits (for names, which must never be cut).
    """
    width_pt, height_pt = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    pieces = _measured(text, weight)
    size = max_pt
    while size >= (min_pt or 4):
        lines = _wrap(pieces, size, width_pt, weight)
        if lines is not None and len(lines) <= max_lines and len(lines) * size * line_height <= height_pt:
            return FittedText(lines, size)
        size -= 0.5
    if min_pt:
        return FittedText(_shortened(pieces, min_pt, width_pt, weight, max_lines), min_pt)
    widest = max((_points(advance, 1, weight) for _, _, advance in pieces), default=0) or 1
    size = min(4.0, width_pt / widest, height_pt / ((len(pieces) or 1) * line_height))
    return FittedText(_wrap(pieces, size, width_pt, weight) or [piece for piece, _, _ in pieces] or [""], size)


def _shortened(pieces: list[tuple[str, bool, int]], size_pt: float, width_pt: float, weight: str,
               max_lines: int) -> list[str]:
    """The first ``max_lines`` lines of ``pieces`` at ``size_pt``, the last one ending in "…"."""
    ellipsis = _advance(" …", weight)
    for count in range(len(pieces), 0, -1):
        kept = pieces[:count]
        last_piece, joins, advance = kept[-1]
        kept = kept[:-1] + [(last_piece.rstrip(",;:-–·") + " …", joins, advance + ellipsis)]
        lines = _wrap(kept, size_pt, width_pt, weight)
        if lines is not None and len(lines) <= max_lines:
            return lines
    return ["…"]
