"""Forms of the partner directory, the partner list import and invitations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from confapp.models import LegalBasis
from confapp.services.partners.directory import LEGAL_BASIS_TEXT, LIMITS


def _sector_choices(network, empty_label):
    return [("", empty_label)] + [(sector, sector) for sector in network.sectors]


class PartnerForm(FlaskForm):
    name = StringField(_l("Name der Einrichtung"), validators=[
        DataRequired(_l("Bitte geben Sie den Namen der Einrichtung an.")), Length(max=LIMITS["name"])],
        render_kw={"autocomplete": "organization"})
    sector = SelectField(_l("Arbeitsfeld"), validators=[Optional()])
    address = StringField(_l("Adresse"), validators=[Length(max=LIMITS["address"])],
                          render_kw={"autocomplete": "street-address"})
    district = StringField(_l("Sozialraum oder Bezirk"), validators=[Length(max=LIMITS["district"])])
    notes = TextAreaField(_l("Notizen"), validators=[Length(max=LIMITS["notes"])], render_kw={"rows": 3})

    @classmethod
    def for_network(cls, network, **kwargs):
        form = cls(**kwargs)
        form.sector.choices = _sector_choices(network, _l("– bitte wählen –"))
        return form


class ContactForm(FlaskForm):
    contact_name = StringField(_l("Name der Ansprechperson"), validators=[
        DataRequired(_l("Bitte geben Sie den Namen der Ansprechperson an.")), Length(max=LIMITS["contact_name"])])
    role = StringField(_l("Funktion"), validators=[Length(max=LIMITS["role"])])
    email = EmailField(_l("E-Mail-Adresse"), validators=[Optional(), Length(max=LIMITS["email"])])
    phone = StringField(_l("Telefon"), validators=[Length(max=LIMITS["phone"])])
    legal_basis = SelectField(_l("Rechtsgrundlage"), choices=[(b.value, LEGAL_BASIS_TEXT[b]) for b in LegalBasis],
                              default=LegalBasis.public_task.value)
    source = StringField(_l("Herkunft der Daten"), validators=[Length(max=LIMITS["source"])],
                         description=_l("z. B. „Netzwerktreffen März 2026“ oder „Telefonat“"))


class ImportForm(FlaskForm):
    file = FileField(_l("Partnerliste (.xlsx oder .csv)"), validators=[
        FileRequired(_l("Bitte wählen Sie eine Datei aus."))])


class ImportConfirmForm(FlaskForm):
    rows = HiddenField()


class FilterForm(FlaskForm):
    """Which partners to invite; also the directory's filters (GET, no CSRF there)."""

    sector = SelectField(_l("Arbeitsfeld"), validators=[Optional()])
    district = SelectField(_l("Sozialraum oder Bezirk"), validators=[Optional()])

    @classmethod
    def for_network(cls, network, districts, **kwargs):
        form = cls(**kwargs)
        form.sector.choices = _sector_choices(network, _l("alle Arbeitsfelder"))
        form.district.choices = [("", _l("alle Sozialräume"))] + [(d, d) for d in districts]
        return form


class InviteConfirmForm(FlaskForm):
    sector = HiddenField()
    district = HiddenField()
    #: The fingerprint of the preview the organiser confirms by pressing "send" (``services.mail.bulk``).
    confirmed = HiddenField(validators=[Length(max=64)])


class NewInstitutionForm(FlaskForm):
    name = HiddenField(validators=[DataRequired(), Length(max=LIMITS["name"])])
    sector = HiddenField(validators=[Length(max=LIMITS["sector"])])
