"""An event's cover photo: behind the title of both flyers (under the accent colour) and on its public page.

A photo from a camera or phone is several megabytes and thousands of pixels wide; printed behind
the flyer's title band it needs about 2,000. So it is decoded, turned upright, made smaller and
stored again as JPEG: what is kept is pixels only (no location or camera data), and every flyer
stays small enough to send by e-mail.
"""
from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError
from flask_babel import format_decimal, gettext as _

from confapp.extensions import db
from confapp.models import Event, User
from confapp.services.networks import audit

MAX_COVER_BYTES = 8 * 1024 * 1024
#: A larger source is refused before it is decoded (a small file can claim a huge picture).
MAX_SOURCE_PIXELS = 10_000
#: The long side as stored: sharp at 300 dpi across the A4 flyer's 210 mm band.
STORED_PIXELS = 2_400


class CoverError(ValueError):
    """The upload is not a usable photo; the message says what to do."""


def set_cover(event: Event, data: bytes, actor: User | None) -> None:
    """Check ``data``, store it as the event's cover photo or raise ``CoverError``; audited, commits."""
    event.cover_image, event.cover_image_mime = cleaned_photo(data), "image/jpeg"
    audit.record(actor, "event.cover", f"Titelbild für die Flyer hochgeladen ({len(event.cover_image) // 1024} KB).",
                 event=event)
    db.session.commit()


def remove_cover(event: Event, actor: User | None) -> None:
    event.cover_image = event.cover_image_mime = None
    audit.record(actor, "event.cover", "Titelbild der Flyer entfernt.", event=event)
    db.session.commit()


def cover_of(event: Event) -> tuple[bytes, str] | None:
    return (event.cover_image, event.cover_image_mime) if event.cover_image and event.cover_image_mime else None


def cleaned_photo(data: bytes) -> bytes:
    """``data`` (JPEG or PNG) upright, at most ``STORED_PIXELS`` on its long side, as JPEG."""
    if not data:
        raise CoverError(_("Bitte wählen Sie eine Bilddatei aus."))
    if len(data) > MAX_COVER_BYTES:
        raise CoverError(_("Das Bild ist zu groß: höchstens %(size)s MB.", size=MAX_COVER_BYTES // (1024 * 1024)))
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as error:
        raise CoverError(_("Die Datei ist kein lesbares JPEG- oder PNG-Bild.")) from error
    with image:
        if image.format not in ("JPEG", "PNG"):
            raise CoverError(_("Das Titelbild muss ein JPEG- oder PNG-Bild sein."))
        if max(image.size) > MAX_SOURCE_PIXELS:
            raise CoverError(_("Das Bild ist zu groß: höchstens %(size)s Pixel an der längsten Seite.",
                               size=format_decimal(MAX_SOURCE_PIXELS)))
        try:
            photo = ImageOps.exif_transpose(image).convert("RGB")  # upright, as the camera meant it
            photo.thumbnail((STORED_PIXELS, STORED_PIXELS))
            out = io.BytesIO()
            photo.save(out, "JPEG", quality=85, optimize=True)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
            raise CoverError(_("Die Datei ist kein lesbares JPEG- oder PNG-Bild.")) from error
    return out.getvalue()
