"""Forms for organisers' registration actions."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from confapp.public.forms import ChoiceForm
from confapp.services.registration.rules import RegistrationData


class PersonForm(FlaskForm):
    first_name = StringField(_l("Vorname"), validators=[DataRequired(_l("Bitte geben Sie den Vornamen an.")),
                                                        Length(max=100)], render_kw={"autocomplete": "off"})
    last_name = StringField(_l("Nachname"), validators=[DataRequired(_l("Bitte geben Sie den Nachnamen an.")),
                                                        Length(max=100)], render_kw={"autocomplete": "off"})
    organisation = StringField(_l("Einrichtung / Träger"), validators=[Length(max=200)],
                               render_kw={"autocomplete": "off"})
    sector = SelectField(_l("Arbeitsfeld"), validators=[DataRequired(_l("Bitte wählen Sie ein Arbeitsfeld."))])


class CorrectionForm(PersonForm):
    """Every detail of a registration, for organisers (the service checks the rules)."""

    email = EmailField(_l("E-Mail-Adresse"), validators=[Length(max=254)], render_kw={"autocomplete": "off"})
    needs_consent = BooleanField(_l("Die Person willigt ein, dass Verpflegung und Unterstützungsbedarf gespeichert werden"))
    diet = StringField(_l("Verpflegung"), validators=[Length(max=200)], render_kw={"autocomplete": "off"})
    access_needs = TextAreaField(_l("Barrierefreiheit / Unterstützungsbedarf"), validators=[Length(max=500)])
    photo_consent = BooleanField(_l("Die Person ist mit Fotos einverstanden"))

    def corrections(self) -> dict[str, object]:
        """The posted values; a text field missing from the post (not just empty) stays as it is,
        an unticked box is a no, as browsers send forms."""
        values: dict[str, object] = {name: bool(self[name].data) for name in ("needs_consent", "photo_consent")}
        for name in ("first_name", "last_name", "organisation", "sector", "email", "diet", "access_needs"):
            if self[name].raw_data:
                values[name] = self[name].data or ""
        return values


class AddRegistrationForm(ChoiceForm):
    """A registration by phone or on paper: the address is optional, wishes can be recorded
    (fields ``choice_<slot>_<rank>`` per event, as on the attendee's form)."""

    first_name = PersonForm.first_name
    last_name = PersonForm.last_name
    email = EmailField(_l("E-Mail-Adresse (freiwillig)"), validators=[Length(max=254)],
                       render_kw={"autocomplete": "off"})
    organisation = PersonForm.organisation
    sector = PersonForm.sector
    needs_consent = CorrectionForm.needs_consent
    diet = CorrectionForm.diet
    access_needs = CorrectionForm.access_needs
    photo_consent = CorrectionForm.photo_consent
    privacy_consent = BooleanField(_l("Die Person kennt die Datenschutzhinweise und ist einverstanden"),
                                   validators=[DataRequired(_l("Bitte bestätigen Sie die Einwilligung."))])

    def as_request(self) -> RegistrationData:
        return RegistrationData(
            first_name=self.first_name.data or "", last_name=self.last_name.data or "",
            email=self.email.data or "", organisation=self.organisation.data or "", sector=self.sector.data or "",
            choices=self.choices, privacy_consent=self.privacy_consent.data, photo_consent=self.photo_consent.data,
            needs_consent=self.needs_consent.data, diet=self.diet.data or "", access_needs=self.access_needs.data or "")


class MoveForm(FlaskForm):
    item_id = SelectField(_l("Workshop"), coerce=int)
    override = BooleanField(_l("Auch wenn der Workshop voll ist (erweitert ihn um einen Platz; wird protokolliert)"))
