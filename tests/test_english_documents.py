"""Printed documents downloaded by an organiser who works in English are English.

The organiser switches the back office to English and downloads, as a browser would, the flyers
(A4 and DIN lang) of both demo events (talks and workshops; rounds of theme tables), the badges,
sign-in sheets, certificates and the three needs lists. The text read back from each PDF must
hold no German sentence of the catalogue and no German word or letter once the event's and the
attendees' own values (German names, titles, rooms, notes) are taken out: the detector is the
one the English e-mails are checked with (tests/test_english_mail.py).
"""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from confapp.documents.flyer import FORMATS, shorten
from confapp.extensions import db
from confapp.models import Event, Registration
from tests.conftest import sign_in
from tests.manage_helpers import ANHALT, MAGDEBURG
from tests.pdf_helpers import all_text
from tests.print_helpers import newest_run_pdf, prepare_badges
from tests.test_documents import assign_round_robin, confirmed
from tests.test_english_mail import URLS, german_in


#: German words of printed documents that the e-mail detector's list does not have (never English).
DOCUMENT_WORDS = {
    "namensschilder", "teilnahmebescheinigung", "teilnahmebescheinigungen", "teilnehmerliste", "teilnehmerlisten",
    "unterschrift", "netzwerkkoordination", "veranstalter", "fragen", "thementische", "runde", "bis", "seite",
    "stand", "verpflegung", "anzahl", "insgesamt", "angabe", "niemand", "keine", "plätze", "begrenzt",
    "datum", "inhalte", "programm", "vorträge", "kontakt", "vegetarisch", "ohne", "andere",
}


def _data_of(event: Event) -> list[str]:
    """The event's, its network's and its attendees' own values: German data, not German text of a document."""
    network = event.network
    values = [event.title, event.subtitle or "", event.description or "", event.venue_name or "",
              event.venue_address or "", network.name, network.contact or "", network.signer_name or "",
              network.signer_function or ""]
    # The flyer prints abstracts shortened to fit ("… ").
    limits = {limit for shape in FORMATS.values() for limit, _scale in shape.steps}
    for slot in event.slots:
        # The flyer lists rounds of the same theme tables once, under the label without its round.
        values += [slot.label, slot.label.rsplit(" – ", 1)[0]]
        for item in slot.items:
            values += [item.title, item.room.name if item.room else ""]
            values += [speaker.name for speaker in item.speakers]
            values += [shorten(item.abstract or "", n) for limit in limits for n in (limit, 2 * limit)]
    details = set()
    for registration in db.session.scalars(select(Registration).where(Registration.event_id == event.id)):
        values += [registration.full_name, registration.diet or "", registration.access_needs or ""]
        details |= {_joined(registration.organisation or ""), _joined(registration.sector or "")}
    values = {_joined(value) for value in values + list(details)}
    # Badges shorten a long organisation or sector to fit ("Gesundheitswesen (Ärzt*innen …").
    shortened = {value[:end].rstrip(" ,;") + mark for value in details for end in range(1, len(value))
                 if value[end] == " " or value[end - 1] == "-" for mark in (" …", "…")}
    return sorted(values - {""}, key=len, reverse=True) + sorted(shortened, key=len, reverse=True)


def _joined(text: str) -> str:
    """White space as one space, and a word split after its hyphen at a line's end joined again."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(text.split()))


def _title(pdf: bytes) -> str:
    """The document title a PDF viewer and a screen reader show (from the template's <title>)."""
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    return (metadata.title or "") if metadata else ""


def _german(pdf: bytes, event: Event) -> list[str]:
    """German sentences, words and letters in a PDF's text and title, the event's own values taken out."""
    text = URLS.sub(" ", _joined(_title(pdf) + " " + all_text(pdf)))
    for value in _data_of(event):
        text = text.replace(value, " ")
    found = german_in(text, [])
    return found + sorted({word for word in re.findall(r"[^\W\d_]+", text) if word.lower() in DOCUMENT_WORDS})


@pytest.fixture
def english_organiser(client, demo):
    """The demo with workshops assigned, signed in as the Anhalt-Bitterfeld organiser with the English UI."""
    stark, forum = demo[0], demo[1]
    assign_round_robin(stark)
    people = confirmed(stark)
    assert len(people) >= 3
    people[0].photo_consent = False  # someone on the photographer's list
    db.session.commit()
    client.get("/sprache/en")
    sign_in(client, ANHALT)
    assert '<html lang="en"' in client.get("/manage/e/stark-fuer-familien/dokumente").get_data(as_text=True)
    return stark, forum


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", url
    return response.data


@pytest.mark.parametrize("format", ["a4", "dinlang"])
def test_the_flyers_in_english_have_no_german(client, other_client, english_organiser, format):
    stark, forum = english_organiser
    pdf = _download(client, f"/manage/e/{stark.slug}/dokumente/flyer-{format}.pdf")
    assert "Programme" in all_text(pdf)
    assert _german(pdf, stark) == []

    # The forum's theme tables, in rounds, belong to another network and its organiser.
    other_client.get("/sprache/en")
    sign_in(other_client, MAGDEBURG)
    pdf = _download(other_client, f"/manage/e/{forum.slug}/dokumente/flyer-{format}.pdf")
    assert "Programme" in all_text(pdf)
    assert _german(pdf, forum) == []


def test_badges_sign_in_sheets_and_certificates_in_english_have_no_german(client, english_organiser):
    stark, _forum = english_organiser
    page = f"/manage/e/{stark.slug}/dokumente"

    assert prepare_badges(client, page).status_code == 303
    badges = newest_run_pdf(client, page)
    assert badges.status_code == 200 and badges.mimetype == "application/pdf"
    sheets = _download(client, f"{page}/teilnehmerlisten.pdf")
    certificates = _download(client, f"{page}/teilnahmebescheinigungen.pdf?basis=confirmed")

    assert "No photos" in all_text(badges.data)
    assert "Signature" in all_text(sheets)
    assert "Certificate of attendance" in all_text(certificates)
    found = {name: _german(pdf, stark) for name, pdf in
             (("badges", badges.data), ("sign-in sheets", sheets), ("certificates", certificates))}
    assert found == {"badges": [], "sign-in sheets": [], "certificates": []}


@pytest.mark.parametrize("kind", ["verpflegung", "barrierefreiheit", "fotos"])
def test_the_needs_lists_in_english_have_no_german(client, english_organiser, kind):
    stark, _forum = english_organiser
    pdf = _download(client, f"/manage/e/{stark.slug}/listen/{kind}.pdf")
    assert _german(pdf, stark) == []
