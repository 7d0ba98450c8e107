"""Legal pages: German defaults from the network's data, organisers' own wording, consent records."""
import pytest
from sqlalchemy.exc import IntegrityError

from confapp.extensions import db
from confapp.models import ConsentRecord, ItemKind, LegalKind, LegalText, Registration
from confapp.services.privacy import legal


def test_privacy_notice_names_the_art_13_items(client, demo):
    html = client.get("/e/stark-fuer-familien/datenschutz").get_data(as_text=True)
    for item in ("Wer ist verantwortlich?", "Datenschutzbeauftragte", "Wozu verarbeiten wir", "Rechtsgrundlage",
                 "Wer erhält Ihre Daten?", "Wie lange speichern wir", "Welche Rechte", "Beschwerde"):
        assert item in html
    assert "Lokales Netzwerk Kinderschutz Anhalt-Bitterfeld" in html
    assert "Stark für Familien" in html


def test_every_public_page_links_the_legal_pages(client, demo):
    for path in ("/", "/e/stark-fuer-familien", "/e/stark-fuer-familien/datenschutz"):
        html = client.get(path).get_data(as_text=True)
        assert "/n/anhalt-bitterfeld/impressum" in html and "/n/anhalt-bitterfeld/barrierefreiheit" in html
    event_page = client.get("/e/stark-fuer-familien").get_data(as_text=True)
    assert "/e/stark-fuer-familien/datenschutz" in event_page and "/e/stark-fuer-familien/leichte-sprache" in event_page


@pytest.mark.parametrize("path, expected", [
    ("/n/anhalt-bitterfeld/impressum", "Impressum"),
    ("/n/magdeburg/barrierefreiheit", "Barrieren melden"),
    ("/e/netzwerkforum-magdeburg/leichte-sprache", "Die Veranstaltung heißt: Netzwerkforum Kinderschutz Magdeburg."),
])
def test_legal_pages_have_german_defaults(client, demo, path, expected):
    response = client.get(path)
    assert response.status_code == 200 and expected in response.get_data(as_text=True)


def test_unknown_networks_answer_404(client, demo):
    assert client.get("/n/unbekannt/impressum").status_code == 404


def test_organisers_own_wording_replaces_the_default_and_is_escaped(client, demo, app_context):
    network = demo[0].network
    legal.save_legal_text(network, LegalKind.imprint, "## Anbieter\nLandkreis <script>alert(1)</script>", "org@example.org")
    db.session.commit()
    html = client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)
    assert "<h2>Anbieter</h2>" in html and "&lt;script&gt;" in html and "<script>alert" not in html

    legal.save_legal_text(network, LegalKind.imprint, "   ", "org@example.org")
    db.session.commit()
    assert "Vertretungsberechtigt" in client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)


def test_one_text_per_network_and_kind_is_kept_by_the_database(demo, app_context):
    network = demo[0].network
    db.session.add_all([LegalText(network_id=network.id, kind=LegalKind.imprint, body="a"),
                        LegalText(network_id=network.id, kind=LegalKind.imprint, body="b")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_consent_records_the_version_of_the_notice_agreed_to(demo, app_context):
    event = demo[0]
    registration = db.session.query(Registration).filter_by(event_id=event.id).first()
    first = legal.record_consent(registration, "privacy")
    legal.save_legal_text(event.network, LegalKind.privacy, "## Neu\nGeänderte Hinweise", "org@example.org", event)
    second = legal.record_consent(registration, "privacy")
    db.session.commit()
    assert first.text_version != second.text_version
    assert second.text_version == legal.legal_page(event.network, LegalKind.privacy, event).version
    assert db.session.query(ConsentRecord).count() == 2


def test_easy_language_page_follows_the_program_and_the_visitors_language(client, demo, app_context):
    path = "/e/netzwerkforum-magdeburg/leichte-sprache"
    with client.session_transaction() as cookie:
        cookie["lang"] = "en"
    assert "Uhr" not in client.get(path).get_data(as_text=True)
    with client.session_transaction() as cookie:
        cookie["lang"] = "de"
    page = client.get(path).get_data(as_text=True)
    assert "Uhr" in page and "kleine Gruppen" in page

    event = next(event for event in demo if event.slug == "netzwerkforum-magdeburg")
    for slot in event.slots:
        for item in slot.items:
            item.kind = ItemKind.talk
    db.session.commit()
    assert "kleine Gruppen" not in client.get(path).get_data(as_text=True)
