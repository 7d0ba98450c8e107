"""Forms of the event and program editor (Flask-WTF, CSRF on; every field has a length limit)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from confapp.models import ChoiceMode, ItemKind

MOMENT = "%Y-%m-%dT%H:%M"


def _required(message):
    return InputRequired(message)


def _moment(label, required=True):
    validators = [_required(_l("Bitte geben Sie Datum und Uhrzeit an."))] if required else [Optional()]
    return DateTimeLocalField(label, format=MOMENT, validators=validators)


def _seats(label):
    return IntegerField(label, validators=[Optional(), NumberRange(
        min=1, max=100_000, message=_l("Bitte eine ganze Zahl von 1 bis 100000, oder leer lassen."))])


class GermanParseErrors:
    """Date, time and number fields: a German message when the browser sends something unreadable."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for f in self:
            if f.errors and f.type in ("DateTimeLocalField", "DateField", "TimeField", "IntegerField"):
                f.errors[:] = [_l("Bitte geben Sie einen gültigen Wert ein.") if "valid" in str(m) else m
                               for m in f.errors]
        return valid


class EventForm(GermanParseErrors, FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")), Length(max=200)])
    slug = StringField(_l("Adresse (Kurzname in der URL)"), validators=[
        DataRequired(_l("Bitte geben Sie eine Adresse an.")), Length(max=80)])
    subtitle = StringField(_l("Untertitel"), validators=[Length(max=300)])
    description = TextAreaField(_l("Beschreibung"), validators=[Length(max=20_000)])
    starts_at = _moment(_l("Beginn"))
    ends_at = _moment(_l("Ende"))
    venue_name = StringField(_l("Veranstaltungsort"), validators=[Length(max=200)])
    venue_address = StringField(_l("Anschrift"), validators=[Length(max=300)])
    capacity = _seats(_l("Plätze insgesamt"))
    registration_opens_at = _moment(_l("Anmeldung ab"), required=False)
    registration_closes_at = _moment(_l("Anmeldeschluss"), required=False)
    choice_mode = SelectField(_l("Workshopwahl"), choices=[
        (ChoiceMode.ranked.value, _l("Wünsche nach Rang, Zuteilung durch das Organisationsteam")),
        (ChoiceMode.direct.value, _l("Direkte Platzwahl bei der Anmeldung"))])
    ranks = IntegerField(_l("Anzahl Wünsche je Zeitfenster"), default=3, validators=[
        InputRequired(_l("Bitte geben Sie eine Zahl von 1 bis 5 an.")),
        NumberRange(min=1, max=5, message=_l("Bitte eine Zahl von 1 bis 5."))])
    contact_email = EmailField(_l("Kontakt-E-Mail"), validators=[
        Optional(), Email(_l("Bitte geben Sie eine gültige E-Mail-Adresse an.")), Length(max=254)])
    teaching_units = IntegerField(_l("Unterrichtseinheiten (je 45 Minuten)"), validators=[Optional(), NumberRange(
        min=1, max=100, message=_l("Bitte eine ganze Zahl von 1 bis 100, oder leer lassen."))])
    #: The fingerprint of the preview of who moves up with more seats (``services.mail.bulk``).
    confirmed = HiddenField(validators=[Length(max=64)])


class DuplicateForm(GermanParseErrors, FlaskForm):
    title = StringField(_l("Titel der Kopie"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")),
                                                           Length(max=200)])
    slug = StringField(_l("Adresse der Kopie"), validators=[DataRequired(_l("Bitte geben Sie eine Adresse an.")),
                                                            Length(max=80)])
    starts_on = DateField(_l("Neuer erster Veranstaltungstag"), validators=[
        _required(_l("Bitte geben Sie ein Datum an."))])


class SlotForm(GermanParseErrors, FlaskForm):
    label = StringField(_l("Bezeichnung"), validators=[DataRequired(_l("Bitte geben Sie eine Bezeichnung an.")),
                                                       Length(max=120)])
    starts_at = _moment(_l("Beginn"))
    ends_at = _moment(_l("Ende"))


class RoomForm(GermanParseErrors, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Bitte geben Sie einen Namen an.")), Length(max=120)])
    capacity = _seats(_l("Plätze im Raum"))
    access_notes = StringField(_l("Hinweise zur Barrierefreiheit"), validators=[Length(max=500)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemForm(GermanParseErrors, FlaskForm):
    slot_id = SelectField(_l("Zeitfenster"), coerce=int)
    kind = SelectField(_l("Art"), choices=[
        (ItemKind.talk.value, _l("Vortrag")), (ItemKind.workshop.value, _l("Workshop")),
        (ItemKind.theme_table.value, _l("Thementisch")), (ItemKind.break_.value, _l("Pause"))])
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel an.")), Length(max=200)])
    abstract = TextAreaField(_l("Beschreibung"), validators=[Length(max=5_000)])
    room_id = SelectField(_l("Raum"), coerce=int)
    shares_room = BooleanField(_l("Teilt sich den Raum mit anderen Programmpunkten zur selben Zeit"))
    capacity = _seats(_l("Plätze"))
    starts_at = TimeField(_l("Eigener Beginn"), validators=[Optional()])
    ends_at = TimeField(_l("Eigenes Ende"), validators=[Optional()])
    speakers = TextAreaField(_l("Referent*innen"), validators=[Length(max=2_000)])
    leader_ids = MultiCheckboxField(_l("Workshopleitung (Konten mit Lesezugriff auf die Teilnehmendenliste)"),
                                    coerce=int, validate_choice=False)
    #: The fingerprint of the preview of who moves up with more seats (``services.mail.bulk``).
    confirmed = HiddenField(validators=[Length(max=64)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
