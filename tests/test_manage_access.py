"""Who may open which back-office page: a walk over every management URL, the role matrix, CSRF."""
from datetime import timedelta

import pytest

from tests.conftest import csrf_token, sign_in
from tests.manage_helpers import ANHALT, DOOR, EVENT, MAGDEBURG, event_named, registrations_of, workshops
from confapp.extensions import db
from sqlalchemy import select

from confapp.models import (ApiToken, AssignmentRun, AuditEntry, BadgePrintRun, ItemLeader, Partner, Role,
                            RunState, TeamInvitation, TokenScope, utcnow)
from confapp.services.assignment import runs, workflow
from confapp.services.networks import accounts
from confapp.services.networks import api_tokens, one_time

#: Pages for people not signed in (sign-in, its second step, password reset, invitation links).
PUBLIC = {"/manage/anmelden", "/manage/anmelden/code", "/manage/passwort-vergessen",
          "/manage/passwort-neu/not-a-secret", "/manage/einladung/not-a-secret"}
#: Pages every signed-in user has, whatever their network.
OWN_ACCOUNT = PUBLIC | {"/manage/", "/manage/abmelden", "/manage/passwort", "/manage/zwei-faktor",
                        "/manage/zwei-faktor/abschalten", "/manage/zwei-faktor/neue-codes"}


def _values() -> dict[str, str]:
    """An Anhalt-Bitterfeld object for every URL parameter the back office uses."""
    event = event_named()
    workshop = workshops()[0]
    token, _secret = api_tokens.create_token(event.network, "Website", TokenScope.read, ANHALT)
    run = AssignmentRun(event_id=event.id, mode="reoptimize", started_by=ANHALT, state=RunState.ready,
                        result=runs.dump(workflow.preview(event)))
    db.session.add(run)
    invitation = TeamInvitation(network_id=event.network_id, email="neu@anhalt-bitterfeld.example",
                                role=Role.organiser, token_hash=one_time.new_secret()[1],
                                expires_at=utcnow() + timedelta(days=1))
    db.session.add(invitation)
    db.session.commit()
    partner = db.session.scalar(select(Partner).where(Partner.network_id == event.network_id).order_by(Partner.id))
    print_run = BadgePrintRun(event_id=event.id, created_by=ANHALT, registration_ids=[registrations_of()[0].id],
                              settings={"layout": "a4-80x50", "skip": 0, "offset": [0, 0], "show_sector": True})
    db.session.add(print_run)
    db.session.commit()
    return {"secret": "not-a-secret", "user_id": str(accounts.by_email(DOOR).id),
            "invitation_id": str(invitation.id), "slug": EVENT, "network_slug": "anhalt-bitterfeld",
            "slot_id": str(event.slots[0].id),
            "room_id": str(event.rooms[0].id), "item_id": str(workshop.id),
            "registration_id": str(registrations_of()[0].id), "status": "published", "fmt": "csv",
            "format": "a4", "token_id": str(token.id), "assignment_id": "1",
            "partner_id": str(partner.id), "contact_id": str(partner.contacts[0].id),
            "year": str(event.starts_at.year), "kind_slug": "impressum", "message_id": "1",
            "question_id": "1", "material_id": "1", "action": "loeschen",
            "run_id": str(run.id), "print_run_id": str(print_run.id), "outcome": "gedruckt",
            "kind": "verpflegung"}


def management_urls(app, method: str) -> list[str]:
    """Every /manage URL for ``method``, filled with Anhalt-Bitterfeld's objects."""
    values = _values()
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/manage") or method not in rule.methods:
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"teach the walk the parameter(s) {unknown} of {rule.rule}"
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", values[name]).replace(f"<int:{name}>", values[name])
        urls.append(url)
    return sorted(set(urls))


def test_the_walk_covers_the_whole_back_office(app, demo):
    urls = management_urls(app, "GET") + management_urls(app, "POST")
    assert len(urls) >= 20
    for expected in ("/programm", "/kopieren", "/protokoll", "/bearbeiten", "/anmeldungen", "/export",
                     "/workshops/", "/team", "/entfernen", "/rolle", "/zurueckziehen"):
        assert any(expected in url for url in urls), expected


def test_an_organiser_of_another_network_gets_404_everywhere(app, client, demo):
    sign_in(client, MAGDEBURG)
    token = csrf_token(client.get("/manage/").get_data(as_text=True))
    for url in management_urls(app, "GET"):
        if url not in OWN_ACCOUNT:
            assert client.get(url).status_code == 404, url
    for url in management_urls(app, "POST"):
        if url not in OWN_ACCOUNT:
            assert client.post(url, data={"csrf_token": token, "title": "gekapert"}).status_code == 404, url
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action != "api_token.created")) == 0  # the walk's own token
    assert event_named().title == "Stark für Familien"
    assert all(token.revoked_at is None for token in db.session.scalars(db.select(ApiToken)))


def test_signed_out_visitors_are_sent_to_sign_in(app, client, demo):
    for url in management_urls(app, "GET"):
        if url not in PUBLIC:
            response = client.get(url)
            assert response.status_code == 302 and "/manage/anmelden" in response.headers["Location"], url


def test_every_post_without_csrf_token_is_refused(app, client, demo):
    sign_in(client, ANHALT)
    for url in management_urls(app, "POST"):
        response = client.post(url, data={"title": "ohne Token"})
        assert response.status_code == 400, url
    assert event_named().title == "Stark für Familien"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action != "api_token.created")) == 0  # the walk's own token


@pytest.fixture
def role_clients(app, demo):
    """A signed-in client per role in Anhalt-Bitterfeld; the leader leads the first workshop."""
    password = "ein sicheres Passwort"
    organiser = accounts.grant_role("team@anhalt-bitterfeld.example", "anhalt-bitterfeld", "organiser",
                                    password=password).user
    leader = accounts.grant_role("leitung@anhalt-bitterfeld.example", "anhalt-bitterfeld", "workshop_leader",
                                 password=password).user
    db.session.add(ItemLeader(program_item_id=workshops()[0].id, user_id=leader.id))
    db.session.commit()
    clients = {}
    for role, email, secret in (("admin", ANHALT, None), ("organiser", organiser.email, password),
                                ("checkin", DOOR, None), ("workshop_leader", leader.email, password)):
        clients[role] = app.test_client()
        sign_in(clients[role], email, secret)
    return clients


def test_role_matrix(role_clients, demo):
    own, other = workshops()[:2]
    pages = {  # page: roles that see it (everyone else gets 404)
        f"/manage/e/{EVENT}/": {"admin", "organiser"},
        f"/manage/e/{EVENT}/programm": {"admin", "organiser"},
        f"/manage/e/{EVENT}/kopieren": {"admin", "organiser"},
        "/manage/n/anhalt-bitterfeld/neu": {"admin", "organiser"},
        "/manage/n/anhalt-bitterfeld/protokoll": {"admin"},
        "/manage/n/anhalt-bitterfeld/team": {"admin"},
        f"/manage/e/{EVENT}/anmeldungen": {"admin", "organiser"},
        f"/manage/e/{EVENT}/export/anmeldungen.xlsx": {"admin", "organiser"},
        f"/manage/e/{EVENT}/workshops/{own.id}": {"admin", "organiser", "workshop_leader"},
        f"/manage/e/{EVENT}/workshops/{own.id}.csv": {"admin", "organiser", "workshop_leader"},
        f"/manage/e/{EVENT}/workshops/{other.id}": {"admin", "organiser"},
    }
    for url, allowed in pages.items():
        for role, client in role_clients.items():
            expected = 200 if role in allowed else 404
            assert client.get(url).status_code == expected, (role, url)
