"""Back-office forms for the printed documents (Flask-WTF, CSRF on)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from confapp.documents.layouts import DEFAULT_LAYOUT, LAYOUTS
from confapp.services.documents.printing import CertificateBasis


class BadgeForm(FlaskForm):
    layout = SelectField(_l("Etikettenbogen"), default=DEFAULT_LAYOUT,
                         choices=[SelectChoice(name, layout.description) for name, layout in LAYOUTS.items()])
    skip = IntegerField(_l("Schon verbrauchte Etiketten auf dem ersten Bogen"), default=0, validators=[
        InputRequired(_l("Bitte geben Sie eine Zahl an (0, wenn der Bogen neu ist).")),
        NumberRange(0, 99, _l("Bitte eine Zahl von 0 bis 99."))])
    offset_x = DecimalField(_l("Druckerversatz nach rechts (mm)"), default=0, places=1, validators=[
        InputRequired(_l("Bitte geben Sie eine Zahl an (0 ohne Versatz).")),
        NumberRange(-20, 20, _l("Bitte eine Zahl von −20 bis 20."))])
    offset_y = DecimalField(_l("Druckerversatz nach unten (mm)"), default=0, places=1, validators=[
        InputRequired(_l("Bitte geben Sie eine Zahl an (0 ohne Versatz).")),
        NumberRange(-20, 20, _l("Bitte eine Zahl von −20 bis 20."))])
    only_new = BooleanField(_l("Nur Namensschilder, die noch nicht gedruckt oder zum Nachdruck markiert wurden"))
    show_sector = BooleanField(_l("Arbeitsfeld aufdrucken"), default=True)


class CertificateForm(FlaskForm):
    basis = RadioField(_l("Teilnahmebescheinigungen für"), default=CertificateBasis.checked_in.value, choices=[
        SelectChoice(CertificateBasis.checked_in.value, _l("eingecheckte Personen")),
        SelectChoice(CertificateBasis.confirmed.value, _l("alle bestätigten Anmeldungen"))])


class SignerForm(FlaskForm):
    signer_name = StringField(_l("Name der unterzeichnenden Person"), validators=[
        Length(max=200, message=_l("Bitte höchstens %(max)d Zeichen eingeben.", max=200))],
        render_kw={"maxlength": 200})
    signer_function = StringField(_l("Funktion"), validators=[
        Length(max=200, message=_l("Bitte höchstens %(max)d Zeichen eingeben.", max=200))],
        render_kw={"maxlength": 200})
    signature = FileField(_l("Eingescannte Unterschrift (optional, PNG oder JPEG)"),
                          render_kw={"accept": "image/png,image/jpeg"})
    remove_signature = BooleanField(_l("Eingescannte Unterschrift entfernen"))


class CoverForm(FlaskForm):
    cover = FileField(_l("Titelbild (ein Foto, JPEG oder PNG, höchstens 8 MB)"),
                      render_kw={"accept": "image/jpeg,image/png"})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
