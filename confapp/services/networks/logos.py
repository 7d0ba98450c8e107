"""A network's logo for badges, flyers and certificates: PNG, JPEG or SVG, checked and cleaned on upload.

Raster images are decoded and encoded again (which drops metadata and anything that is not
pixels); an SVG keeps only drawing elements and local references, so it can never fetch a file
or URL (and the document fetcher would refuse one anyway).

An SVG is also refused when drawing it could take long: every document with the logo draws it.
Fixed limits on its size, its elements, their nesting and the elements its references (``<use>``,
``href="#…"``, ``url(#…)``) would draw, counted through every level of reference, are checked
within a fixed time. A 1.5 KB file of nested ``<use>`` elements draws a billion shapes; it is
refused in milliseconds, before it is stored.
"""
from __future__ import annotations

import io
import re
import time
import xml.etree.ElementTree as ET

from PIL import Image, UnidentifiedImageError
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import Network, User
from confapp.services.networks import audit

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_PIXELS = 4000
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Drawing elements an SVG logo may use; everything else (script, foreignObject, image, style …) goes.
SVG_ELEMENTS = {"svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline",
                "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
                "use", "symbol"}
#: References inside attribute values that could leave the document: url(…) other than url(#…).
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
#: Local references: ``url(#id)`` in any attribute (fills, clip paths, masks) and ``href="#id"``.
LOCAL_URL = re.compile(r"url\(\s*['\"]?\s*#([^'\")\s]+)", re.IGNORECASE)

#: Limits of an SVG logo: a logo is a few hundred shapes; these leave room for detailed ones.
MAX_SVG_BYTES = 256 * 1024
MAX_SVG_ELEMENTS = 5_000
MAX_SVG_DEPTH = 40
#: Elements drawn, counting what every reference draws again (a ``<use>`` of a group of 100 is 101).
MAX_SVG_DRAWN = 20_000
#: References through references (a ``<use>`` of a group that holds a ``<use>`` …).
MAX_SVG_REFERENCE_DEPTH = 8
SVG_CHECK_SECONDS = 0.5


class LogoError(ValueError):
    """The upload is not a usable logo; the message is German and says what to do."""


def set_logo(network: Network, data: bytes, actor: User | None = None) -> None:
    """Check ``data`` and store it as the network's logo, or raise ``LogoError``. Audited
    (``actor`` None: the command line)."""
    if not data:
        raise LogoError(_("Bitte wählen Sie eine Bilddatei aus."))
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(_("Das Logo ist zu groß: höchstens %(size)s KB.", size=MAX_LOGO_BYTES // 1024))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        network.logo, network.logo_mime = clean_svg(data), "image/svg+xml"
    else:
        network.logo, network.logo_mime = _clean_raster(data)
    audit.record(actor, "network.logo", f"Logo hochgeladen ({network.logo_mime}, {len(network.logo) // 1024} KB).",
                 network=network)
    db.session.commit()


def set_signer(network: Network, name: str, function: str, signature: bytes | None = None,
               remove_signature: bool = False) -> None:
    """Who signs certificates, and optionally their scanned signature (PNG or JPEG, checked as a
    logo is); raises ``LogoError`` for an image that is none."""
    network.signer_name, network.signer_function = name.strip()[:200], function.strip()[:200]
    if remove_signature:
        network.signature = network.signature_mime = None
    elif signature:
        if len(signature) > MAX_LOGO_BYTES or signature.lstrip().startswith(b"<"):
            raise LogoError("Die Unterschrift muss ein PNG- oder JPEG-Bild bis 1 MB sein.")
        try:
            network.signature, network.signature_mime = _clean_raster(signature)
        except LogoError as error:
            raise LogoError("Die Unterschrift muss ein lesbares PNG- oder JPEG-Bild sein.") from error
    db.session.commit()


def remove_logo(network: Network, actor: User | None = None) -> None:
    network.logo = network.logo_mime = None
    audit.record(actor, "network.logo", "Logo entfernt.", network=network)
    db.session.commit()


def _clean_raster(data: bytes) -> tuple[bytes, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, size = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise LogoError(_("Die Datei ist kein lesbares PNG-, JPEG- oder SVG-Bild.")) from error
    if kind not in ("PNG", "JPEG"):
        raise LogoError(_("Das Logo muss ein PNG-, JPEG- oder SVG-Bild sein."))
    if max(size) > MAX_LOGO_PIXELS:
        raise LogoError(_("Das Logo ist zu groß: höchstens %(size)s × %(size)s Pixel.", size=MAX_LOGO_PIXELS))
    out = io.BytesIO()
    try:
        # Encoded again: what is stored is pixels only, without metadata or trailing data.
        with Image.open(io.BytesIO(data)) as image:
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG")
    except (OSError, SyntaxError, ValueError) as error:
        raise LogoError(_("Die Datei ist kein lesbares PNG-, JPEG- oder SVG-Bild.")) from error
    return out.getvalue(), "image/jpeg" if kind == "JPEG" else "image/png"


def clean_svg(data: bytes) -> bytes:
    """The SVG with only drawing elements and attributes that reference nothing outside it."""
    if len(data) > MAX_SVG_BYTES:
        raise LogoError(f"Das SVG-Logo ist zu groß: höchstens {MAX_SVG_BYTES // 1024} KB. "
                        "Bitte vereinfachen Sie die Grafik oder laden Sie ein PNG hoch.")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise LogoError(_("SVG-Logos mit DOCTYPE oder Entitäten werden nicht angenommen."))
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, RecursionError) as error:
        raise LogoError(_("Die SVG-Datei ist fehlerhaft.")) from error
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoError(_("Die Datei ist kein SVG-Bild."))
    check_svg_limits(root)
    _clean_element(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8")


def _clean_element(element: ET.Element) -> None:
    for child in list(element):
        namespace, _, name = child.tag.rpartition("}")
        if namespace.lstrip("{") != SVG_NS or name not in SVG_ELEMENTS:
            element.remove(child)
        else:
            _clean_element(child)
    for attribute, value in list(element.attrib.items()):
        local = attribute.rpartition("}")[2]
        if (local.lower().startswith("on") or (local == "href" and not value.startswith("#"))
                or EXTERNAL_URL.search(value) or "@import" in value.lower()):
            del element.attrib[attribute]


TOO_COMPLEX = ("Das SVG-Logo ist zu aufwendig ({reason}). Bitte vereinfachen Sie die Grafik "
               "oder laden Sie das Logo als PNG hoch.")


def check_svg_limits(root: ET.Element) -> None:
    """Refuse an SVG whose drawing would be costly: too many or too deeply nested elements, or
    references that multiply what is drawn. Runs in bounded time, whatever the file holds."""
    deadline = time.monotonic() + SVG_CHECK_SECONDS
    by_id: dict[str, ET.Element] = {}
    count, stack = 0, [(root, 1)]
    while stack:  # iteratively: the nesting itself is what is checked
        element, depth = stack.pop()
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise LogoError(TOO_COMPLEX.format(reason=f"mehr als {MAX_SVG_ELEMENTS} Elemente"))
        if depth > MAX_SVG_DEPTH:
            raise LogoError(TOO_COMPLEX.format(reason=f"mehr als {MAX_SVG_DEPTH} Ebenen"))
        if element.get("id"):
            by_id[element.get("id")] = element
        stack.extend((child, depth + 1) for child in element)
    drawn: dict[int, int] = {}

    def references(element: ET.Element) -> list[str]:
        found = []
        for attribute, value in element.attrib.items():
            if attribute.rpartition("}")[2] == "href" and value.startswith("#"):
                found.append(value[1:])
            found.extend(LOCAL_URL.findall(value))
        return found

    def cost(element: ET.Element, chain: tuple[int, ...]) -> int:
        """Elements drawn for ``element``: itself, its children, and what it refers to, again."""
        if time.monotonic() > deadline:
            raise LogoError(TOO_COMPLEX.format(reason="Prüfung dauert zu lange"))
        key = id(element)
        if key in drawn:
            return drawn[key]
        if key in chain:
            raise LogoError(TOO_COMPLEX.format(reason="Verweise im Kreis"))
        if len(chain) > MAX_SVG_REFERENCE_DEPTH:
            raise LogoError(TOO_COMPLEX.format(reason=f"mehr als {MAX_SVG_REFERENCE_DEPTH} Verweisebenen"))
        total, pending = 0, [element]
        while pending:  # the subtree iteratively; references recurse, bounded by the chain's depth
            node = pending.pop()
            total += 1
            for target in references(node):
                if target in by_id:
                    total += cost(by_id[target], chain + (key,))
            pending.extend(node)
            if total > MAX_SVG_DRAWN:
                raise LogoError(TOO_COMPLEX.format(reason=f"mehr als {MAX_SVG_DRAWN} gezeichnete Elemente"))
        drawn[key] = total
        return total

    cost(root, ())
