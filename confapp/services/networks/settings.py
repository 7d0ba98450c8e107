"""A network's settings, edited by its admins: name, responsible body, contact, colour, sender,
legal settings, default retention, logo; and the "before you publish" checklist.

Every change is checked here (German messages by field) and written to the audit log in the
same transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from flask_babel import gettext as _

from confapp import colours
from confapp.extensions import db
from confapp.models import Event, EventStatus, LegalKind, Network, User
from confapp.services.networks import audit, logos
from confapp.services.privacy import bodies, legal

#: Longest text per setting (the columns' lengths; free texts get a sensible bound).
LIMITS = {"name": 200, "short_name": 60, "responsible_body": 300, "representative": 300, "postal_address": 500,
          "phone": 60, "contact_email": 254, "accent_color": 7, "mail_sender_name": 100, "reply_to": 254,
          "data_protection_officer": 1000, "supervisory_authority": 1000, "accessibility_limitations": 3000,
          "accessibility_contact": 254, "enforcement_body": 20}
MULTILINE = ("postal_address", "data_protection_officer", "supervisory_authority", "accessibility_limitations")
EMAILS = ("contact_email", "reply_to", "accessibility_contact")
MIN_RETENTION, MAX_RETENTION = 1, 120
#: German names of the settings, for the audit log.
LABELS = {"name": "Name", "short_name": "Kurzname", "responsible_body": "Verantwortliche Stelle",
          "representative": "Vertretungsberechtigte Person", "postal_address": "Anschrift", "phone": "Telefon",
          "contact_email": "Kontakt-E-Mail", "accent_color": "Akzentfarbe", "mail_sender_name": "Absendername",
          "reply_to": "Antwortadresse", "data_protection_officer": "Datenschutzbeauftragte Person",
          "supervisory_authority": "Aufsichtsbehörde", "accessibility_date": "Datum der Erklärung",
          "accessibility_limitations": "Bekannte Einschränkungen", "accessibility_contact": "Kontakt für Barrieren",
          "enforcement_body": "Schlichtungsstelle", "retention_months": "Aufbewahrungsfrist"}


class SettingsError(ValueError):
    """Problems by field name, each a German sentence."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class NetworkSettings:
    name: str
    short_name: str = ""
    responsible_body: str = ""
    representative: str = ""
    postal_address: str = ""
    phone: str = ""
    contact_email: str = ""
    accent_color: str = ""
    mail_sender_name: str = ""
    reply_to: str = ""
    data_protection_officer: str = ""
    supervisory_authority: str = ""
    accessibility_date: date | None = None
    accessibility_limitations: str = ""
    accessibility_contact: str = ""
    enforcement_body: str = ""
    retention_months: int = 3

    @classmethod
    def of(cls, network: Network) -> NetworkSettings:
        return cls(**{f.name: getattr(network, f.name) for f in fields(cls)})


def _checked(values: NetworkSettings) -> NetworkSettings:
    problems: dict[str, str] = {}
    cleaned = {}
    for f in fields(values):
        value = getattr(values, f.name)
        if isinstance(value, str):
            if f.name in MULTILINE:
                lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
                value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
            else:
                value = " ".join(value.split())
            if len(value) > LIMITS[f.name]:
                problems[f.name] = _("Höchstens %(count)s Zeichen.", count=LIMITS[f.name])
        cleaned[f.name] = value
    if not cleaned["name"]:
        problems["name"] = _("Bitte geben Sie den Namen des Netzwerks an.")
    for name in EMAILS:
        address = cleaned[name]
        if address and ("@" not in address or " " in address or address.startswith("@") or address.endswith("@")):
            problems.setdefault(name, _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. netzwerk@landkreis.de."))
    if cleaned["accent_color"]:
        colour = colours.normalise_hex(cleaned["accent_color"])
        if colour is None:
            problems["accent_color"] = _("Bitte geben Sie die Farbe als Hex-Wert an, z. B. #005a8c.")
        elif not colours.readable(colour):
            problems["accent_color"] = (_("Auf dieser Farbe ist weder weiße noch dunkle Schrift gut lesbar "
                                        "(Kontrast unter 4,5 : 1). Bitte wählen Sie eine hellere oder dunklere Farbe."))
        else:
            cleaned["accent_color"] = colour
    if cleaned["enforcement_body"] and bodies.enforcement_body(cleaned["enforcement_body"]) is None:
        problems["enforcement_body"] = _("Bitte wählen Sie ein Land aus der Liste.")
    months = cleaned["retention_months"]
    if not isinstance(months, int) or not MIN_RETENTION <= months <= MAX_RETENTION:
        problems["retention_months"] = _("Bitte eine Zahl von %(min)s bis %(max)s Monaten.", min=MIN_RETENTION,
                                          max=MAX_RETENTION)
    if cleaned["accessibility_date"] and cleaned["accessibility_date"] > date.today():
        problems["accessibility_date"] = _("Das Datum der Erklärung darf nicht in der Zukunft liegen.")
    if problems:
        raise SettingsError(problems)
    return NetworkSettings(**cleaned)


def update_settings(network: Network, values: NetworkSettings, actor: User) -> list[str]:
    """Check and store the settings; returns the German names of what changed (logged).

    Raises ``SettingsError`` and changes nothing when a value is not acceptable.
    """
    values = _checked(values)
    changed = []
    for f in fields(values):
        new = getattr(values, f.name)
        if getattr(network, f.name) != new:
            setattr(network, f.name, new)
            changed.append(LABELS[f.name])
    if changed:
        audit.record(actor, "network.settings", "Einstellungen geändert: " + ", ".join(changed) + ".",
                     network=network)
    db.session.commit()
    return changed


def replace_logo(network: Network, data: bytes, actor: User) -> None:
    """Check and store the logo (``logos.set_logo``, which logs it); raises ``logos.LogoError``."""
    try:
        logos.set_logo(network, data, actor=actor)
    except logos.LogoError:
        db.session.rollback()
        raise


def drop_logo(network: Network, actor: User) -> None:
    logos.remove_logo(network, actor=actor)


@dataclass(frozen=True)
class CheckItem:
    """One line of the "before you publish" checklist."""

    #: "legal", "sender" or "logo": which part of the settings fixes it.
    area: str
    label: str
    done: bool
    #: What is missing, in German; empty when done.
    detail: str = ""


def checklist(network: Network) -> list[CheckItem]:
    """What a network should have before its pages go public: legal settings, sender, logo."""
    items = []
    for kind in (LegalKind.imprint, LegalKind.privacy, LegalKind.accessibility, LegalKind.easy_language):
        missing = [] if (not kind.per_event and legal.has_own_wording(network, kind)) \
            else legal.missing_settings(network, kind)
        items.append(CheckItem("legal", legal.TITLES[kind], not missing,
                               "Es fehlt: " + ", ".join(missing) + "." if missing else ""))
    sender_missing = [] if network.reply_address else [_("Antwortadresse oder Kontakt-E-Mail")]
    items.append(CheckItem("sender", f"E-Mail-Absender „{network.sender_name}“", not sender_missing,
                           "Es fehlt: " + ", ".join(sender_missing) + "." if sender_missing else ""))
    items.append(CheckItem("logo", "Logo", network.logo_mime is not None,
                           "" if network.logo_mime else _("Noch kein Logo hochgeladen.")))
    return items


def is_published(network: Network) -> bool:
    """The network has an event attendees can see."""
    return db.session.scalar(db.select(Event.id).where(Event.network_id == network.id,
                                                       Event.status == EventStatus.published).limit(1)) is not None
