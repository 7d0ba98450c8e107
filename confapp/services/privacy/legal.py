"""Legal pages: Impressum, privacy notice (Art. 13 DSGVO), accessibility statement, Leichte Sprache.

Each page has a German default built from the network's settings and the event's data; a
network's admins may replace it with their own wording (``LegalText``), see it first, and go
back to the default. Both are plain text with a little Markdown: a blank line starts a
paragraph, a line starting with "## " is a heading, lines starting with "- " are a list. Nothing
else is markup: every character is escaped when shown. A default page that lacks a required
setting leaves that part out, and ``missing_settings`` tells the admin which. Consent records
keep the fingerprint of the exact wording an attendee agreed to.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from flask import abort, render_template
from sqlalchemy import JSON, LargeBinary, bindparam, select
from flask_babel import lazy_gettext as _l
from flask_babel import gettext as _

from confapp.extensions import db
from confapp.models import ConsentRecord, Event, LegalKind, LegalText, Network, Registration, User, utcnow
from confapp.services.networks import audit
from confapp.services.privacy import bodies

TITLES = {
    LegalKind.imprint: _l("Impressum"),
    LegalKind.accessibility: _l("Erklärung zur Barrierefreiheit"),
    LegalKind.privacy: _l("Datenschutzhinweise"),
    LegalKind.easy_language: "Leichte Sprache",
}
MAX_BODY = 50_000


#: Settings a default page cannot do without: (network attribute, German name of the setting).
REQUIRED_SETTINGS: dict[LegalKind, tuple[tuple[str, str], ...]] = {
    LegalKind.imprint: (("responsible_body", _l("Verantwortliche Stelle")),
                        ("representative", _l("Vertretungsberechtigte Person")),
                        ("postal_address", _l("Anschrift")), ("contact_email", _l("Kontakt-E-Mail"))),
    LegalKind.privacy: (("responsible_body", _l("Verantwortliche Stelle")), ("postal_address", _l("Anschrift")),
                        ("contact_email", _l("Kontakt-E-Mail")),
                        ("data_protection_officer", _l("Datenschutzbeauftragte Person")),
                        ("supervisory_authority", _l("Datenschutz-Aufsichtsbehörde"))),
    LegalKind.accessibility: (("accessibility_date", _l("Datum der Erklärung zur Barrierefreiheit")),
                              ("enforcement_body", _l("Schlichtungsstelle (Land)")),
                              ("barrier_contact", _l("Kontakt für gemeldete Barrieren"))),
    LegalKind.easy_language: (("contact_email", _l("Kontakt-E-Mail")),),
}
#: Characters kept in a page's wording besides printable ones.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Block:
    """One heading, paragraph or list of a legal page."""

    heading: bool
    text: str
    #: The items, for a list ("- " lines); then ``text`` is empty.
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalPage:
    kind: LegalKind
    title: str
    text: str
    #: False while the German default is shown.
    custom: bool

    @property
    def blocks(self) -> list[Block]:
        blocks = []
        for chunk in self.text.replace("\r\n", "\n").split("\n\n"):
            chunk = chunk.strip()
            if chunk.startswith("## "):
                heading, _, rest = chunk.partition("\n")
                blocks.append(Block(True, heading[3:].strip()))
                chunk = rest.strip()
            lines = chunk.split("\n") if chunk else []
            if lines and all(line.lstrip().startswith("- ") for line in lines):
                blocks.append(Block(False, "", tuple(line.lstrip()[2:].strip() for line in lines)))
            elif chunk:
                blocks.append(Block(False, chunk))
        return blocks

    @property
    def version(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def network_or_404(slug: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        abort(404)
    return network


def _stored(network: Network, kind: LegalKind, event: Event | None, what=LegalText):
    """The organiser's own wording (the row, or just ``what`` of it), None for the default;
    ``event`` for pages per event."""
    query = _stored_query(event is not None, what)
    parameters = {"network_id": network.id, "kind": kind, "event_id": event.id if event is not None else None}
    if what is LegalText:
        return db.session.scalar(query, parameters)
    # A column only: straight on the session's connection, without the ORM's result machinery
    # (every registration asks, for the privacy notice's version); what is pending is written
    # first, as the ORM's query would (a text saved in this transaction counts).
    db.session.flush()
    return db.session.connection().execute(query, parameters).scalar()


@cache
def _stored_query(per_event: bool, what):
    """Built once: every registration asks (for the privacy notice's version)."""
    query = select(what).where(LegalText.network_id == bindparam("network_id"),
                               LegalText.kind == bindparam("kind", type_=LegalText.__table__.c.kind.type))
    if per_event:
        return query.where(LegalText.event_id == bindparam("event_id"))
    return query.where(LegalText.event_id.is_(None))


def legal_page(network: Network, kind: LegalKind, event: Event | None = None) -> LegalPage:
    """The page as attendees see it: the organiser's wording, or the German default."""
    if kind.per_event and event is None:
        raise ValueError(f"{kind.value} belongs to an event")
    text = _stored(network, kind, event if kind.per_event else None, LegalText.body)
    if text is not None:
        return LegalPage(kind, str(TITLES[kind]), text, custom=True)
    return LegalPage(kind, str(TITLES[kind]), _render_default(network, kind, event), custom=False)


def default_page(network: Network, kind: LegalKind, event: Event | None = None) -> LegalPage:
    """The German default, whatever the admin saved (to start their own wording from)."""
    return LegalPage(kind, str(TITLES[kind]), _render_default(network, kind, event), custom=False)


def preview_page(kind: LegalKind, body: str) -> LegalPage:
    """How ``body`` would show, without saving it."""
    return LegalPage(kind, str(TITLES[kind]), _clean(body), custom=True)


def _render_default(network: Network, kind: LegalKind, event: Event | None) -> str:
    if kind == LegalKind.privacy:
        return _default_privacy_text(network, event)
    text = render_template(f"legal/{kind.value}.txt", network=network, event=event,
                           enforcement=bodies.enforcement_body(network.enforcement_body),
                           overview=bodies.LAENDER_OVERVIEW)
    # A left-out setting leaves blank lines behind: at most one between blocks.
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def missing_settings(network: Network, kind: LegalKind) -> list[str]:
    """German names of the settings the default ``kind`` page needs and the network lacks."""
    return [str(label) for attribute, label in REQUIRED_SETTINGS[kind] if not getattr(network, attribute)]


def has_own_wording(network: Network, kind: LegalKind, event: Event | None = None) -> bool:
    return _stored(network, kind, event if kind.per_event else None, LegalText.id) is not None


#: The default privacy notice by what it is made from. Every registration needs its version,
#: and rendering it cost more than the rest of the consent together. Only this text is kept:
#: its template uses nothing but the network's and the event's own columns (the easy-language
#: page, say, also shows the program, and dates in the visitor's language).
_privacy_texts: dict[tuple, str] = {}


def _default_privacy_text(network: Network, event: Event) -> str:
    key = (_columns(network), _columns(event))
    text = _privacy_texts.get(key)
    if text is None:
        if len(_privacy_texts) >= 256:
            _privacy_texts.clear()
        text = render_template("legal/privacy.txt", network=network, event=event)
        text = _privacy_texts[key] = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text


def _columns(row: Network | Event) -> tuple:
    """Every column's value but the seat count, which changes with each registration, and images."""
    keys, json_columns = _key_columns(type(row))
    try:  # as loaded, without the attribute machinery: this runs for every registration
        values = list(itemgetter(*keys)(row.__dict__))
    except KeyError:  # expired since: load it
        values = [getattr(row, key) for key in keys]
    for index in json_columns:  # lists and dicts are no dictionary keys
        values[index] = json.dumps(values[index])
    return tuple(values)


@cache
def _key_columns(model: type) -> tuple[tuple[str, ...], tuple[int, ...]]:
    # Not the seat count, nor images (a network's logo is loaded only when used).
    columns = [column for column in model.__table__.columns
               if column.key != "seats_taken" and not isinstance(column.type, LargeBinary)]
    return (tuple(column.key for column in columns),
            tuple(index for index, column in enumerate(columns) if isinstance(column.type, JSON)))


def save_legal_text(network: Network, kind: LegalKind, body: str, actor: str,
                    event: Event | None = None) -> LegalText | None:
    """Replace a page's wording; an empty body goes back to the default. The caller commits."""
    body = _clean(body)
    if len(body) > MAX_BODY:
        raise ValueError(_("Der Text ist zu lang (höchstens %(count)s Zeichen).", count=MAX_BODY))
    stored = _stored(network, kind, event if kind.per_event else None)
    if not body:
        if stored is not None:
            db.session.delete(stored)
        return None
    if stored is None:
        stored = LegalText(network_id=network.id, event_id=event.id if kind.per_event and event else None, kind=kind)
        db.session.add(stored)
    stored.body, stored.updated_by, stored.updated_at = body, actor, utcnow()
    return stored


def _clean(body: str) -> str:
    """Line ends unified, control characters gone, no blank space around."""
    return _CONTROL.sub("", body.replace("\r\n", "\n").replace("\r", "\n")).strip()


def privacy_version(event: Event) -> str:
    """The version of the privacy notice attendees of ``event`` see now (what consents refer to)."""
    return legal_page(event.network, LegalKind.privacy, event).version


def record_consent(registration: Registration, kind: str, given: bool = True,
                   version: str | None = None) -> ConsentRecord:
    """Note that ``registration`` agreed (or withdrew) now, to the privacy notice shown now.

    ``version`` is ``privacy_version`` when the caller has it already (read before a lock).
    """
    version = version or privacy_version(registration.event)
    record = ConsentRecord(registration=registration, kind=kind, text_version=version, given=given, at=utcnow())
    db.session.add(record)
    return record


def replace_wording(network: Network, kind: LegalKind, body: str, actor: User,
                    event: Event | None = None) -> LegalText | None:
    """An admin's own wording of a page (or, empty, back to the default), logged and committed.

    Raises ``ValueError`` with a German message when the text is too long; nothing changes then.
    """
    saved = save_legal_text(network, kind, body, actor.email, event)
    where = f" ({event.title})" if event is not None and kind.per_event else ""
    summary = (f"Eigener Text für „{TITLES[kind]}“{where} gespeichert." if saved is not None
               else f"„{TITLES[kind]}“{where} zeigt wieder den Standardtext.")
    audit.record(actor, "legal.wording", summary, network=network, event=event if kind.per_event else None)
    db.session.commit()
    return saved
