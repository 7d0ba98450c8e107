"""Which characters a PDF prints with a real glyph: read from its embedded fonts, not from its text.

Text extraction reads the ToUnicode map and finds a character even where the font had no glyph
for it and an empty box (.notdef) was printed. Here each (glyph, character) pair of the map is
looked up in the embedded font program: a glyph that is not in it, or has no outline, is none.
"""
from __future__ import annotations

import io
import re

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

_PAIR = re.compile(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


def _font_program(font) -> bytes | None:
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            return descriptor[key].get_object().get_data()
    return None


def _characters(hexadecimal: str) -> str:
    return bytes.fromhex(hexadecimal).decode("utf-16-be")


def printed_characters(pdf: bytes) -> set[str]:
    """Every character some page draws with a glyph that has an outline in its embedded font."""
    drawn: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            program = _font_program(font)
            if program is None or "/ToUnicode" not in font:
                continue
            parsed = TTFont(io.BytesIO(program))
            order, glyphs = parsed.getGlyphOrder(), parsed.getGlyphSet()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for glyph, text in _PAIR.findall(cmap.split("endcodespacerange", 1)[-1]):
                index = int(glyph, 16)
                if index == 0 or index >= len(order):
                    continue
                pen = BoundsPen(glyphs)
                glyphs[order[index]].draw(pen)
                if pen.bounds is not None:
                    drawn.update(_characters(text))
    return drawn
