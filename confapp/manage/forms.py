"""Back-office forms (Flask-WTF, CSRF on)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
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


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Bisheriges Passwort"), validators=[
        DataRequired(_l("Bitte geben Sie Ihr bisheriges Passwort an.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"})
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


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name des Tokens"), validators=[
        DataRequired(_l("Bitte geben Sie dem Token einen Namen, z. B. die Website, die ihn nutzt.")),
        Length(max=100, message=_l("Höchstens 100 Zeichen."))])
    scope = SelectField(_l("Rechte"), choices=[
        SelectChoice("read", _l("Nur lesen")),
        SelectChoice("write", _l("Lesen und ändern (Anmeldungen, Zuteilung, Einlass)"))])
