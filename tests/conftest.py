"""Test fixtures: every database test runs on SQLite and, where TEST_DATABASE_URL is set, on PostgreSQL.

The schema is built by the real migrations (``flask db upgrade``) once per database and worker;
each test starts from empty tables.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from confapp import create_app
from confapp.extensions import db

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _postgres_url_for_worker(worker: str) -> str:
    """A database of its own per xdist worker, created next to the one in TEST_DATABASE_URL."""
    url = make_url(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
                   if POSTGRES_URL.startswith("postgresql://") else POSTGRES_URL)
    if worker == "master":
        return url.render_as_string(hide_password=False)
    name = f"{url.database}_{re.sub(r'[^a-z0-9]', '', worker)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _database_params():
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="TEST_DATABASE_URL not set")))
    return params


@pytest.fixture(scope="session", params=_database_params())
def database_url(request, worker_id, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    return _postgres_url_for_worker(worker_id)


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Without this a test holding an app context (``demo``, ``app_context``) would share ``flask.g``
    with every request, and with it the signed-in user and the CSRF token of another client.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context
        held = has_app_context()
        if held:
            # The request must see the test's changes, and the test must then see the request's:
            # end the test's transaction on both sides (a SQLite WAL read keeps an old snapshot).
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if held:
            db.session.commit()
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://confapp.test",
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
    })
    with app.app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    app.test_client_class = FreshContextClient
    yield app


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Every test that uses the app starts with empty tables (the schema stays)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    for eml in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"):
        eml.unlink()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            tables = [t.name for t in reversed(db.metadata.sorted_tables)]
            if connection.dialect.name == "postgresql":
                connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                        + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app_context):
    """The demo networks and events with a few registrations."""
    from confapp.services.events.demo import load_demo
    return load_demo(registrations=12)


def outbox_messages(app) -> list:
    """E-mails delivered to the outbox directory (embedded default), oldest first."""
    from email import policy
    from email.parser import BytesParser

    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes())
            for path in sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))]


# --- HTTP helpers -------------------------------------------------------------------------

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page (tests post forms as a browser would)."""
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, page_url: str | None = None, **kwargs):
    """GET the page with the form, then POST ``data`` with its CSRF token."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)


# --- Browser (Playwright driving Debian's Chromium) -----------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _browser_available() -> bool:
    if Path(CHROMIUM).exists():
        return True
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing but REQUIRE_BROWSER=1 (install Debian's chromium)")
    return False


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on a free local port, for browsers and concurrency tests."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not _browser_available():
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the current page, one line each ("" list when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


def has_horizontal_scroll(page) -> bool:
    # Measure the page as a person sees it: after its style sheets and fonts have arrived. A link can
    # be found before a slow style sheet is applied, and unstyled tables overflow (seen once in CI).
    page.wait_for_load_state("load")
    return page.evaluate("document.fonts.ready.then(() =>"
                         " document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)")


# --- Back office ------------------------------------------------------------------------------

def sign_in(client, email: str, password: str | None = None):
    """Sign in through the real form (CSRF included); the demo accounts share the demo password."""
    from confapp.services.events.demo import DEMO_PASSWORD
    response = post_form(client, "/manage/anmelden", {"email": email, "password": password or DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def other_client(app):
    """A second browser: its own cookies (for cross-network and concurrent tests)."""
    return app.test_client()


def sign_in_browser(page, live_server, email: str) -> None:
    """Sign in to the back office through the real form in the browser (demo password)."""
    from confapp.services.events.demo import DEMO_PASSWORD
    page.goto(live_server.url + "/manage/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
