"""What a registration must satisfy: the input it takes, its length limits, the rules with their
German messages, and the errors the registration service raises. Read-only; the form, the API
and the back office check with these before anything is written.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from confapp.models import Event
from confapp.services.registration.choices import ChoiceProblem, Choices, choice_problems

#: Fields printed on badges, lists and certificates: kept to plain text (see ``printable``).
PRINTED = ("first_name", "last_name", "organisation")
#: What makes a name look like a link or an address: the confirmation e-mail goes to an address
#: nobody has confirmed yet, so a name must not carry a message ("Konto gesperrt: evil.example").
LINK_LIKE = re.compile(r"://|www\.|@|\w{2,}\.[a-z]{2,24}\b", re.IGNORECASE)
#: Fields every registration needs, with what the form says when one is empty (translated only then).
REQUIRED = (("first_name", _l("Bitte geben Sie Ihren Vornamen an.")),
            ("last_name", _l("Bitte geben Sie Ihren Nachnamen an.")),
            ("email", _l("Bitte geben Sie Ihre E-Mail-Adresse an.")),
            ("organisation", _l("Bitte geben Sie Ihre Einrichtung oder Ihren Träger an.")),
            ("sector", _l("Bitte wählen Sie Ihr Arbeitsfeld.")))
#: Longest values accepted, as the database columns allow.
LIMITS = {"first_name": 100, "last_name": 100, "email": 254, "organisation": 200, "sector": 100,
          "diet": 200, "access_needs": 500}


class RegistrationError(Exception):
    """A registration change that is not possible; ``str()`` is a German sentence for the attendee."""


class RegistrationClosed(RegistrationError):
    """The event does not take registrations or changes now."""


class SeatUnavailable(RegistrationError):
    """The workshop is full (organisers' moves never overbook); ``item_id`` names it where known."""

    def __init__(self, message: str, item_id: int | None = None):
        super().__init__(message)
        self.item_id = item_id


class InvalidRegistration(RegistrationError):
    """Input that breaks a rule: ``problems`` maps field names to German messages,
    ``choice_problems`` lists the broken workshop-choice rules."""

    def __init__(self, problems: dict[str, str], choice_problems: list[ChoiceProblem]):
        super().__init__("; ".join([*problems.values(), *(p.message for p in choice_problems)]))
        self.problems = problems
        self.choice_problems = choice_problems


def printable(text: str) -> str:
    """A name or organisation as it may be printed: without control and invisible format characters
    (right-to-left overrides that make "gro.live" print as "evil.org", zero-width spaces, soft
    hyphens), line breaks and runs of spaces as one space."""
    kept = []
    for character in text:
        kind = unicodedata.category(character)
        if kind == "Cf":
            continue
        kept.append(" " if kind in ("Cc", "Zl", "Zp", "Zs") else character)
    return " ".join("".join(kept).split())


@dataclass
class RegistrationData:
    """What the registration form (or an organiser, the door, the API) provides; names and
    organisation are made ``printable`` here, whichever way they came."""

    first_name: str
    last_name: str
    email: str
    organisation: str = ""
    sector: str = ""
    choices: Choices = field(default_factory=dict)
    privacy_consent: bool = False
    photo_consent: bool = False
    #: Consent to store diet and access needs (possibly health data); without it both stay empty.
    needs_consent: bool = False
    diet: str = ""
    access_needs: str = ""
    #: The language the form was filled in; the attendee's e-mails follow it.
    language: str = "de"
    #: The token of a partner's personal invitation link the attendee came through, if any.
    invitation: str | None = None

    def __post_init__(self):
        for name in PRINTED:
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, printable(value))


def registration_problems(event: Event, data: RegistrationData, by_organiser: bool = False) -> InvalidRegistration | None:
    """Everything wrong with ``data`` for ``event``, or None. The form shows these next to its fields."""
    problems: dict[str, str] = {}
    for name, message in REQUIRED:
        # Organisers take registrations by phone or on paper, where there may be no address.
        if not getattr(data, name).strip() and not (name == "email" and by_organiser):
            problems[name] = str(message)
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            problems[name] = _("Bitte höchstens %(limit)s Zeichen eingeben.", limit=limit)
    if not by_organiser:  # anyone may type these, and they go to an address nobody confirmed yet
        for name in ("first_name", "last_name"):
            if name not in problems and LINK_LIKE.search(getattr(data, name)):
                problems[name] = _("Bitte geben Sie nur Ihren Namen an, ohne Internet- oder E-Mail-Adresse.")
        if "organisation" not in problems and re.search(r"://|www\.|@", data.organisation, re.IGNORECASE):
            problems["organisation"] = _("Bitte geben Sie den Namen der Einrichtung an, ohne Internet- "
                                         "oder E-Mail-Adresse.")
    email = data.email.strip()
    if "email" not in problems and (email or not by_organiser) and not valid_email(email):
        problems["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.")
    if data.sector and "sector" not in problems and data.sector not in event.network.sectors:
        problems["sector"] = _("Bitte wählen Sie ein Arbeitsfeld aus der Liste.")
    if not data.privacy_consent and not by_organiser:
        problems["privacy_consent"] = _("Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.")
    if (data.diet.strip() or data.access_needs.strip()) and not data.needs_consent:
        problems["needs_consent"] = (_("Bitte willigen Sie ein, dass wir Ihre Angaben zu Verpflegung und "
                                     "Unterstützungsbedarf speichern, oder lassen Sie diese Felder leer."))
    broken = choice_problems(event, data.choices)
    if by_organiser:  # organisers may add someone without wishes; what they do give must fit
        broken = [problem for problem in broken if not problem.missing]
    if problems or broken:
        return InvalidRegistration(problems, broken)
    return None


def valid_email(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
