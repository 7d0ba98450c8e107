"""Logs carry no personal data: e-mail addresses, private links, API tokens and search terms are
replaced in every log record, whoever writes it (the app, SQLAlchemy, Werkzeug, a library).

SQL parameters are kept out at the source (the engine's ``hide_parameters``); this catches the
rest: a database's own error text ("Key (email)=(…) already exists"), an SMTP server's refusal
naming the address, a request line with a manage link or a name search. Records are cleaned when
they are made, so every handler (files, the console, a test's capture) sees only the clean text.
gunicorn's access log is configured apart (``confapp/gunicorn_logging.py``, see docs/deployment.md).
"""
from __future__ import annotations

import logging
import re
import traceback

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
#: Manage links (/e/<slug>/anmeldung/<token>…), badge links (/c/<token>) and bearer tokens.
PRIVATE_LINK = re.compile(r"(/anmeldung/|/c/)[A-Za-z0-9_-]{8,}")
BEARER = re.compile(r"(Bearer\s+)\S+", re.IGNORECASE)
#: The query string of a request line: search terms are names.
QUERY = re.compile(r"(\s/[^\s?\"]*)\?[^\s\"]*")
#: PostgreSQL's details of a failed statement quote the row's values ("Failing row contains (…)").
DATABASE_DETAIL = re.compile(r"DETAIL:[^\n]*")


def redact(text: str) -> str:
    """``text`` without e-mail addresses, private link tokens, bearer tokens, query strings and the
    values a database quotes in its error details."""
    text = DATABASE_DETAIL.sub("DETAIL: <Werte entfernt>", text)
    text = EMAIL.sub("<E-Mail>", text)
    text = PRIVATE_LINK.sub(r"\1<privat>", text)
    text = BEARER.sub(r"\1<Token>", text)
    return QUERY.sub(r"\1?<Suche>", text)


def _clean(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string stays the writer's problem, not ours
        return
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install() -> None:
    """Clean every log record of this process when it is made (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_personal_data", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _clean(record)
        return record

    factory.redacts_personal_data = True
    logging.setLogRecordFactory(factory)
