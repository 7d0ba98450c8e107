"""The smaller privacy findings: invisible characters in names, audit gaps, caching, tokens in
exports, and what anyone can make the network e-mail to any address."""
import json
import re

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import AuditEntry, RegistrationHistory
from tests.conftest import csrf_token, outbox_messages, post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, DOOR, EVENT, registrations_of
from tests.registration_support import form_data, make_event, registration_of


def actions() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_bidi_overrides_and_invisible_characters_never_reach_a_badge(client, app, app_context):
    event = make_event()
    data = form_data(event, 1, first_name="An\u200bna\u00ad", last_name="Mus\u2066ter\u2069\u202e",
                     organisation="Kita \u202egro.live\u202c  Sonnen\u200dschein\n")
    assert post_form(client, f"/e/{event.slug}/anmelden", data).status_code == 302
    person = registration_of("anna1@example.org")
    assert (person.first_name, person.last_name, person.organisation) == ("Anna", "Muster", "Kita gro.live Sonnenschein")

    only_invisible = post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 2, first_name="\u200b\u202e"))
    assert only_invisible.status_code == 422 and "Bitte geben Sie Ihren Vornamen an." in only_invisible.get_data(as_text=True)

    api = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "first_name": "Eva\u202e", "last_name": "Bei\u200bspiel", "email": "eva@example.org",
        "organisation": "Jugend\u2067amt", "sector": "Kita", "privacy_consent": True,
        "choices": [{"slot_id": slot.id, "item_ids": [slot.choice_items[0].id]} for slot in event.choice_slots]})
    assert api.status_code in (201, 202), api.get_data(as_text=True)
    person = registration_of("eva@example.org")
    assert (person.first_name, person.last_name, person.organisation) == ("Eva", "Beispiel", "Jugendamt")


def test_api_tokens_logos_and_personal_data_pdfs_are_audited(client, demo, app_context):
    sign_in(client, ANHALT)
    page = "/manage/n/anhalt-bitterfeld/api-tokens"
    html = post_form(client, page, {"name": "Website", "scope": "read"}).get_data(as_text=True)
    listing = client.get(page).get_data(as_text=True)
    revoke = re.search(r'action="(/manage/n/anhalt-bitterfeld/api-tokens/\d+/widerrufen)"', listing).group(1)
    client.post(revoke, data={"csrf_token": csrf_token(listing)})
    assert client.get(f"{BASE}/dokumente/teilnehmerlisten.pdf").status_code == 200
    assert client.get(f"{BASE}/dokumente/teilnahmebescheinigungen.pdf?basis=confirmed").status_code == 200

    logged = actions()
    assert "cfa_" in html
    for action in ("api_token.created", "api_token.revoked", "document.sign_in_sheets", "document.certificates"):
        assert action in logged, action
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api_token.created")).one()
    assert entry.actor == ANHALT and "Website" in entry.summary and "cfa_" in entry.summary  # the prefix only


def test_pages_with_personal_data_are_not_stored_by_caches(client, app, demo, app_context):
    person = registrations_of()[0]
    assert "no-store" not in client.get(f"/e/{EVENT}").headers.get("Cache-Control", "")
    manage_link = client.get(f"/e/{EVENT}/anmeldung/{person.manage_token}")
    assert manage_link.status_code == 200 and manage_link.headers["Cache-Control"] == "no-store"
    sign_in(client, ANHALT)
    for url in (f"{BASE}/anmeldungen", f"{BASE}/anmeldungen/{person.id}", f"{BASE}/", "/manage/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    sign_in(client, DOOR)
    assert client.get(f"/checkin/{EVENT}/").headers["Cache-Control"] == "no-store"


def test_the_organisers_art_15_export_holds_no_live_private_link(client, demo, app_context):
    person = registrations_of()[0]
    sign_in(client, ANHALT)
    text = client.get(f"{BASE}/anmeldungen/{person.id}/auskunft.json").get_data(as_text=True)
    data = json.loads(text)
    assert data["registration"]["email"] == person.email
    assert person.manage_token not in text and person.badge_token not in text
    assert client.get(f"/e/{EVENT}/anmeldung/{person.manage_token}").status_code == 200  # the link still works


def test_the_first_email_to_an_unconfirmed_address_is_neutral_and_cannot_be_repeated_at_will(client, app, app_context):
    event = make_event()
    with_link = post_form(client, f"/e/{event.slug}/anmelden",
                          form_data(event, 1, first_name="Konto gesperrt", last_name="bitte evil-bank.example"))
    assert with_link.status_code == 422 and "ohne Internet- oder E-Mail-Adresse" in with_link.get_data(as_text=True)
    assert outbox_messages(app) == []

    for _ in range(6):  # the same address again and again: the page is the same each time
        response = post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 1))
        assert response.status_code == 302
    messages = outbox_messages(app)
    assert len(messages) == 1 + 3  # the confirmation, then the manage link at most 3 times a day
    text = messages[0].get_body(("plain",)).get_content()
    assert text.startswith("Guten Tag,\n") and "nicht selbst angemeldet" in text
    person = registration_of("anna1@example.org")
    assert db.session.query(RegistrationHistory).filter_by(registration_id=person.id,
                                                           action="link_resent").count() == 3
