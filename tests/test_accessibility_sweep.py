"""Every page a person can open (public, manage link, back office, door) has no axe-core violation.

The walk comes from the app's own URL map, so a new page is swept without being added here; a page
with a URL parameter the sweep does not know fails loudly instead of being skipped.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import axe_violations
from tests.manage_helpers import ANHALT, EVENT, event_named, registrations_of, workshops
from confapp.extensions import db
from confapp.models import (ApiToken, AssignmentRun, PasswordReset, Partner, RegistrationStatus, Role, RunState,
                            TeamInvitation, TokenScope, utcnow)
from confapp.services.assignment import runs, workflow
from confapp.services.feedback import answering
from confapp.services.networks import accounts, api_tokens, one_time
from confapp.services.events.demo import DEMO_PASSWORD

#: Not pages: files (and the network's logo), redirects, the language switch and the counts (JSON) the door overview reloads.
NOT_PAGES = (".pdf", ".ics", ".json", ".<fmt>", "/sprache/", "/abmelden", "/api/", "/static/", "/zahlen", "/logo", "/titelbild",
             "/material/<int:material_id>", "/stand")


def _values() -> dict[str, str]:
    event = event_named()
    person = next(r for r in registrations_of() if r.status == RegistrationStatus.confirmed)
    token = db.session.scalar(select(ApiToken)) or api_tokens.create_token(
        event.network, "Website", TokenScope.read, ANHALT)[0]
    feedback_path = answering.personal_path(person)
    run = AssignmentRun(event_id=event.id, mode="reoptimize", started_by=ANHALT, state=RunState.ready,
                        result=runs.dump(workflow.preview(event)))
    db.session.add(run)
    # One secret opens both an invitation and a password reset (their pages are swept with it).
    secret, token_hash = one_time.new_secret()
    expires = utcnow() + timedelta(hours=1)
    db.session.add(TeamInvitation(network_id=event.network_id, email="neu@example.org", role=Role.organiser,
                                  token_hash=token_hash, expires_at=expires))
    db.session.add(PasswordReset(user_id=accounts.by_email(ANHALT).id, token_hash=token_hash, expires_at=expires))
    db.session.commit()
    return {"secret": secret, "user_id": str(accounts.by_email(ANHALT).id), "invitation_id": "1",
            "slug": EVENT, "network_slug": "anhalt-bitterfeld", "slot_id": str(event.slots[0].id),
            "room_id": str(event.rooms[0].id), "item_id": str(workshops()[0].id),
            "registration_id": str(person.id), "token_id": str(token.id),
            "token": person.manage_token, "status": "published", "format": "a4", "fmt": "csv",
            "partner_id": str(db.session.scalar(select(Partner.id).where(Partner.network_id == event.network_id))),
            "year": str(event.starts_at.year), "kind_slug": "impressum", "feedback_path": feedback_path,
            "run_id": str(run.id), "kind": "barrierefreiheit"}


def _pages(app, prefixes: tuple[str, ...]) -> list[str]:
    values = _values()
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith(prefixes):
            continue
        if any(part in rule.rule for part in NOT_PAGES):
            continue
        unknown = set(rule.arguments) - set(values)
        assert not unknown, f"teach the sweep the parameter(s) {unknown} of {rule.rule}"
        url = rule.rule
        for name in rule.arguments:
            for pattern in (f"<{name}>", f"<int:{name}>"):
                url = url.replace(pattern, values[name])
        if rule.endpoint == "public.feedback_personal":  # its token is the feedback link's, not the manage link's
            url = values["feedback_path"]
        urls.add(url)
    return sorted(urls)


def _sweep(page, base: str, urls: list[str], language: str = "de") -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = page.goto(base + url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        assert page.locator("html").get_attribute("lang") == language, url
        violations = axe_violations(page)
        if violations:
            found[url] = violations
    return found


@pytest.mark.parametrize("language", ["de", "en"])
def test_public_and_manage_link_pages_pass_axe(app, page, demo, live_server, language):
    urls = _pages(app, ("/e/", "/n/")) + ["/"]
    assert any("/anmeldung/" in url for url in urls) and any(url.endswith("/anmelden") for url in urls)
    page.goto(f"{live_server.url}/sprache/{language}")
    assert _sweep(page, live_server.url, urls, language) == {}


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/manage/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_label("Passwort").press("Enter")
    page.wait_for_url(base + "/manage/")


@pytest.mark.parametrize("language", ["de", "en"])
def test_back_office_and_door_pages_pass_axe(app, page, demo, live_server, language):
    urls = _pages(app, ("/manage", "/checkin"))
    assert len(urls) >= 25
    _sign_in(page, live_server.url, ANHALT)
    page.goto(f"{live_server.url}/sprache/{language}")
    person = next(r for r in registrations_of() if r.status == RegistrationStatus.confirmed)
    assert _sweep(page, live_server.url, urls + [f"/c/{person.badge_token}"], language) == {}
