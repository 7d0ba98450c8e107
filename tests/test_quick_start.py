"""The local quick start: links follow the port the app is served on, and the demo says what to open."""
import pytest

from confapp import create_app
from confapp.config import ConfigError


@pytest.mark.parametrize("env, expected", [
    ({"PORT": "5077"}, "http://localhost:5077"),
    ({}, "http://localhost:5000"),
    ({"PORT": "5077", "BASE_URL": "https://tagung.landkreis.example/"}, "https://tagung.landkreis.example"),
])
def test_base_url_follows_the_port_unless_set(monkeypatch, tmp_path, env, expected):
    for name in ("PORT", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["BASE_URL"] == expected


def test_a_port_that_is_no_number_stops_the_start_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "fünftausend")
    with pytest.raises(ConfigError, match="PORT must be a port number"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_the_demo_prints_the_full_addresses_to_open(cli, app_context):
    output = cli.invoke(args=["demo", "--registrations", "0"]).output
    assert "http://confapp.test/e/stark-fuer-familien" in output
    assert "http://confapp.test/e/netzwerkforum-magdeburg" in output
    assert "http://confapp.test/manage/anmelden" in output
