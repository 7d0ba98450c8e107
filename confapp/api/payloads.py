"""Reading JSON bodies and query strings into service values; what does not fit is a problem+json.

Type checks only: the rules themselves (required fields, lengths, sectors, consents, choices)
stay in the services, whose German messages ``field_errors`` hands back in the caller's language.
"""
from __future__ import annotations

import re

from flask import request

from confapp.api.problems import ApiProblem, language
from confapp.services.registration.choices import Choices
from confapp.services.registration.change import InvalidRegistration, RegistrationData

#: Largest id the databases hold (PostgreSQL ``integer``); larger ones cannot name anything.
MAX_ID = 2**31 - 1
REGISTRATION_TEXT = ("first_name", "last_name", "email", "organisation", "sector", "diet", "access_needs")
REGISTRATION_FLAGS = ("privacy_consent", "photo_consent", "needs_consent")
#: Far beyond any real program; keeps a hostile body from costing work.
MAX_CHOICE_SLOTS, MAX_RANKS = 20, 10

#: The services' German messages (by pattern) in English.
ENGLISH = [(re.compile(german), english) for german, english in (
    (r"Bitte geben Sie Ihren Vornamen an\.", "Please enter your first name."),
    (r"Bitte geben Sie Ihren Nachnamen an\.", "Please enter your last name."),
    (r"Bitte geben Sie Ihre E-Mail-Adresse an\.", "Please enter your e-mail address."),
    (r"Bitte geben Sie Ihre Einrichtung oder Ihren Träger an\.", "Please enter your organisation."),
    (r"Bitte wählen Sie Ihr Arbeitsfeld\.", "Please choose your sector."),
    (r"Bitte höchstens (\d+) Zeichen eingeben\.", r"Please enter at most \1 characters."),
    (r"Bitte geben Sie eine gültige E-Mail-Adresse an.*", "Please enter a valid e-mail address, e.g. name@example.org."),
    (r"Bitte wählen Sie ein Arbeitsfeld aus der Liste\.", "Please choose a sector from the list."),
    (r"Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben\.",
     "Please confirm that you have read the privacy notice."),
    (r"Bitte willigen Sie ein, dass wir Ihre Angaben zu Verpflegung.*",
     "Please consent to storing your diet and access needs, or leave these fields empty."),
    (r"Bitte wählen Sie Ihre (\d+)\. Wahl\.", r"Please make your choice no. \1."),
    (r"Bitte wählen Sie einen (Workshop|Thementisch)\.", "Please choose one."),
    (r"Bitte wählen Sie einen Eintrag aus der Liste\.", "Please choose an entry from the list."),
    (r"Bitte wählen Sie für jede Wahl einen anderen .*", "Please choose a different one for each choice."),
    (r"„(.*)“ haben Sie schon in „(.*)“ gewählt\..*", r"You already chose “\1” in “\2”. Please choose another one."),
    (r"Bitte geben Sie hier Text an\.", "Please send text here."),
    (r"Bitte geben Sie hier true oder false an\.", "Please send true or false here."),
    (r"Dieses Feld gibt es nicht\.", "There is no such field."),
    (r"Bitte geben Sie die Wahl als Liste von \{slot_id, item_ids\} an\.",
     "Send the choices as a list of {slot_id, item_ids}."),
    (r"Bitte geben Sie eine ganze Zahl an.*", "Please send a whole number in the allowed range."),
    (r"Bitte wählen Sie einen der erlaubten Werte\.", "Please choose one of the allowed values."),
)]


def in_language(message: str) -> str:
    """``message`` (German, from a service) in the caller's language."""
    if language() != "en":
        return message
    for pattern, english in ENGLISH:
        if pattern.fullmatch(message):
            return pattern.sub(english, message)
    return message


def invalid_problem(errors: dict[str, str]) -> ApiProblem:
    return ApiProblem(422, "invalid", {field: in_language(message) for field, message in errors.items()})


def field_errors(invalid: InvalidRegistration) -> ApiProblem:
    """The service's problems per field; a choice problem's field is ``choices.<slot_id>.<rank>``."""
    errors = dict(invalid.problems)
    for problem in invalid.choice_problems:
        errors.setdefault(f"choices.{problem.slot_id}.{problem.rank}", problem.message)
    return invalid_problem(errors)


def json_object() -> dict:
    """The request's JSON object; 415 for another content type, 400 for broken JSON."""
    if not request.is_json:
        raise ApiProblem(415, "json_expected")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(400, "json_expected")
    return body


def optional_json_object() -> dict:
    """Like ``json_object``, but an empty body stands for ``{}``."""
    return json_object() if request.content_length or request.data else {}


def _text(body: dict, name: str, errors: dict[str, str]) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        errors[name] = "Bitte geben Sie hier Text an."
        return ""
    return value


def _flag(body: dict, name: str, errors: dict[str, str]) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        errors[name] = "Bitte geben Sie hier true oder false an."
        return False
    return value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _choices(value, errors: dict[str, str]) -> Choices:
    """``[{"slot_id": 3, "item_ids": [7, 8, 9]}, …]`` (first wish first) as service ``Choices``."""
    shape_ok = isinstance(value, list) and len(value) <= MAX_CHOICE_SLOTS and all(
        isinstance(entry, dict) and set(entry) == {"slot_id", "item_ids"} and _is_id(entry["slot_id"])
        and isinstance(entry["item_ids"], list) and len(entry["item_ids"]) <= MAX_RANKS
        and all(_is_id(item) for item in entry["item_ids"]) for entry in value)
    if not shape_ok:
        errors["choices"] = "Bitte geben Sie die Wahl als Liste von {slot_id, item_ids} an."
        return {}
    return {entry["slot_id"]: list(entry["item_ids"]) for entry in value}


def _unknown(body: dict, allowed: tuple[str, ...], errors: dict[str, str]) -> None:
    for name in body:
        if name not in allowed:
            errors[str(name)[:100]] = "Dieses Feld gibt es nicht."


def registration_data(body: dict) -> RegistrationData:
    """A public registration's body; type errors raise a 422 problem."""
    errors: dict[str, str] = {}
    _unknown(body, (*REGISTRATION_TEXT, *REGISTRATION_FLAGS, "choices"), errors)
    data = RegistrationData(**{name: _text(body, name, errors) for name in REGISTRATION_TEXT},
                            **{name: _flag(body, name, errors) for name in REGISTRATION_FLAGS},
                            choices=_choices(body.get("choices", []), errors))
    if errors:
        raise invalid_problem(errors)
    return data


def registration_changes(body: dict, editable: tuple[str, ...]) -> tuple[dict[str, str], Choices | None]:
    """An organiser's PATCH: the changed details and, if given, the new choices."""
    errors: dict[str, str] = {}
    _unknown(body, (*editable, "choices"), errors)
    details = {name: _text(body, name, errors) for name in editable if name in body}
    choices = _choices(body["choices"], errors) if "choices" in body else None
    if errors:
        raise invalid_problem(errors)
    return details, choices


def int_arg(name: str, default: int | None, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """An integer query parameter; out of range or not a number is a 400 problem."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not minimum <= int(raw) <= maximum:
        raise ApiProblem(400, "invalid", {name: in_language(f"Bitte geben Sie eine ganze Zahl an "
                                                           f"({minimum} bis {maximum}).")})
    return int(raw)


def text_arg(name: str, limit: int) -> str | None:
    """A text query parameter of at most ``limit`` characters."""
    raw = request.args.get(name)
    if raw is not None and len(raw) > limit:
        raise ApiProblem(400, "invalid", {name: in_language(f"Bitte höchstens {limit} Zeichen eingeben.")})
    return raw


def choice_arg(name: str, allowed: list[str]) -> str | None:
    raw = request.args.get(name)
    if raw is not None and raw not in allowed:
        raise ApiProblem(400, "invalid", {name: in_language("Bitte wählen Sie einen der erlaubten Werte.")})
    return raw
