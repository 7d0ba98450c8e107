"""Logs carry no personal data: not the attendees' addresses, not their private links, not search terms."""
import logging

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from confapp.extensions import db
from confapp.gunicorn_logging import PrivateAccessLogger
from confapp.services.mail.outbox import deliver_pending
from tests.conftest import outbox_messages, post_form
from tests.registration_support import form_data, make_event, manage_link, registration_of
from tests.test_mail import free_port


class RefusingInbox:
    """An SMTP server that refuses every recipient, naming the address (as real servers do)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@pytest.fixture
def captured():
    """Everything logged at any level by any logger, formatted as a log file would have it."""
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Capture(logging.DEBUG)
    root = logging.getLogger()
    saved = root.level, logging.getLogger("sqlalchemy.engine").level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement, as with SQLALCHEMY_ECHO
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    yield lambda: "\n".join(formatter.format(record) for record in records)
    root.removeHandler(handler)
    root.setLevel(saved[0])
    logging.getLogger("sqlalchemy.engine").setLevel(saved[1])


def test_a_run_of_registrations_and_errors_logs_no_attendee_address_or_link(app, client, app_context, captured,
                                                                           monkeypatch):
    event = make_event()
    for number in (1, 2, 3):
        post_form(client, f"/e/{event.slug}/anmelden", form_data(event, number))
    post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 1))  # the same address again
    post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 4, first_name="Nul\x00l"))
    link = manage_link(outbox_messages(app)[0])
    client.get(link)
    person = registration_of("anna1@example.org")
    # A statement that fails with the address among its parameters, and an error that names it.
    try:
        db.session.execute(text("INSERT INTO registration (email, event_id) VALUES (:email, :event)"),
                           {"email": "anna2@example.org", "event": event.id})
    except Exception as error:  # noqa: BLE001 - NOT NULL columns are missing
        db.session.rollback()
        logging.getLogger("confapp").exception("Statement failed")
        assert "SQL parameters hidden" in str(error)
    else:
        pytest.fail("the statement should have failed")
    from confapp.public import registration_views
    monkeypatch.setattr(registration_views.registering, "register",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("cannot register anna3@example.org")))
    assert post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 5)).status_code == 500
    # An SMTP server refusing the address.
    port = free_port()
    controller = Controller(RefusingInbox(), hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        from confapp.services.mail.outbox import queue_email
        queue_email("anna1@example.org", "Erinnerung", "x", event=event)
        db.session.commit()
        assert deliver_pending().retrying == 1
    finally:
        controller.stop()
        app.config.update(saved)

    logged = captured()

    assert "Unhandled error" in logged and "Statement failed" in logged and "failed (attempt 1)" in logged
    for secret in ("anna1@example.org", "anna2@example.org", "anna3@example.org", person.manage_token,
                   link.rsplit("/", 1)[-1]):
        assert secret not in logged


def test_the_gunicorn_access_log_has_no_private_links_or_search_terms():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    logger = PrivateAccessLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/manage/e/fachtag/anmeldungen?q=Hans+Privatmann",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/manage/e/fachtag/anmeldungen",
               "QUERY_STRING": "q=Hans+Privatmann", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": "https://anmeldung.example.de/e/fachtag/anmeldung/Zq3xYw8s_kK2mN4pR7tV9bX1cD5fG6hJ"}
    atoms = logger.atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]), SimpleNamespace(headers=[]),
                         environ, timedelta(milliseconds=12))
    line = " ".join(str(value) for value in atoms.values())
    assert "Privatmann" not in line and "Zq3xYw8s_kK2mN4pR7tV9bX1cD5fG6hJ" not in line
    assert atoms["r"] == "GET /manage/e/fachtag/anmeldungen?<Suche> HTTP/1.1"

    badge = dict(environ, RAW_URI="/c/Zq3xYw8s_kK2mN4pR7tV9bX1cD5fG6hJ", PATH_INFO="/c/Zq3xYw8s_kK2mN4pR7tV9bX1cD5fG6hJ",
                 QUERY_STRING="")
    atoms = logger.atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]), SimpleNamespace(headers=[]),
                         badge, timedelta(milliseconds=12))
    assert atoms["r"] == "GET /c/<privat> HTTP/1.1" and atoms["U"] == "/c/<privat>"
