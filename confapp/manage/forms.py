"""Back-office forms (Flask-WTF, CSRF on)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from confapp.services.networks.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[
        DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Passwort"), validators=[
        DataRequired(_l("Bitte geben Sie Ihr Passwort an.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Auf diesem Gerät angemeldet bleiben"))


def _new_password_fields():
    new = PasswordField(_l("Neues Passwort"), validators=[
        DataRequired(_l("Bitte geben Sie ein neues Passwort an.")),
        Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
               message=_l("Das Passwort muss %(min)d bis %(max)d Zeichen lang sein.",
                          min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Neues Passwort wiederholen"), validators=[
        DataRequired(_l("Bitte wiederholen Sie das neue Passwort.")),
        EqualTo("new", _l("Die beiden Passwörter stimmen nicht überein."))],
        render_kw={"autocomplete": "new-password"})
    return new, repeat


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Bisheriges Passwort"), validators=[
        DataRequired(_l("Bitte geben Sie Ihr bisheriges Passwort an.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"})
    new, repeat = _new_password_fields()


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name des Tokens"), validators=[
        DataRequired(_l("Bitte geben Sie dem Token einen Namen, z. B. die Website, die ihn nutzt.")),
        Length(max=100, message=_l("Höchstens 100 Zeichen."))])
    scope = SelectField(_l("Rechte"), choices=[
        SelectChoice("read", _l("Nur lesen")),
        SelectChoice("write", _l("Lesen und ändern (Anmeldungen, Zuteilung, Einlass)"))])


class CodeForm(FlaskForm):
    """The second step of signing in: a code from the app or a recovery code."""
    code = StringField(_l("Code aus der App oder Wiederherstellungscode"), validators=[
        DataRequired(_l("Bitte geben Sie den Code ein.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "characters",
                   "spellcheck": "false"})


class SetupCodeForm(FlaskForm):
    code = StringField(_l("Sechsstelliger Code aus der App"), validators=[
        DataRequired(_l("Bitte geben Sie den Code aus der App ein.")), Length(max=10)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Ihr Passwort zur Bestätigung"), validators=[
        DataRequired(_l("Bitte geben Sie Ihr Passwort an.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[
        DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
        render_kw={"autocomplete": "username"})


class ResetPasswordForm(FlaskForm):
    new, repeat = _new_password_fields()


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Ihr Name (wie ihn Ihr Team sehen soll, freiwillig)"), validators=[
        Length(max=200, message=_l("Höchstens 200 Zeichen."))], render_kw={"autocomplete": "name"})
    new, repeat = _new_password_fields()
class BulkConfirmForm(FlaskForm):
    """The confirmation of a mass e-mail: the fingerprint of the preview the organiser saw."""

    confirmed = HiddenField(validators=[Length(max=64)])
