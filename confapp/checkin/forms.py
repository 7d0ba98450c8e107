"""Door forms (Flask-WTF, CSRF on except for the search, which changes nothing)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, StringField
from wtforms.validators import DataRequired, Length

from confapp.services.checkin import MAX_QUERY_LENGTH


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name oder Organisation"), validators=[
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
