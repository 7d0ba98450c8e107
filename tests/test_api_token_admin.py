"""Admins create and revoke API tokens in the back office; the secret is shown once and works."""
import re

from tests.conftest import csrf_token, post_form, sign_in

PAGE = "/manage/n/anhalt-bitterfeld/api-tokens"


def _create(client, name="Website Landkreis", scope="read"):
    return post_form(client, PAGE, {"name": name, "scope": scope}).get_data(as_text=True)


def test_admin_creates_a_token_that_the_api_accepts(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    html = _create(client)
    secret = re.search(r'<code class="secret">(cfa_[^<]+)</code>', html).group(1)
    assert "nur dieses eine Mal" in html
    api = client.get("/api/v1/network/events", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200 and any(e["slug"] == "stark-fuer-familien" for e in api.get_json()["events"])
    listing = client.get(PAGE).get_data(as_text=True)
    assert secret not in listing and secret[:12] in listing and "Website Landkreis" in listing


def test_revoked_token_stops_working(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    secret = re.search(r"(cfa_[A-Za-z0-9_-]+)", _create(client, scope="write")).group(1)
    page = client.get(PAGE).get_data(as_text=True)
    action = re.search(r'action="(/manage/n/anhalt-bitterfeld/api-tokens/\d+/widerrufen)"', page).group(1)
    assert client.post(action, data={"csrf_token": csrf_token(page)}).status_code == 302
    assert "widerrufen am" in client.get(PAGE).get_data(as_text=True)
    assert client.get("/api/v1/network/events", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_token_name_is_required_and_limited(client, demo):
    sign_in(client, "organisation@anhalt-bitterfeld.example")
    assert "Bitte geben Sie dem Token einen Namen" in _create(client, name="  ")
    assert "Höchstens 100 Zeichen." in _create(client, name="x" * 101)
    assert "cfa_" not in _create(client, name="ok", scope="admin")  # not a choice


def test_only_admins_of_the_network_see_its_tokens(client, other_client, demo):
    sign_in(client, "organisation@magdeburg.example")
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE + "/1/widerrufen", data={"csrf_token": csrf_token(client.get("/manage/").get_data(as_text=True))}).status_code == 404
    sign_in(other_client, "einlass@anhalt-bitterfeld.example")
    assert other_client.get(PAGE).status_code == 404
