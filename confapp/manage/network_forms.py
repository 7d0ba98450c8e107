"""Forms of a network's settings and legal pages (Flask-WTF, CSRF on; every field has a length limit).

The limits and the checks that matter live in ``services.networks.settings``; these forms only
read what the browser sent.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from confapp.manage.event_forms import GermanParseErrors
from confapp.services.networks.settings import LIMITS, MAX_RETENTION, MIN_RETENTION
from confapp.services.privacy import bodies
from confapp.services.privacy.legal import MAX_BODY


def _text(label, name, area=False, **kwargs):
    message = _l("Höchstens %(max)d Zeichen.", max=LIMITS[name])
    kind = TextAreaField if area else StringField
    return kind(label, validators=[Length(max=LIMITS[name], message=message)], **kwargs)


def _email(label, name):
    return EmailField(label, validators=[Length(max=LIMITS[name])], render_kw={"autocomplete": "email"})


class NetworkSettingsForm(GermanParseErrors, FlaskForm):
    name = StringField(_l("Name des Netzwerks"), validators=[
        InputRequired(_l("Bitte geben Sie den Namen des Netzwerks an.")), Length(max=LIMITS["name"])])
    short_name = _text(_l("Kurzname (optional)"), "short_name")
    responsible_body = _text(_l("Verantwortliche Stelle"), "responsible_body")
    representative = _text(_l("Vertretungsberechtigte Person"), "representative")
    postal_address = _text(_l("Anschrift"), "postal_address", area=True, render_kw={"rows": 3})
    phone = _text(_l("Telefon"), "phone", render_kw={"type": "tel"})
    contact_email = _email(_l("Kontakt-E-Mail"), "contact_email")
    accent_color = _text(_l("Akzentfarbe (optional)"), "accent_color")
    mail_sender_name = _text(_l("Absendername der E-Mails"), "mail_sender_name")
    reply_to = _email(_l("Antwortadresse (Reply-To)"), "reply_to")
    retention_months = IntegerField(_l("Aufbewahrung personenbezogener Daten (Monate nach der Veranstaltung)"),
                                    validators=[InputRequired(_l("Bitte geben Sie eine Zahl an.")),
                                                NumberRange(MIN_RETENTION, MAX_RETENTION, _l(
                                                    "Bitte eine Zahl von %(min)d bis %(max)d.",
                                                    min=MIN_RETENTION, max=MAX_RETENTION))])
    data_protection_officer = _text(_l("Datenschutzbeauftragte Person"),
                                    "data_protection_officer", area=True, render_kw={"rows": 3})
    supervisory_authority = _text(_l("Datenschutz-Aufsichtsbehörde"),
                                  "supervisory_authority", area=True, render_kw={"rows": 3})
    accessibility_date = DateField(_l("Datum der Erklärung zur Barrierefreiheit"), validators=[Optional()])
    accessibility_limitations = _text(_l("Bekannte Einschränkungen (optional)"), "accessibility_limitations",
                                      area=True, render_kw={"rows": 3})
    accessibility_contact = _email(_l("Kontakt für gemeldete Barrieren (optional)"), "accessibility_contact")
    enforcement_body = SelectField(_l("Schlichtungsstelle: Ihr Land"),
                                   choices=[SelectChoice("", _l("Bitte wählen"))]
                                   + [SelectChoice(key, label) for key, label in bodies.choices()])


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo des Netzwerks (PNG, JPEG oder SVG, höchstens 1 MB)"),
                     validators=[FileRequired(_l("Bitte wählen Sie eine Bilddatei aus."))],
                     render_kw={"accept": "image/png,image/jpeg,image/svg+xml"})


class LegalTextForm(FlaskForm):
    body = TextAreaField(_l("Text der Seite"), validators=[
        Length(max=MAX_BODY, message=_l("Höchstens %(max)d Zeichen.", max=MAX_BODY))], render_kw={"rows": 20})
