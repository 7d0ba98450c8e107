"""Colour contrast after WCAG 2.1 (relative luminance, contrast ratio), for a network's accent colour."""
from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
WHITE = "#ffffff"
#: The dark text colour of the app's stylesheet.
DARK = "#1a1a1a"
#: Headings of printed documents when the network has no accent colour that reads on paper.
DEFAULT_PRINT = "#1d4f6e"
#: WCAG 2.1 AA for normal text.
MIN_CONTRAST = 4.5


def normalise_hex(value: str) -> str | None:
    """"#AbC" or "abcdef" as "#aabbcc"; None if it is no hex colour."""
    value = value.strip().lower()
    if not value.startswith("#"):
        value = "#" + value
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    return value if HEX_COLOUR.fullmatch(value) else None


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or dark text, whichever reads better on ``background``."""
    return WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, DARK) else DARK


def readable(background: str) -> bool:
    """Some text colour reaches AA contrast on ``background``."""
    return contrast_ratio(background, text_colour_on(background)) >= MIN_CONTRAST
