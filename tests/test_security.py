"""Security headers on every response."""
import pytest


@pytest.mark.parametrize("path", ["/", "/e/stark-fuer-familien", "/gibt-es-nicht", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, demo, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(client, demo):
    response = client.get("/", base_url="https://confapp.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_and_samesite(client, demo):
    response = client.get("/sprache/en?next=/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_widget_may_be_framed_only_by_configured_sites(client, demo, app):
    assert "frame-ancestors 'none'" in client.get("/e/stark-fuer-familien/widget").headers["Content-Security-Policy"]
    app.config["EMBED_ORIGINS"] = ["https://www.anhalt-bitterfeld.de"]
    try:
        widget = client.get("/e/stark-fuer-familien/widget")
        page = client.get("/e/stark-fuer-familien")
    finally:
        app.config["EMBED_ORIGINS"] = []
    assert "frame-ancestors 'self' https://www.anhalt-bitterfeld.de" in widget.headers["Content-Security-Policy"]
    assert "Interdisziplinäre Netzwerkarbeit" in widget.get_data(as_text=True)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
