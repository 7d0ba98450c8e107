"""A cover photo behind both flyers' title: uploaded on the documents page, cleaned, printed, removed."""
from __future__ import annotations

import io
import re

import pytest
import pypdfium2
from PIL import Image, ImageStat
from pypdf import PdfReader

from confapp.extensions import db
from confapp.models import AuditEntry, Event, EventStatus
from confapp.services.documents import printing as documents
from tests.conftest import csrf_token, sign_in
from tests.manage_helpers import ANHALT, BASE, event_named
from tests.pdf_helpers import all_text, qr_codes

PAGE = f"{BASE}/dokumente"


def photo(size=(3000, 2000), format="JPEG", exif=None) -> bytes:
    image = Image.new("RGB", size, (180, 140, 90))
    for x in range(0, size[0], 200):  # something to see
        image.paste((40, 90, 160), (x, 0, x + 100, size[1]))
    out = io.BytesIO()
    image.save(out, format, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def cover_variation(pdf: bytes, format: str) -> float:
    """How much the colour varies where the title sits (the A4 band, the DIN lang cover panel): a
    flat accent colour with white letters, or a photo showing through the veil."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=30 / 72).to_pil().convert("L")
    width, height = image.size
    if format == "dinlang":  # the rightmost third, between the subtitle and the date
        box = (width * 2 // 3, int(height * 0.55), width, int(height * 0.7))
    else:  # the band's left margin, beside the title
        box = (0, 0, width // 16, height // 5)
    return ImageStat.Stat(image.crop(box)).stddev[0]


def upload(client, data: bytes, name: str = "foto.jpg"):
    page = client.get(PAGE).get_data(as_text=True)
    return client.post(f"{PAGE}/titelbild", data={"csrf_token": csrf_token(page), "cover": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize("format", ["a4", "dinlang"])
def test_a_cover_photo_prints_behind_the_title_and_goes_again(client, demo, app_context, format):
    event = event_named()
    before = documents.flyer_pdf(event, format)
    sign_in(client, ANHALT)
    gps = Image.Exif()
    gps[0x8825] = {2: (52.0, 30.0, 0.0)}  # where the photo was taken: must not be kept
    answer = upload(client, photo(exif=gps))
    assert "Das Titelbild ist gespeichert" in answer.get_data(as_text=True)
    db.session.commit()  # see what the request committed
    stored = db.session.get(Event, event.id)
    with Image.open(io.BytesIO(stored.cover_image)) as kept:
        assert max(kept.size) == 2400 and kept.format == "JPEG" and not kept.getexif()
    assert db.session.query(AuditEntry).filter_by(action="event.cover").count() == 1

    pdf = documents.flyer_pdf(stored, format)
    assert cover_variation(before, format) < 1 < cover_variation(pdf, format)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(PdfReader(io.BytesIO(before)).pages)
    assert all_text(pdf) == all_text(before)  # the photo hides nothing
    assert [code.text for code in qr_codes(pdf)] == [code.text for code in qr_codes(before)]

    page = client.get(PAGE).get_data(as_text=True)
    assert "Ein Titelbild ist hinterlegt." in page
    removed = client.post(f"{PAGE}/titelbild/entfernen", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Das Titelbild ist entfernt." in removed.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(Event, event.id).cover_image is None


def test_what_is_no_photo_is_refused_in_german_and_changes_nothing(client, demo, app_context):
    sign_in(client, ANHALT)
    for data, name, message in [
            (b"%PDF-1.4 not a photo", "foto.jpg", "kein lesbares JPEG- oder PNG-Bild"),
            (photo(format="GIF"), "foto.gif", "muss ein JPEG- oder PNG-Bild sein"),
            (photo(size=(12_000, 100), format="PNG"), "panorama.png", "höchstens 10.000 Pixel"),
            (b"\xff\xd8" + b"x" * (8 * 1024 * 1024 + 1), "riesig.jpg", "höchstens 8 MB"),
            (b"", "leer.jpg", "Bitte wählen Sie eine Bilddatei aus.")]:
        answer = upload(client, data, name)
        assert answer.status_code == 422 and message in answer.get_data(as_text=True), name
    db.session.commit()
    assert event_named().cover_image is None
    assert client.post(f"{PAGE}/titelbild", data={}, content_type="multipart/form-data").status_code == 400  # no CSRF token


def test_an_organiser_of_another_network_cannot_set_the_cover(other_client, demo, app_context):
    from tests.manage_helpers import MAGDEBURG
    sign_in(other_client, MAGDEBURG)
    page = other_client.get("/manage/").get_data(as_text=True)
    answer = other_client.post(f"{PAGE}/titelbild", data={"csrf_token": csrf_token(page),
                                                          "cover": (io.BytesIO(photo()), "foto.jpg")},
                               content_type="multipart/form-data")
    assert answer.status_code == 404
    db.session.commit()
    assert event_named().cover_image is None


def test_the_event_page_shows_the_cover_photo_too(client, other_client, demo, app_context):
    anonymous_client = other_client  # never signed in
    assert 'class="event-cover"' not in anonymous_client.get(f"/e/{event_named().slug}").get_data(as_text=True)
    assert anonymous_client.get(f"/e/{event_named().slug}/titelbild").status_code == 404
    sign_in(client, ANHALT)
    upload(client, photo())

    page = anonymous_client.get(f"/e/{event_named().slug}").get_data(as_text=True)
    source = re.search(r'<img class="event-cover" src="([^"]+)" alt=""', page).group(1)
    picture = anonymous_client.get(source)
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(picture.data)) as shown:
        assert shown.format == "JPEG"
    assert anonymous_client.get(source, headers={"If-None-Match": picture.headers["ETag"]}).status_code == 304
    draft = event_named()
    draft.status = EventStatus.draft
    db.session.commit()
    assert anonymous_client.get(source).status_code == 404  # only published events show it


def test_a_copy_for_next_year_keeps_the_cover_photo(client, demo, app_context):
    from datetime import date
    from confapp.services.events.editor import duplicate_event
    from confapp.models import User
    sign_in(client, ANHALT)
    upload(client, photo())
    db.session.commit()
    original = event_named()
    copy = duplicate_event(db.session.scalar(db.select(User).filter_by(email=ANHALT)), original,
                           "stark-fuer-familien-2028", "Stark für Familien 2028", date(2028, 1, 26))
    db.session.commit()
    assert copy.cover_image == original.cover_image and copy.cover_image_mime == "image/jpeg"
