"""A network's logo for badges, flyers and certificates: PNG, JPEG or SVG, checked and cleaned on upload.

Raster images are decoded and encoded again (which drops metadata and anything that is not
pixels); an SVG keeps only drawing elements and local references, so it can never fetch a file
or URL (and the document fetcher would refuse one anyway).
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from PIL import Image, UnidentifiedImageError
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import Network

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


class LogoError(ValueError):
    """The upload is not a usable logo; the message is German and says what to do."""


def set_logo(network: Network, data: bytes) -> None:
    """Check ``data`` and store it as the network's logo, or raise ``LogoError``."""
    if not data:
        raise LogoError(_("Bitte wählen Sie eine Bilddatei aus."))
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(_("Das Logo ist zu groß: höchstens %(size)s KB.", size=MAX_LOGO_BYTES // 1024))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        network.logo, network.logo_mime = clean_svg(data), "image/svg+xml"
    else:
        network.logo, network.logo_mime = _clean_raster(data)
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


def remove_logo(network: Network) -> None:
    network.logo = network.logo_mime = None
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
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise LogoError(_("SVG-Logos mit DOCTYPE oder Entitäten werden nicht angenommen."))
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise LogoError(_("Die SVG-Datei ist fehlerhaft.")) from error
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoError(_("Die Datei ist kein SVG-Bild."))
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
