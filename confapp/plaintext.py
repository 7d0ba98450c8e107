"""Text that organisers type (event descriptions, abstracts) shown as HTML, safely.

Browsers send a textarea's line breaks as ``\\r\\n``: a blank line starts a paragraph, a single
line break stays a line break, web addresses and e-mail addresses become links. Everything
else is escaped, so typed markup shows as text and only http(s) and mailto links are made.
"""
from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup, escape

#: An http(s) address (without trailing punctuation that ends the sentence) or an e-mail address.
_LINK = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _linked(line: str) -> Markup:
    parts, position = [], 0
    for match in _LINK.finditer(line):
        target = match.group(0)
        href = target if target.startswith("http") else f"mailto:{target}"
        parts += [escape(line[position:match.start()]),
                  Markup('<a href="{}" class="breakable">{}</a>').format(href, target)]
        position = match.end()
    parts.append(escape(line[position:]))
    return Markup("").join(parts)


def paragraphs(text: str | None) -> Markup:
    """``text`` as ``<p>`` paragraphs with ``<br>`` line breaks and links; escaped otherwise."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [block.strip("\n") for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(_linked(line) for line in block.split("\n")))
        for block in blocks)


def register(app: Flask) -> None:
    app.jinja_env.filters["paragraphs"] = paragraphs
