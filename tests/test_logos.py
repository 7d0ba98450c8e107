"""Network logos: only real PNG, JPEG or clean SVG images are stored, and they show on the documents."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from confapp.documents.render import STATIC_DIR
from tests.pdf_helpers import record_fetches
from confapp.extensions import db
from confapp.services.documents import printing as documents
from confapp.services.networks.logos import MAX_LOGO_BYTES, LogoError, clean_svg, set_logo

HOSTILE_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  width="40" height="20" onload="alert(1)">
  <script>alert(1)</script>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <image xlink:href="http://127.0.0.1:9/pixel.png" width="10" height="10"/>
  <use href="http://127.0.0.1:9/sprite.svg#a"/>
  <foreignObject><link xmlns="http://www.w3.org/1999/xhtml" href="http://127.0.0.1:9/x.css"/></foreignObject>
  <style>@import url(http://127.0.0.1:9/x.css);</style>
  <rect width="40" height="20" fill="#1d4f6e" style="fill: url(http://127.0.0.1:9/p)"/>
  <circle cx="10" cy="10" r="5" fill="url(#local)"/>
</svg>"""


#: What WeasyPrint's SVG renderer would try to load if nothing stopped it.
FETCHING_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">
  <rect width="40" height="20" fill="#1d4f6e"/>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <image xlink:href="http://127.0.0.1:9/pixel.png" width="10" height="10"/>
</svg>"""


def png(width: int = 60, height: int = 30, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 79, 110)).save(out, fmt)
    return out.getvalue()


def images_on_first_page(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_a_png_logo_is_stored_and_printed_on_the_flyer(demo):
    event = demo[0]
    without = documents.flyer_pdf(event)
    set_logo(event.network, png())

    assert event.network.logo_mime == "image/png"
    assert images_on_first_page(without) == 0
    assert images_on_first_page(documents.flyer_pdf(event)) == 1


def test_a_jpeg_logo_is_stored_as_jpeg(demo):
    set_logo(demo[0].network, png(fmt="JPEG"))
    assert demo[0].network.logo_mime == "image/jpeg"
    assert Image.open(io.BytesIO(demo[0].network.logo)).format == "JPEG"


@pytest.mark.parametrize("data, message", [
    (b"", "Bilddatei"),
    (b"GIF89a" + b"\0" * 100, "kein lesbares"),
    (png()[:40], "kein lesbares"),
    (b"%PDF-1.7 not a logo", "kein lesbares"),
    (b"x" * (MAX_LOGO_BYTES + 1), "zu groß"),
    (png(4100, 10), "Pixel"),
    (b"<html><body>no svg</body></html>", "kein SVG"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     "DOCTYPE"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "fehlerhaft"),
])
def test_unusable_uploads_are_refused_with_a_german_reason(demo, data, message):
    network = demo[0].network
    with pytest.raises(LogoError, match=message):
        set_logo(network, data)
    db.session.refresh(network)
    assert network.logo is None


def test_an_svg_logo_keeps_its_drawing_and_loses_everything_that_could_fetch_or_run():
    cleaned = clean_svg(HOSTILE_SVG).decode()

    for gone in ("script", "onload", "etc/passwd", "127.0.0.1", "foreignObject", "@import", "<image"):
        assert gone not in cleaned
    assert "<rect" in cleaned and 'fill="#1d4f6e"' in cleaned and "url(#local)" in cleaned


def test_even_an_uncleaned_svg_logo_makes_the_render_fetch_nothing(demo, monkeypatch, tmp_path):
    event = demo[0]
    event.network.logo, event.network.logo_mime = FETCHING_SVG, "image/svg+xml"
    db.session.commit()
    fetched = record_fetches(monkeypatch, tmp_path)

    documents.flyer_pdf(event)
    requested = fetched()

    outside = [url for url in requested if not url.startswith((STATIC_DIR.as_uri() + "/fonts/", "confapp-generated:"))]
    assert outside and all(url.startswith(("file:///etc", "http://127.0.0.1")) for url in outside)
    # ...and each of them was refused: nothing but fonts and the logo itself was served.
    served = [url for url in requested if url not in outside]
    assert set(served) <= {STATIC_DIR.as_uri() + "/fonts/DejaVuSans.ttf", STATIC_DIR.as_uri() + "/fonts/DejaVuSans-Bold.ttf",
                           "confapp-generated:logo"}


def test_logo_cli_sets_and_removes_the_logo(demo, cli, tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(png())

    assert cli.invoke(args=["logo", "anhalt-bitterfeld", str(path)]).exit_code == 0
    assert demo[0].network.logo is not None
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    refused = cli.invoke(args=["logo", "anhalt-bitterfeld", str(bad)])
    assert refused.exit_code != 0 and "kein lesbares" in refused.output
    assert cli.invoke(args=["logo", "anhalt-bitterfeld", "--remove"]).exit_code == 0
    db.session.refresh(demo[0].network)
    assert demo[0].network.logo is None
