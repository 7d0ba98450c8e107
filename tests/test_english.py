"""English as a complete second language: every message translated, every page English, e-mails too.

German is the source language (the msgids); the English catalogue lives in confapp/translations/en.
"""
import gettext
import io
import re
from html import unescape
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT
from tests.registration_support import form_data, make_event, plain, registration_of
from tests.test_accessibility_sweep import _pages
from tests.test_manage_access import management_urls

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "confapp/translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _catalogue():
    with PO.open("rb") as po:
        return read_po(po, locale="en")


def _extracted() -> set:
    """Every msgid in the sources, as `make translations` extracts them (babel.cfg's method map)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_sources_has_an_english_translation():
    catalogue = _catalogue()
    missing = []
    for msgid in sorted(_extracted()):
        message = catalogue.get(msgid)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not all(strings):
            missing.append(msgid)
    assert not missing, ("run `make translations` and translate in messages.po:\n"
                         + "\n".join(missing[:40]))


def test_translations_keep_their_placeholders():
    for message in _catalogue():
        if message.id and isinstance(message.id, str) and message.string:
            assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


def test_the_committed_mo_file_is_compiled_from_the_po_file():
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog
    with MO.open("rb") as mo:
        committed = gettext.GNUTranslations(mo)._catalog
    stale = sorted(str(key) for key in set(expected) ^ set(committed)
                   | {key for key in set(expected) & set(committed) if expected[key] != committed[key]})
    assert not stale, "run `make translations` (pybabel compile) and commit the .mo:\n" + "\n".join(stale[:20])


# --- Pages in English -----------------------------------------------------------------------

def _german_sentences() -> list[str]:
    """Literal runs of at least three words from the msgids (placeholders split them)."""
    sentences = set()
    for message in _catalogue():
        if not message.id:
            continue
        for msgid in (message.id,) if isinstance(message.id, str) else message.id:
            for part in PLACEHOLDER.split(msgid):
                part = part.strip(" .,:;–-()„“")
                if len(part.split()) >= 3:
                    sentences.add(part)
    return sorted(sentences, key=len, reverse=True)


#: The audit log shows summaries stored in German when the action happened (issue 19 gives them
#: one German/English mapping separately); they are data, like event titles.
STORED_TEXT = ("/protokoll",)


def _german_on(client, urls: list[str]) -> dict[str, list[str]]:
    sentences = _german_sentences()
    found = {}
    for url in urls:
        if url.endswith(STORED_TEXT):
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert '<html lang="en"' in html, url
        html = re.sub(r'<div class="legal-text" lang="de">.*?</div>', " ", html, flags=re.S)  # German only, marked
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        german = [sentence for sentence in sentences if sentence in text]
        if german:
            found[url] = german[:5]
    return found


def test_every_public_page_in_english_has_no_german_sentence(app, client, demo):
    client.get("/sprache/en")
    urls = _pages(app, ("/e/", "/n/")) + ["/"]
    assert _german_on(client, urls) == {}


def test_every_back_office_and_door_page_in_english_has_no_german_sentence(app, client, demo):
    urls = management_urls(app, "GET") + _pages(app, ("/checkin",))
    client.get("/sprache/en")
    sign_in(client, ANHALT)
    assert _german_on(client, urls) == {}


def test_a_first_visit_follows_the_browser_language_and_the_switch_wins(client, demo):
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="de"' in client.get("/", headers={"Accept-Language": "fr, de;q=0.5"}).get_data(as_text=True)
    client.get("/sprache/de")
    assert '<html lang="de"' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_error_pages_are_english_too(client, demo):
    client.get("/sprache/en")
    missing = client.get("/e/gibt-es-nicht")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)


# --- E-mails in the attendee's language ------------------------------------------------------

def test_registering_in_english_sends_an_english_confirmation(app, client, app_context):
    event = make_event()
    client.get("/sprache/en")
    response = post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 1))
    assert response.status_code == 302
    assert registration_of("anna1@example.org").language == "en"
    message = outbox_messages(app)[-1]
    text = plain(message)
    assert message["Subject"] == "Registration confirmed: Fachtag Kinderschutz"
    # The first e-mail to an address nobody confirmed yet greets neutrally (no name typed by a stranger).
    assert text.startswith("Hello,") and "Your place is confirmed." in text
    assert "Uhr" not in text and "Guten Tag" not in text and "Veranstaltung" not in text
    assert 'lang="en"' in message.get_body(("html",)).get_content()


def test_a_german_registration_keeps_german_e_mails_whatever_the_organiser_reads(app, client, app_context):
    event = make_event()
    post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 2))
    assert registration_of("anna2@example.org").language == "de"
    text = plain(outbox_messages(app)[-1])
    assert text.startswith("Guten Tag,") and "Uhr" in text
