"""Legal pages filled from a network's settings: complete, never a template sentence; the admin is
told what is missing, may write their own wording with a preview, and go back to the default."""
import re

import pytest
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import AuditEntry, LegalKind, Network
from confapp.services.privacy.legal import REQUIRED_SETTINGS
from tests.conftest import csrf_token, sign_in
from tests.manage_helpers import ANHALT, MAGDEBURG

#: Words that only a template or a missing value leaves on a page.
TEMPLATE_TRACES = ("Vorlage", "ergänzt hier", "Ihres Bundeslandes", "None", "E-Mail: \n", "Telefon: \n", "„“")
PUBLIC = {LegalKind.imprint: "/n/anhalt-bitterfeld/impressum",
          LegalKind.accessibility: "/n/anhalt-bitterfeld/barrierefreiheit",
          LegalKind.privacy: "/e/stark-fuer-familien/datenschutz",
          LegalKind.easy_language: "/e/stark-fuer-familien/leichte-sprache"}


def text_of(html: str) -> str:
    """The page's article as a reader sees it: tags gone, one line per line."""
    article = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", article))


def test_the_pages_show_the_networks_settings(client, demo):
    imprint = text_of(client.get(PUBLIC[LegalKind.imprint]).get_data(as_text=True))
    privacy = text_of(client.get(PUBLIC[LegalKind.privacy]).get_data(as_text=True))
    statement = text_of(client.get(PUBLIC[LegalKind.accessibility]).get_data(as_text=True))

    assert "Landkreis Anhalt-Bitterfeld, Jugendamt, Netzwerkkoordination Kinderschutz" in imprint
    assert "Beispielstraße 1\n06366 Köthen (Anhalt)" in imprint and "Telefon: 03496 00000-0" in imprint
    assert "Landrätin oder Landrat" in imprint
    assert "Behördlicher Datenschutzbeauftragter des Landkreises Anhalt-Bitterfeld" in privacy
    assert "Landesbeauftragter für den Datenschutz Sachsen-Anhalt" in privacy
    assert "01.03.2024" in statement and "Sachsen-Anhalt" in statement
    assert "netzwerk-kinderschutz@example.org" in statement
    for text in (imprint, privacy, statement):
        assert not [trace for trace in TEMPLATE_TRACES if trace in text]


REQUIRED = [(kind, attribute, str(label)) for kind, settings in REQUIRED_SETTINGS.items()
            for attribute, label in settings]


@pytest.mark.parametrize("kind, attribute, label", REQUIRED, ids=[f"{k.value}-{a}" for k, a, _ in REQUIRED])
def test_a_missing_required_setting_is_never_hidden_on_a_published_network(client, other_client, demo,
                                                                           kind, attribute, label):
    network = demo[0].network
    assert demo[0].status.value == "published"
    blanked = ("accessibility_contact", "contact_email") if attribute == "barrier_contact" else (attribute,)
    for name in blanked:
        setattr(network, name, None if name == "accessibility_date" else "")
    db.session.commit()

    public = client.get(PUBLIC[kind]).get_data(as_text=True)
    assert not [trace for trace in TEMPLATE_TRACES if trace in text_of(public)]
    assert "Nur für die Administration" not in public  # visitors see a page, not a to-do list

    sign_in(other_client, ANHALT)
    dashboard = other_client.get("/manage/").get_data(as_text=True)
    assert "Vor dem Veröffentlichen: Lokales Netzwerk Kinderschutz Anhalt-Bitterfeld" in dashboard
    assert "veröffentlichte Veranstaltungen" in dashboard and label in dashboard
    assert label in other_client.get(PUBLIC[kind]).get_data(as_text=True)  # the admin sees what is missing


def test_a_complete_network_has_nothing_left_on_its_checklist_but_the_logo(client, demo):
    sign_in(client, ANHALT)
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert "Noch kein Logo hochgeladen." in dashboard and "Es fehlt" not in dashboard


EDIT = "/manage/n/anhalt-bitterfeld/rechtstexte/impressum"


def test_the_admin_previews_saves_and_resets_their_own_wording(client, demo):
    sign_in(client, ANHALT)
    page = client.get(EDIT).get_data(as_text=True)
    assert "Vertretungsberechtigt" in page  # the default to start from
    own = "## Herausgeber\nLandkreis Anhalt-Bitterfeld\n\n- Punkt eins\n- Punkt <b>zwei</b>"

    preview = client.post(EDIT, data={"csrf_token": csrf_token(page), "body": own, "action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Vorschau (noch nicht gespeichert)" in html
    assert "<li>Punkt &lt;b&gt;zwei&lt;/b&gt;</li>" in html
    assert "Punkt eins" not in client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)

    saved = client.post(EDIT, data={"csrf_token": csrf_token(page), "body": own, "action": "save"})
    assert saved.status_code == 302
    public = client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)
    assert "<li>Punkt eins</li>" in public and "<b>zwei" not in public and "Vertretungsberechtigt" not in public

    page = client.get(EDIT).get_data(as_text=True)
    assert "Zurück zum Standardtext" in page
    reset = client.post(EDIT, data={"csrf_token": csrf_token(page), "body": "", "action": "default"})
    assert reset.status_code == 302
    assert "Vertretungsberechtigt" in client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)
    log = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "legal.wording")).all()
    assert log == ["Eigener Text für „Impressum“ gespeichert.", "„Impressum“ zeigt wieder den Standardtext."]


def test_saving_the_default_unchanged_keeps_following_the_settings(client, demo):
    sign_in(client, ANHALT)
    page = client.get(EDIT).get_data(as_text=True)
    default = client.get(EDIT).get_data(as_text=True)
    body = default[default.index('name="body"'):]
    body = body[body.index(">") + 1:body.index("</textarea>")]
    import html as html_module
    client.post(EDIT, data={"csrf_token": csrf_token(page), "body": html_module.unescape(body).lstrip("\n"),
                            "action": "save"})
    network = db.session.scalar(select(Network).where(Network.slug == "anhalt-bitterfeld"))
    network.phone = "03496 11111"
    db.session.commit()
    assert "03496 11111" in client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)


def test_the_privacy_notice_is_worded_per_event(client, demo):
    sign_in(client, ANHALT)
    url = "/manage/e/stark-fuer-familien/rechtstexte/datenschutz"
    page = client.get(url).get_data(as_text=True)
    assert "Stark für Familien" in page
    client.post(url, data={"csrf_token": csrf_token(page), "body": "## Verantwortlich\nDer Landkreis.",
                           "action": "save"})
    assert "Der Landkreis." in client.get("/e/stark-fuer-familien/datenschutz").get_data(as_text=True)
    assert "Der Landkreis." not in client.get("/e/netzwerkforum-magdeburg/datenschutz").get_data(as_text=True)
    network_page = client.get("/manage/e/stark-fuer-familien/rechtstexte/impressum")
    assert network_page.status_code == 302 and network_page.location.endswith(EDIT)
    assert client.get("/manage/e/stark-fuer-familien/rechtstexte/unbekannt").status_code == 404


def test_too_long_wording_gets_an_error_and_changes_nothing(client, demo):
    sign_in(client, ANHALT)
    page = client.get(EDIT).get_data(as_text=True)
    response = client.post(EDIT, data={"csrf_token": csrf_token(page), "body": "x" * 50_001, "action": "save"})
    assert response.status_code == 422 and "Höchstens 50000 Zeichen" in response.get_data(as_text=True)
    assert "Vertretungsberechtigt" in client.get("/n/anhalt-bitterfeld/impressum").get_data(as_text=True)


def test_other_networks_admins_cannot_edit_the_wording(client, demo):
    sign_in(client, MAGDEBURG)
    assert client.get(EDIT).status_code == 404
    assert client.get("/manage/e/stark-fuer-familien/rechtstexte/datenschutz").status_code == 404
    token = csrf_token(client.get("/manage/passwort").get_data(as_text=True))
    assert client.post(EDIT, data={"csrf_token": token, "body": "gekapert", "action": "save"}).status_code == 404
