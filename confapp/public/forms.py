"""Forms of the attendee pages: registration and changing workshop choices.

The workshop choice fields are made per event (one per slot and rank, named
``choice_<slot id>_<rank>``); the rules they must follow live in ``services/registration/choices.py`` and
``services/registration/change.py``, whose German messages land next to the fields.
"""
from __future__ import annotations

from functools import lru_cache

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from confapp.models import ChoiceMode, Event
from confapp.services.registration.choices import Choices, ranks_in
from confapp.services.registration.change import LIMITS, InvalidRegistration, RegistrationData, registration_problems


#: Shorter names than the long checkbox labels, for the error summary.
SUMMARY_LABELS = {"privacy_consent": _l("Datenschutz"), "photo_consent": _l("Fotos"),
                  "needs_consent": _l("Einwilligung zu Verpflegung und Unterstützungsbedarf")}


def _limit(name: str) -> Length:
    return Length(max=LIMITS[name], message=_l("Bitte höchstens %(max)d Zeichen eingeben."))


def _text(label, name: str, autocomplete: str | None = None, field=StringField):
    render = {"maxlength": LIMITS[name]}
    if autocomplete:
        render["autocomplete"] = autocomplete
    return field(label, validators=[_limit(name)], render_kw=render)


class ConfirmForm(FlaskForm):
    """A button that must come from our own page (CSRF), e.g. "Ja, stornieren"."""


class ChoiceForm(FlaskForm):
    """Only the workshop choices (the manage page's change form); fields are added per event."""

    event: Event

    @classmethod
    def for_event(cls, event: Event, **kwargs):
        shape = tuple((slot.id, ranks_in(event, slot)) for slot in event.choice_slots)
        form = _form_class(cls, shape)(**kwargs)
        form.event = event
        return form

    def choice_field(self, slot_id: int, rank: int):
        return self[f"choice_{slot_id}_{rank}"]

    def fill_choices(self, choices: Choices) -> None:
        for slot_id, item_ids in choices.items():
            for rank, item_id in enumerate(item_ids, start=1):
                name = f"choice_{slot_id}_{rank}"
                if name in self:
                    self[name].data = str(item_id)

    @property
    def choices(self) -> Choices:
        chosen: Choices = {}
        for slot in self.event.choice_slots:
            chosen[slot.id] = [_as_id(self.choice_field(slot.id, rank).data)
                               for rank in range(1, ranks_in(self.event, slot) + 1)]
        return chosen

    def show(self, invalid: InvalidRegistration) -> None:
        """Put the service's messages next to the fields (the first problem of a field wins)."""
        for name, message in invalid.problems.items():
            if name in self and not self[name].errors:
                self[name].errors = [*self[name].errors, message]
        for problem in invalid.choice_problems:
            field = self.choice_field(problem.slot_id, problem.rank)
            if not field.errors:
                field.errors = [*field.errors, problem.message]

    def summary_label(self, field) -> str:
        """How the error summary names a field: choice fields by slot and rank."""
        if field.name.startswith("choice_"):
            _, slot_id, rank = field.name.split("_")
            slot = next(slot for slot in self.event.choice_slots if slot.id == int(slot_id))
            if self.event.choice_mode == ChoiceMode.direct:
                return slot.label
            return f"{slot.label} – {field.label.text}"
        return SUMMARY_LABELS.get(field.name) or field.label.text

    @property
    def has_errors(self) -> bool:
        return any(field.errors for field in self)


class RegistrationForm(ChoiceForm):
    first_name = _text(_l("Vorname"), "first_name", "given-name")
    last_name = _text(_l("Nachname"), "last_name", "family-name")
    email = _text(_l("E-Mail-Adresse"), "email", "email", field=EmailField)
    organisation = _text(_l("Einrichtung / Träger"), "organisation", "organization")
    sector = SelectField(_l("Arbeitsfeld"), validate_choice=False, validators=[_limit("sector")])
    needs_consent = BooleanField(_l("Ich möchte Angaben zu Verpflegung oder Unterstützungsbedarf machen und "
                                    "willige ein, dass sie für die Organisation dieser Veranstaltung "
                                    "gespeichert werden. Ich kann das jederzeit widerrufen."))
    diet = _text(_l("Verpflegung"), "diet")
    access_needs = _text(_l("Barrierefreiheit / Unterstützungsbedarf"), "access_needs", field=TextAreaField)
    privacy_consent = BooleanField(_l("Ich habe die Datenschutzhinweise gelesen."))
    photo_consent = BooleanField(_l("Ich bin einverstanden, dass ich auf Fotos der Veranstaltung zu sehen sein "
                                    "darf, die der Veranstalter veröffentlicht."))
    #: Honeypot: hidden from people (and screen readers); bots fill it in.
    website = StringField(_l("Bitte leer lassen"), validators=[Length(max=200)],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    @classmethod
    def for_event(cls, event: Event, **kwargs):
        form = super().for_event(event, **kwargs)
        form.sector.choices = [("", _l("Bitte wählen …"))] + [(sector, sector) for sector in event.network.sectors]
        return form

    @property
    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())

    def as_request(self) -> RegistrationData:
        return RegistrationData(
            first_name=self.first_name.data or "", last_name=self.last_name.data or "",
            email=self.email.data or "", organisation=self.organisation.data or "", sector=self.sector.data or "",
            choices=self.choices, privacy_consent=self.privacy_consent.data,
            photo_consent=self.photo_consent.data, needs_consent=self.needs_consent.data,
            diet=self.diet.data or "", access_needs=self.access_needs.data or "",
            language=get_locale().language)

    def validate(self, extra_validators=None) -> bool:
        """The field checks; if one fails, every rule of the registration service too, so that
        all problems are reported at once. A form whose fields pass goes to the service, which
        checks its rules itself (``InvalidRegistration``, shown with ``show``)."""
        if super().validate(extra_validators):
            return True
        invalid = registration_problems(self.event, self.as_request())
        if invalid:
            self.show(invalid)
        return False


class DetailsForm(ChoiceForm):
    """What an attendee corrects through the private link: the registration form's own fields."""

    first_name = RegistrationForm.first_name
    last_name = RegistrationForm.last_name
    organisation = RegistrationForm.organisation
    sector = RegistrationForm.sector
    needs_consent = RegistrationForm.needs_consent
    diet = RegistrationForm.diet
    access_needs = RegistrationForm.access_needs

    @classmethod
    def for_registration(cls, registration, **kwargs) -> "DetailsForm":
        form = cls(**kwargs)
        form.event = registration.event
        form.sector.choices = [("", _l("Bitte wählen …"))] + [(s, s) for s in registration.event.network.sectors]
        return form

    def corrections(self) -> dict[str, object]:
        return {"first_name": self.first_name.data or "", "last_name": self.last_name.data or "",
                "organisation": self.organisation.data or "", "sector": self.sector.data or "",
                "needs_consent": bool(self.needs_consent.data), "diet": self.diet.data or "",
                "access_needs": self.access_needs.data or ""}


@lru_cache(maxsize=256)
def _form_class(base: type, shape: tuple[tuple[int, int], ...]) -> type:
    """``base`` with a choice field per slot and rank. Made once per program shape: WTForms does
    real work for every new form class, and the registration form is the busiest page."""
    fields = {f"choice_{slot_id}_{rank}": StringField(_l("%(rank)s. Wahl", rank=rank), validators=[Optional()])
              for slot_id, ranks in shape for rank in range(1, ranks + 1)}
    return type(f"{base.__name__}ForEvent", (base,), fields)


def _as_id(value: str | None) -> int | None:
    """An item id, None for an empty choice, -1 for anything else (the service calls it not in the list)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else (-1 if value else None)
