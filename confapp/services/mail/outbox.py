"""E-mail through the outbox: queue in the caller's transaction, send afterwards, retry on failure.

Nothing is lost: an e-mail is a row committed together with the change it reports. Senders claim a
row with a conditional UPDATE (portable; on PostgreSQL the candidates are picked with
``FOR UPDATE SKIP LOCKED`` so several ``flask mail-worker`` processes share the work), send it and
mark it sent. Each message is claimed on its own, just before it is sent, for ``MAIL_CLAIM_SECONDS``
from that moment: however long a batch runs, a claim never expires while its message is being
sent, so no second worker takes it over (a batch-wide claim did, and sent e-mails twice). A failed
attempt is retried with exponential backoff; a sender that dies mid-send leaves a claim that
expires, and the row is sent again later. Addresses of erased registrations (``.invalid``) are
never sent to: such a row is given up at once.

On the embedded default (no ``MAIL_SERVER``) the app delivers what a request queued right after
that request, as ``.eml`` files in ``MAIL_OUTBOX_DIR``; production runs workers.
"""
from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g
from flask.templating import Environment, TemplateNotFound
from flask_babel import force_locale
from sqlalchemy import inspect as sa_inspect, or_, select, update

from confapp.database import begin_write
from confapp.extensions import db
from confapp.models import Event, Network, OutboxMessage, OutboxStatus, Registration, utcnow
from confapp.templating import email_templates

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)
#: How long one message's claim lasts (``MAIL_CLAIM_SECONDS``): far longer than one SMTP send takes.
CLAIM_TIME = timedelta(minutes=5)
#: Addresses in the reserved ``.invalid`` domain (RFC 2606) belong to erased registrations.
ERASED_DOMAIN = "@invalid"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _one_line(value: str, limit: int) -> str:
    """Header values: no line breaks (header injection), bounded length."""
    return " ".join(value.split())[:limit]


def queue_email(to: str, subject: str, text: str, html: str | None = None,
                attachments: Sequence[Attachment] = (), event: Event | None = None,
                registration: Registration | None = None, network: Network | None = None) -> OutboxMessage:
    """Add an e-mail to the outbox in the caller's transaction; it is sent after the commit.

    It goes out in the name of ``network`` (or the event's): see ``sender_headers``.
    """
    network_id = network.id if network is not None else event.network_id if event is not None else None
    message = OutboxMessage(
        to_address=_one_line(to, 254), subject=_one_line(subject, 300), text_body=text, html_body=html,
        attachments=[{"filename": _one_line(a.filename, 100), "content_type": a.content_type,
                      "data": base64.b64encode(a.data).decode("ascii")} for a in attachments],
        event_id=event.id if event is not None else None, registration=registration, network_id=network_id,
        status=OutboxStatus.queued, next_attempt_at=utcnow())
    db.session.add(message)
    remember_for_inline_delivery(message)
    return message


@dataclass(frozen=True)
class RenderedEmail:
    """An e-mail written out, not yet queued."""

    to: str
    subject: str
    text: str
    html: str | None
    attachments: Sequence[Attachment] = ()


def render_email(name: str, to: str, attachments: Sequence[Attachment] = (), **context) -> RenderedEmail:
    """Render ``templates/emails/<name>.subject.txt``, ``.txt`` and (if present) ``.html``.

    Straight from the Jinja environment: e-mails use no request context, and Flask's context
    processors and signals cost a registration more than the templates themselves. Written in
    the attendee's language (``registration.language``); e-mails to others in German.
    """
    registration = context.get("registration")
    language = getattr(registration, "language", None) or "de"
    with force_locale(language):
        return _rendered(email_templates(language), name, to, attachments, context)


def _rendered(templates: Environment, name: str, to: str, attachments: Sequence[Attachment],
              context: dict) -> RenderedEmail:
    subject = templates.get_template(f"emails/{name}.subject.txt").render(context)
    text = templates.get_template(f"emails/{name}.txt").render(context)
    try:
        html = templates.get_template(f"emails/{name}.html").render(context)
    except TemplateNotFound:
        html = None
    return RenderedEmail(to, subject, text, html, tuple(attachments))


def queue_rendered(email: RenderedEmail, event: Event | None = None,
                   registration: Registration | None = None, network: Network | None = None) -> OutboxMessage:
    return queue_email(email.to, email.subject, email.text, email.html, email.attachments, event, registration,
                       network)


def queue_from_template(name: str, to: str, attachments: Sequence[Attachment] = (),
                        event: Event | None = None, registration: Registration | None = None,
                        network: Network | None = None, **context) -> OutboxMessage:
    """Render the e-mail ``name`` (see ``render_email``) and queue it."""
    email = render_email(name, to, attachments, event=event, registration=registration, network=network, **context)
    return queue_rendered(email, event, registration, network)


def remember_for_inline_delivery(message: OutboxMessage | int) -> None:
    try:
        g.setdefault("outbox_queued", []).append(message)
    except RuntimeError:  # no app context: a worker or script will send it
        pass


def sender_headers(default_sender: str, network: Network | None) -> dict[str, str]:
    """From (and Reply-To) of a network's e-mail: the network's name with the server's own address
    (``MAIL_DEFAULT_SENDER``: the address the mail server may send from), replies to the network."""
    if network is None:
        return {"From": default_sender}
    address = parseaddr(default_sender)[1] or default_sender
    headers = {"From": formataddr((_one_line(network.sender_name, 100), address))}
    if network.reply_address:
        headers["Reply-To"] = _one_line(network.reply_address, 254)
    return headers


def network_of(row: OutboxMessage) -> Network | None:
    """The network an e-mail speaks for: its own, or its event's (rows written without the ORM)."""
    if row.network_id is not None:
        return db.session.get(Network, row.network_id)
    if row.event_id is not None:
        event = db.session.get(Event, row.event_id)
        return event.network if event is not None else None
    return None


def build_message(row: OutboxMessage, sender: str, base_url: str, network: Network | None = None) -> EmailMessage:
    """The MIME message of an outbox row: plain text, optional HTML alternative, attachments."""
    message = EmailMessage()
    message["Subject"] = row.subject
    for header, value in sender_headers(sender, network).items():
        message[header] = value
    message["To"] = row.to_address
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(f"outbox{row.id}", domain=urlsplit(base_url).hostname or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    for attachment in row.attachments or []:
        # "text/calendar; charset=utf-8; method=CANCEL": the type, then its parameters.
        kind, *parameters = (part.strip() for part in attachment["content_type"].split(";"))
        maintype, _, subtype = kind.partition("/")
        params = dict(parameter.partition("=")[::2] for parameter in parameters if "=" in parameter)
        message.add_attachment(base64.b64decode(attachment["data"]), maintype=maintype,
                               subtype=subtype or "octet-stream", filename=attachment["filename"], params=params)
    return message


class FileTransport:
    """Writes each e-mail as an ``.eml`` file (the embedded default)."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def send(self, row: OutboxMessage, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{row.id:08d}.eml"
        temporary = self.directory / (name + ".tmp")
        temporary.write_bytes(bytes(message))
        temporary.rename(self.directory / name)  # readers never see half a file

    def close(self) -> None:
        pass


def delete_delivered_files(config: dict, message_ids: Sequence[int]) -> int:
    """Delete the ``.eml`` files written for these outbox rows (they hold what the rows held);
    how many. Called after the rows were deleted and committed (files cannot be rolled back)."""
    wanted = {f"{message_id:08d}" for message_id in message_ids}
    directory = Path(config["MAIL_OUTBOX_DIR"])
    if not wanted or not directory.is_dir():
        return 0
    deleted = 0
    for path in directory.iterdir():
        if path.name.endswith((".eml", ".eml.tmp")) and path.name.split(".")[0].rpartition("-")[2] in wanted:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


class SmtpTransport:
    """Sends through an SMTP server, one connection per batch."""

    def __init__(self, config: dict):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.connection is None:
            connection = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=20)
            if self.config.get("MAIL_USE_TLS"):
                connection.starttls()
            if self.config.get("MAIL_USERNAME"):
                connection.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"] or "")
            self.connection = connection
        return self.connection

    def send(self, row: OutboxMessage, message: EmailMessage) -> None:
        try:
            self._connect().send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.connection = None


def transport_for(config: dict):
    """SMTP when ``MAIL_SERVER`` is set, otherwise ``.eml`` files."""
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(config["MAIL_OUTBOX_DIR"])


def _due_ids(now: datetime, limit: int, only: Sequence[int] | None) -> list[int]:
    query = select(OutboxMessage.id).where(or_(
        (OutboxMessage.status == OutboxStatus.queued) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_until < now),
    ))
    if only is not None:
        query = query.where(OutboxMessage.id.in_(only))
    query = query.order_by(OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    db.session.commit()
    return ids


def _claim(message_id: int, now: datetime, claim_time: timedelta = CLAIM_TIME) -> datetime | None:
    """Take one message for sending from ``now`` on; exactly one sender wins, whatever the database.

    Returns the claim's end (the sender's receipt, see ``_finish``), or None if another sender has it.
    """
    until = now + claim_time
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, or_(
            (OutboxMessage.status == OutboxStatus.queued) & (OutboxMessage.next_attempt_at <= now),
            (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_until < now)))
        .values(status=OutboxStatus.sending, claimed_until=until)
    )
    db.session.commit()
    return until if claimed.rowcount == 1 else None


def _finish(message_id: int, claimed_until: datetime, **values) -> bool:
    """Write the outcome of a send, if the claim is still this sender's (it is, unless the send
    took longer than the claim; then the other sender's outcome stands)."""
    begin_write()  # SQLite: a fresh write transaction, never an upgraded stale read
    done = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.sending,
               OutboxMessage.claimed_until == claimed_until)
        .values(claimed_until=None, attempts=OutboxMessage.attempts + 1, **values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if done.rowcount != 1:
        log.warning("E-mail %s: the claim ran out while sending; another sender took it over", message_id)
    return done.rowcount == 1


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to 2 h between attempts."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def deliver_pending(limit: int = 500, now: datetime | None = None, only: Sequence[int] | None = None,
                    app: Flask | None = None) -> DeliveryReport:
    """Send due outbox messages (all, or the ids in ``only``); failures are rescheduled.

    ``now`` fixes the clock (tests of backoff and expiry); by default every claim starts when it
    is taken, not when the batch started.
    """
    app = app or current_app
    clock = (lambda: now) if now is not None else utcnow
    claim_time = timedelta(seconds=app.config.get("MAIL_CLAIM_SECONDS") or CLAIM_TIME.total_seconds())
    report = DeliveryReport()
    transport = transport_for(app.config)
    try:
        for message_id in _due_ids(clock(), limit, only):
            started = clock()
            claimed_until = _claim(message_id, started, claim_time)
            if claimed_until is None:
                continue  # another sender has it
            row = db.session.get(OutboxMessage, message_id)
            attempts, address = row.attempts + 1, row.to_address
            try:
                if address.endswith(ERASED_DOMAIN):
                    raise ErasedAddress("the registration was erased; nothing is sent to it")
                transport.send(row, build_message(row, app.config["MAIL_DEFAULT_SENDER"], app.config["BASE_URL"],
                                                  network_of(row)))
            except Exception as error:  # noqa: BLE001 - any transport failure means: try again later
                last_error = f"{type(error).__name__}: {error}"[:2000]
                given_up = attempts >= MAX_ATTEMPTS or isinstance(error, ErasedAddress)
                if given_up:
                    outcome = dict(status=OutboxStatus.failed)
                    report.failed += 1
                else:
                    outcome = dict(status=OutboxStatus.queued, next_attempt_at=started + retry_delay(attempts))
                    report.retrying += 1
                report.errors.append(last_error)
                _finish(message_id, claimed_until, last_error=last_error, **outcome)
                log.warning("E-mail %s from the outbox failed (attempt %s): %s", message_id, attempts, last_error)
            else:
                _finish(message_id, claimed_until, status=OutboxStatus.sent, sent_at=utcnow())
                report.sent += 1
    finally:
        transport.close()
    return report


class ErasedAddress(Exception):
    """The message is addressed to an erased registration."""


def deliver_after_request(response):
    """On the embedded default, send what this request queued once it has been committed."""
    queued = g.pop("outbox_queued", None)
    if not queued or not current_app.config.get("MAIL_DELIVER_INLINE"):
        return response
    # Whatever the view left uncommitted did not happen: drop it, then send only committed rows
    # (a message rolled back with its change is simply not found).
    db.session.rollback()
    # Identity keys, not attributes: a message deleted in the same request (erasure) cannot be loaded.
    ids = [message_id for message_id in map(_queued_id, queued) if message_id is not None]
    if ids:
        try:
            deliver_pending(only=ids)
        except Exception:  # noqa: BLE001 - a mail problem must never break the attendee's page
            db.session.rollback()
            log.exception("Inline e-mail delivery failed; the worker will retry")
    return response


def _queued_id(message: OutboxMessage | int) -> int | None:
    if isinstance(message, int):  # a row written without the ORM (``mail.tracking``)
        return message
    identity = sa_inspect(message).identity
    return identity[0] if identity else None


def init_app(app: Flask) -> None:
    app.config.setdefault("MAIL_DELIVER_INLINE", not app.config.get("MAIL_SERVER"))
    app.after_request(deliver_after_request)
