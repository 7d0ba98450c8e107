"""Flyers, certificates and badges as a county prints and publishes them: deadline and QR code on
both flyers, every panel used, tagged PDFs for screen readers, names in other scripts with glyphs."""
from __future__ import annotations


import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from confapp.documents.badges import BadgeData, render_badges
from confapp.documents.layouts import LAYOUTS
from confapp.extensions import db
from confapp.formatting import format_wallclock
from confapp.services.documents import printing as documents
from tests.glyph_helpers import printed_characters
from tests.pdf_helpers import all_text, qr_codes, words

BASE = "http://confapp.test"
PANEL = 99  # mm: A4 landscape in three


@pytest.mark.parametrize("format", ["a4", "dinlang"])
def test_both_flyers_name_the_deadline_and_their_code_opens_the_registration(app_context, demo, format):
    for event in demo[:2]:
        pdf = documents.flyer_pdf(event, format)

        deadline = format_wallclock(event.registration_closes_at, "date")
        assert f"bis {deadline}" in all_text(pdf)
        assert [code.text for code in qr_codes(pdf)] == [f"{BASE}/e/{event.slug}"]


def _reach(found, page: int, left: float, right: float) -> tuple[float, float]:
    inside = [w for w in found if w.page == page and left <= w.left < right]
    assert inside, f"page {page + 1}, {left:.0f}–{right:.0f} mm is empty"
    return min(w.top for w in inside), max(w.bottom for w in inside)


def test_every_flyer_panel_holds_content_from_top_to_well_down(app_context, demo):
    for event in demo[:2]:
        a4 = words(documents.flyer_pdf(event, "a4"))
        for page in (0, 1):
            top, bottom = _reach(a4, page, 0, 210)
            assert top < 30 and bottom > 297 * 0.5, (event.slug, page, top, bottom)
        trifold = words(documents.flyer_pdf(event, "dinlang"))
        for page in (0, 1):
            for panel in range(3):
                top, bottom = _reach(trifold, page, panel * PANEL, (panel + 1) * PANEL)
                assert top < 50 and bottom > 210 * 0.4, (event.slug, page, panel, top, bottom)


def _structure(pdf: bytes) -> tuple[str, set[str]]:
    """The document's language and the kinds of element in its structure tree."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    kinds: set[str] = set()
    pending = [root["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if isinstance(node, dict) or hasattr(node, "keys"):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            children = node.get("/K")
            if children is not None:
                pending.extend(children if isinstance(children, list) else [children])
        elif isinstance(node, list):
            pending.extend(node)
    return str(root.get("/Lang")), kinds


@pytest.mark.parametrize("format", ["a4", "dinlang"])
def test_the_flyer_is_a_tagged_pdf_with_headings_title_and_language(app_context, demo, format):
    pdf = documents.flyer_pdf(demo[0], format)

    language, kinds = _structure(pdf)
    assert language.startswith("de")
    assert {"/H1", "/H2", "/P"} <= kinds
    assert PdfReader(io.BytesIO(pdf)).metadata.title.startswith("Stark für Familien")


def test_certificates_are_tagged_too(app_context, demo):
    pdf = documents.certificates_pdf(demo[0], documents.CertificateBasis.confirmed)

    language, kinds = _structure(pdf)
    assert language.startswith("de") and {"/H1", "/P"} <= kinds


def _noto_installed() -> bool:
    fonts = Path("/usr/share/fonts")
    return any(fonts.rglob("NotoSansCJK*")) and any(fonts.rglob("NotoSansArabic*")) if fonts.exists() else False


@pytest.mark.parametrize("name", ["王秀英", "محمد العلي"])
def test_names_in_chinese_and_arabic_print_with_glyphs(app_context, name):
    # The fallback fonts come from the system (README: fonts-noto-cjk, fonts-noto-core); CI installs them
    # and sets REQUIRE_BROWSER=1, so there a missing font fails instead of skipping.
    if not _noto_installed():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("fonts-noto-cjk / fonts-noto-core are missing")
        pytest.skip("Noto fonts not installed (apt-get install fonts-noto-cjk fonts-noto-core)")
    badge = BadgeData(name, "Jugendamt", "", [], f"{BASE}/c/glyphs")

    pdf = render_badges([badge], LAYOUTS["a4-80x50"], event_title="Stark für Familien", event_date="5. Juni 2024")

    assert set(name.replace(" ", "")) <= printed_characters(pdf)


def test_the_glyph_check_sees_an_empty_box(app_context):
    missing = "\ue000"  # private use: no font has it
    badge = BadgeData(f"Anna {missing}", "Jugendamt", "", [], f"{BASE}/c/glyphs")

    pdf = render_badges([badge], LAYOUTS["a4-80x50"], event_title="T", event_date="D")

    assert "A" in printed_characters(pdf) and missing not in printed_characters(pdf)


def test_the_certificate_names_signer_and_function_and_keeps_date_and_time_together(app_context, demo):
    event = demo[0]
    event.network.signer_name, event.network.signer_function = "Dr. Katrin Hoffmann", "Netzwerkkoordination"
    db.session.commit()

    pdf = documents.certificates_pdf(event, documents.CertificateBasis.confirmed)

    first = [w for w in words(pdf) if w.page == 0]
    text = " ".join(w.text for w in first)
    assert "Dr. Katrin Hoffmann Netzwerkkoordination" in text and "Ort:" in text
    start = next(w for w in first if w.text.startswith("9:00"))
    weekday = next(w for w in first if w.text.startswith(format_wallclock(event.starts_at, "date").split(",")[0]))
    assert abs(start.top - weekday.top) < 1  # date and time on one line
