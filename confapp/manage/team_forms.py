"""Forms of the team page: invite someone, change a role, require the second factor."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length

from confapp.manage.event_forms import MultiCheckboxField


def role_choices() -> list[SelectChoice]:
    return [SelectChoice("organiser", _l("Organisation (Veranstaltungen anlegen und betreuen)")),
            SelectChoice("checkin", _l("Einlass (nur Check-in an der Tür)")),
            SelectChoice("workshop_leader", _l("Workshopleitung (nur die Liste der eigenen Workshops)")),
            SelectChoice("admin", _l("Administration (zusätzlich Team, Protokoll und API-Tokens)"))]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[
        DataRequired(_l("Bitte geben Sie die E-Mail-Adresse der Person an.")),
        Length(max=254, message=_l("Höchstens 254 Zeichen."))], render_kw={"autocomplete": "off"})
    role = SelectField(_l("Rolle"), choices=role_choices(), default="organiser")
    item_ids = MultiCheckboxField(_l("Workshops, die sie oder er leitet (nur bei Workshopleitung)"), coerce=int,
                                  validate_choice=True)


class RoleForm(FlaskForm):
    role = SelectField(_l("Neue Rolle"), choices=role_choices())


class SecondFactorRuleForm(FlaskForm):
    required = BooleanField(_l("Alle in diesem Netzwerk melden sich mit zweitem Faktor an (Authenticator-App)"))
