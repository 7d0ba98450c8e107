"""Door forms (Flask-WTF, CSRF on except for the search, which changes nothing)."""
from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from confapp.services.checkin.door import MAX_QUERY_LENGTH, DoorSlot, workshops_with_seats
from confapp.services.registration.choices import Choices
from confapp.services.registration.rules import InvalidRegistration


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name oder Organisation (oder Code vom Namensschild)"), validators=[
        Length(max=MAX_QUERY_LENGTH, message=_l("Bitte höchstens %(max)d Zeichen eingeben.", max=MAX_QUERY_LENGTH))],
        render_kw={"autocomplete": "off", "maxlength": MAX_QUERY_LENGTH})


class CodeForm(FlaskForm):
    code = StringField(_l("Code vom Namensschild"), validators=[
        DataRequired(_l("Bitte geben Sie den Code vom Namensschild ein.")),
        Length(max=300, message=_l("Der Code ist zu lang. Bitte prüfen Sie ihn."))],
        render_kw={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false", "maxlength": 300})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SettingsForm(FlaskForm):
    checkin_on_open = BooleanField(_l("Beim Öffnen des Namensschild-Links sofort einchecken"))


#: Staff type in someone else's data: the browser must not offer the staff member's own.
_NO_AUTOFILL = {"autocomplete": "off"}


class WalkInForm(FlaskForm):
    """A person registered at the door; the registration service decides seat or waitlist."""

    first_name = StringField(_l("Vorname"), validators=[
        DataRequired(_l("Bitte geben Sie den Vornamen an.")), Length(max=100)], render_kw=_NO_AUTOFILL)
    last_name = StringField(_l("Nachname"), validators=[
        DataRequired(_l("Bitte geben Sie den Nachnamen an.")), Length(max=100)], render_kw=_NO_AUTOFILL)
    #: Optional: without one the person gets no e-mails (the desk is told so).
    email = EmailField(_l("E-Mail-Adresse (freiwillig)"), validators=[Length(max=254)], render_kw=_NO_AUTOFILL)
    organisation = StringField(_l("Einrichtung oder Träger"), validators=[
        DataRequired(_l("Bitte geben Sie die Einrichtung oder den Träger an.")), Length(max=200)],
        render_kw=_NO_AUTOFILL)
    sector = SelectField(_l("Arbeitsfeld"), validators=[DataRequired(_l("Bitte wählen Sie das Arbeitsfeld."))])
    privacy_consent = BooleanField(_l("Die Person hat die Datenschutzhinweise erhalten und ist einverstanden."))

    #: The slots whose workshops still have free seats: their fields ``workshop_<slot id>`` are shown.
    door_slots: list[DoorSlot]
    #: Every slot of parallel workshops: a choice posted for one that filled up since is still read,
    #: so the service refuses it instead of registering the person without it.
    slot_ids: list[int]

    @classmethod
    def for_event(cls, event, **kwargs) -> "WalkInForm":
        slots = event.choice_slots
        form = _with_workshops(cls, tuple((slot.id, slot.label) for slot in slots))(**kwargs)
        form.slot_ids = [slot.id for slot in slots]
        form.door_slots = workshops_with_seats(event)
        form.sector.choices = [("", _l("Bitte wählen"))] + [(sector, sector) for sector in event.network.sectors]
        free = {door_slot.slot.id: door_slot.items for door_slot in form.door_slots}
        for slot in slots:
            form.workshop_field(slot.id).choices = [("", _l("keine Wahl"))] + [
                (str(item.id), _offer(item)) for item in free.get(slot.id, [])]
        return form

    def workshop_field(self, slot_id: int):
        return self[f"workshop_{slot_id}"]

    @property
    def workshop_fields(self) -> list:
        """The fields shown: one per slot with a free seat left."""
        return [self.workshop_field(door_slot.slot.id) for door_slot in self.door_slots]

    @property
    def choices(self) -> Choices:
        """The workshop chosen per slot; a value that is no id goes to the service as -1 (not in the list)."""
        chosen: Choices = {}
        for slot_id in self.slot_ids:
            value = (self.workshop_field(slot_id).data or "").strip()
            if value:
                chosen[slot_id] = [int(value) if value.isdigit() and len(value) < 12 else -1]
        return chosen

    def show(self, invalid: InvalidRegistration) -> None:
        """The service's messages next to the fields (workshop problems next to their slot)."""
        for name, message in invalid.problems.items():
            (getattr(self, name, None) or self.email).errors.append(message)
        for problem in invalid.choice_problems:
            field = self.field_of_slot(problem.slot_id)
            field.errors = [*field.errors, problem.message]

    def field_of_item(self, item_id: int | None):
        """The shown slot field where ``item_id`` was chosen; None when that slot is no longer shown."""
        for field in self.workshop_fields:
            if (field.data or "").strip() == str(item_id):
                return field
        return None

    def field_of_slot(self, slot_id: int):
        """The slot's field if it is shown, else the first shown one (else the e-mail field)."""
        shown = self.workshop_fields
        return next((field for field in shown if field.name == f"workshop_{slot_id}"), None) \
            or (shown[0] if shown else self.email)


def _offer(item) -> str:
    """How a workshop is offered at the door: its title, room and seats left."""
    text = item.title
    if item.room is not None:
        text += f" ({item.room.name})"
    if item.capacity is not None:
        text += " – " + str(_l("noch %(count)d frei", count=item.capacity - item.seats_taken))
    return text


@lru_cache(maxsize=64)
def _with_workshops(base: type, slots: tuple[tuple[int, str], ...]) -> type:
    """``base`` with a workshop choice per slot, labelled with the slot's name. ``validate_choice``
    is off: a workshop that filled up after the page was shown is the service's to refuse."""
    fields = {f"workshop_{slot_id}": SelectField(label, validate_choice=False, render_kw=_NO_AUTOFILL)
              for slot_id, label in slots}
    return type(f"{base.__name__}WithWorkshops", (base,), fields)
