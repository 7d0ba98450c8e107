"""The foundation: configuration, schema, demo, public pages."""
import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from confapp import create_app
from confapp.config import ConfigError
from confapp.extensions import db
from confapp.models import Event, EventStatus, Registration
from confapp.services.events.demo import load_demo


def test_models_and_migrations_agree(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_app_refuses_to_start_without_secret_key_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_app_starts_with_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s3cret-for-test")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SECRET_KEY"] == "s3cret-for-test"


def test_database_url_selects_postgresql_with_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/confapp")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/confapp"


def test_demo_event_page_shows_three_talks_and_seven_workshops(client, demo):
    page = client.get("/e/stark-fuer-familien")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for talk in ("Interdisziplinäre Netzwerkarbeit", "Frühe Hilfen", "Äußerliche Erkennungsmerkmale für Misshandlungen"):
        assert f"<h4>{talk}</h4>" in html
    assert html.count('class="item item-talk"') == 3
    assert html.count('class="item item-workshop"') == 7
    assert "Berufsbildende Schule Bitterfeld" in html
    assert "Ort: Raum 101" in html and "Raum: Raum 101" not in html and "Plätze: 25" in html
    # Ranked: seats are given later, so the page shows how wished each workshop is, not "frei".
    assert "frei:" not in html and "Personen gewünscht" in html


def test_demo_event_is_on_a_wednesday_about_eight_weeks_ahead_with_registration_open(demo):
    event = demo[0]
    assert event.starts_at.weekday() == 2
    assert 53 <= (event.starts_at.date() - event.local_now().date()).days <= 63
    assert event.registration_open()


def test_dates_read_the_german_way(client, demo):
    html = client.get("/e/stark-fuer-familien").get_data(as_text=True)
    assert re.search(r"Mittwoch, \d{1,2}\. \w+ 20\d\d, 9:00 Uhr", html)


def test_forum_shows_three_rounds_of_theme_tables(client, demo):
    html = client.get("/e/netzwerkforum-magdeburg").get_data(as_text=True)
    for round_number in (1, 2, 3):
        assert f"Thementische – Runde {round_number}" in html
    assert html.count('class="item item-theme_table"') == 3 * 8


def test_demo_is_idempotent(app_context):
    load_demo(registrations=10)
    load_demo(registrations=10)
    assert db.session.query(Event).count() == 2
    assert db.session.query(Registration).count() == 10 + 6
    event = db.session.query(Event).filter_by(slug="stark-fuer-familien").one()
    assert event.seats_taken == 10


def test_public_list_shows_published_events_only(client, demo, app_context):
    demo[1].status = EventStatus.draft
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Stark für Familien" in html
    assert "Netzwerkforum" not in html


def test_draft_and_unknown_events_answer_404(client, demo, app_context):
    demo[1].status = EventStatus.draft
    db.session.commit()
    assert client.get("/e/netzwerkforum-magdeburg").status_code == 404
    page = client.get("/e/gibt-es-nicht")
    assert page.status_code == 404
    assert "Seite nicht gefunden" in page.get_data(as_text=True)


def test_language_switch_shows_english_and_stays_on_site(client, demo):
    switched = client.get("/sprache/en?next=/e/stark-fuer-familien")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/e/stark-fuer-familien")
    html = client.get("/e/stark-fuer-familien").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Wednesday" in html
    outside = client.get("/sprache/de?next=//evil.example/x")
    assert outside.headers["Location"] == "/"


def test_pages_make_no_third_party_requests(client, demo):
    html = client.get("/e/stark-fuer-familien").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
