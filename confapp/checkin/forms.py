"""Door forms (Flask-WTF, CSRF on except for the search, which changes nothing)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from confapp.services.checkin.door import MAX_QUERY_LENGTH


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

    @classmethod
    def for_event(cls, event, **kwargs) -> "WalkInForm":
        form = cls(**kwargs)
        form.sector.choices = [("", _l("Bitte wählen"))] + [(sector, sector) for sector in event.network.sectors]
        return form
