"""Every GET page of the app is valid HTML, in German and in English, signed in or not.

The walk is the accessibility sweep's (the app's own URL map); the check is tests/html_check.py.
"""
import pytest

from tests.conftest import sign_in
from tests.html_check import problems
from tests.manage_helpers import ANHALT, registrations_of
from tests.test_accessibility_sweep import _pages
from confapp.models import RegistrationStatus


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {error}" for url, errors in found.items() for error in errors)


def _invalid(client, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 400, f"{url}: {response.status_code}"
        if response.mimetype != "text/html":
            continue
        errors = problems(response.get_data(as_text=True))
        if errors:
            found[url] = errors
    return found


def _public(app) -> list[str]:
    return _pages(app, ("/e/", "/n/")) + ["/", "/manage/anmelden"]


def _back_office(app) -> list[str]:
    person = next(r for r in registrations_of() if r.status == RegistrationStatus.confirmed)
    return _pages(app, ("/manage", "/checkin")) + [f"/c/{person.badge_token}"]


@pytest.mark.parametrize("language", ["de", "en"])
def test_public_pages_are_valid_html(app, client, demo, language):
    client.get(f"/sprache/{language}")
    found = _invalid(client, _public(app))
    assert not found, _report(found)


@pytest.mark.parametrize("language", ["de", "en"])
def test_back_office_and_door_pages_are_valid_html(app, client, demo, language):
    sign_in(client, ANHALT)
    client.get(f"/sprache/{language}")
    urls = _back_office(app)
    assert len(urls) >= 25
    found = _invalid(client, urls)
    assert not found, _report(found)


def test_error_pages_are_valid_html(client, demo):
    response = client.get("/e/gibt-es-nicht")
    assert response.status_code == 404
    assert problems(response.get_data(as_text=True)) == []


def test_the_checker_finds_what_auditors_find():
    page = ('<!doctype html><html lang="de"><head><title>x</title></head><body>'
            '<p><form><input type="hidden" id="csrf_token"></form></p>'
            '<input type="hidden" id="csrf_token"><h2 id="logo">Logo</h2><input type="file" name="logo">'
            '<select required name="s"><option value="a">A</option></select>'
            '<label for="nowhere">X</label></body></html>')
    found = "\n".join(problems(page))
    for expected in ("unexpected-end-tag", "'csrf_token' used 2 times", "name='logo'> has no accessible name",
                     "first option is not empty", "no form field with that id"):
        assert expected in found
