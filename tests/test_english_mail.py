"""Every e-mail to an attendee who registered in English is English: subject, text and HTML.

The attendees register through the English form; each e-mail is then written out by the function
the service sends it with (``attendee_email``, ``thank_you_email``) or by ``render_email`` with the
context its service passes, in each of the template's branches (confirmed, waitlisted, full
workshops, ranked wishes). A German sentence is found two ways: the catalogue's German sentences
(as for pages in tests/test_english.py) and, for German that never reached the catalogue, German
words, quotes and letters left once the attendee's and the event's own data (German names and
titles) are taken out.
"""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest

from confapp.models import Registration, RegistrationStatus
from confapp.services.feedback.answering import thank_you_email
from confapp.services.mail.outbox import RenderedEmail, render_email
from confapp.services.registration.change import attendee_email
from confapp.services.registration.lookup import manage_url
from tests.conftest import post_form
from tests.registration_support import form_data, make_event, registration_of
from tests.test_english import _german_sentences

EMAILS = Path(__file__).resolve().parent.parent / "templates" / "emails"
#: E-mails to people who are not attendees (partner contacts, organisers): written in German.
NOT_TO_ATTENDEES = {"invitation", "password_reset", "role_granted", "team_invitation"}

#: Words that are German and never English (no "die", "an", "so", "was": English has them too).
GERMAN_WORDS = {
    "guten", "tag", "sie", "ihre", "ihr", "ihren", "ihrer", "ihnen", "und", "der", "das", "den", "dem",
    "des", "ist", "sind", "nicht", "für", "mit", "zu", "zur", "zum", "von", "bei", "wir", "uns", "uhr",
    "bitte", "anmeldung", "wahl", "grüßen", "freundlichen", "über", "eine", "einen", "ein", "einem",
    "auf", "sich", "wird", "werden", "nach", "dieser", "diese", "dieses", "jetzt", "geändert", "gespeichert",
    "voll", "warteliste", "sobald", "platz", "frei", "termin", "kalender", "finden", "anhang", "unten",
    "können", "oder", "stornieren", "ändern", "angaben", "früher", "verschickter", "gilt", "mehr",
    "läuft", "veranstaltung", "wann", "wo", "einrichtung", "träger", "arbeitsfeld", "wünschen",
    "zugeteilt", "erfahren", "welchen", "besuchen", "aktualisierten", "danke", "vielen", "dank",
}
GERMAN_MARKS = re.compile(r"[„äöüÄÖÜß]")
URLS = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+")


def _data_of(registration: Registration) -> list[str]:
    """The attendee's and the event's own values: German data, not German text of the e-mail."""
    event = registration.event
    values = [event.title, event.subtitle or "", event.venue_name or "", event.venue_address or "",
              event.network.name, registration.full_name, registration.organisation or "", registration.sector or ""]
    for slot in event.slots:
        values.append(slot.label)
        for item in slot.items:
            values.append(item.title)
            if item.room is not None:
                values.append(item.room.name)
    return sorted((v for v in values if v), key=len, reverse=True)


def german_in(text: str, data: list[str]) -> list[str]:
    """German sentences, words or marks in an e-mail part (HTML tags, links and the data taken out)."""
    text = unescape(re.sub(r"<[^>]+>", " ", text))
    text = URLS.sub(" ", text)
    for value in data:
        text = text.replace(value, " ")
    text = " ".join(text.split())
    found = [sentence for sentence in _german_sentences() if sentence in text]
    found += sorted({word for word in re.findall(r"[^\W\d_]+", text) if word.lower() in GERMAN_WORDS})
    found += sorted(set(GERMAN_MARKS.findall(text)))
    return found


def _register_in_english(client, event, number: int) -> Registration:
    client.get("/sprache/en")
    response = post_form(client, f"/e/{event.slug}/anmelden", form_data(event, number))
    assert response.status_code == 302
    registration = registration_of(f"anna{number}@example.org")
    assert registration.language == "en"
    return registration


@pytest.fixture
def english(app, client, app_context):
    """English registrations: one with a seat, one on the event's waitlist (direct mode, one seat),
    one with ranked wishes."""
    direct = make_event("fachtag", mode="direct", capacity=1, workshop_capacity=1)
    ranked = make_event("forum", mode="ranked")
    seated = _register_in_english(client, direct, 1)
    waiting = _register_in_english(client, direct, 2)
    wishing = _register_in_english(client, ranked, 3)
    assert seated.status == RegistrationStatus.confirmed and seated.assignments
    assert waiting.status == RegistrationStatus.waitlisted
    return SimpleNamespace(seated=seated, waiting=waiting, wishing=wishing)


def _first_workshop(registration: Registration):
    return registration.event.choice_slots[0].choice_items[0]


def _emails(people) -> dict[str, list[tuple[Registration, RenderedEmail]]]:
    """Every attendee e-mail in each of its branches, as its service writes it."""
    seated, waiting, wishing = people.seated, people.waiting, people.wishing
    workshop = _first_workshop(seated)
    ranked_slot = wishing.event.choice_slots[0]
    return {
        "registered": [(seated, attendee_email(seated, "registered", waiting=[workshop])),
                       (waiting, attendee_email(waiting, "registered", waiting=[])),
                       (wishing, attendee_email(wishing, "registered", waiting=[]))],
        "already_registered": [(seated, render_email(
            "already_registered", seated.email, event=seated.event, registration=seated,
            manage_url=manage_url(seated)))],
        "choices_changed": [(seated, attendee_email(seated, "choices_changed", waiting=[workshop])),
                            (wishing, attendee_email(wishing, "choices_changed", waiting=[])),
                            (waiting, attendee_email(waiting, "choices_changed", waiting=[]))],
        "address_changed": [(seated, attendee_email(seated, "address_changed")),
                            (waiting, attendee_email(waiting, "address_changed"))],
        "cancelled": [(seated, attendee_email(seated, "cancelled", had_seat=True)),
                      (waiting, attendee_email(waiting, "cancelled", had_seat=False))],
        "promoted": [(seated, attendee_email(seated, "promoted", items=[workshop])),
                     (seated, attendee_email(seated, "promoted", items=[]))],
        "assignment": [(wishing, render_email(
            "assignment", wishing.email, event=wishing.event, registration=wishing,
            seats=[(ranked_slot, ranked_slot.choice_items[0])]))],
        "materials_online": [(seated, render_email(
            "materials_online", seated.email, event=seated.event, registration=seated,
            manage_url=manage_url(seated),
            materials=[SimpleNamespace(title="Slides", program_item=workshop),
                       SimpleNamespace(title="Handout", program_item=None)]))],
        "feedback_thanks": [(seated, thank_you_email(seated))],
    }


def test_every_e_mail_to_an_english_attendee_has_no_german(english):
    emails = _emails(english)
    templates = {path.name.removesuffix(".subject.txt") for path in EMAILS.glob("*.subject.txt")}
    assert set(emails) == templates - NOT_TO_ATTENDEES, "a new attendee e-mail: add it to _emails"
    found = {}
    for name, emails in emails.items():
        for number, (registration, email) in enumerate(emails):
            data = _data_of(registration)
            for part, text in (("subject", email.subject), ("text", email.text), ("html", email.html or "")):
                german = german_in(text, data)
                if german:
                    found[f"{name}[{number}].{part}"] = german[:6]
    assert not found, "German in English e-mails:\n" + "\n".join(f"{part}: {german}" for part, german in found.items())


def test_the_detector_finds_the_german_of_a_german_e_mail(english):
    """The same e-mails in German are caught: the test above can fail."""
    english.seated.language = "de"
    email = attendee_email(english.seated, "choices_changed", waiting=[])
    assert "Guten" in german_in(email.text, _data_of(english.seated))
    assert "Guten" in german_in(email.html, _data_of(english.seated))
    assert german_in(email.subject, _data_of(english.seated))
