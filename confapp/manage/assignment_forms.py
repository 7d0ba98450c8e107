"""Forms of the workshop assignment page (Flask-WTF, CSRF on; every field has a length limit)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from confapp.services.assignment.workflow import AssignmentMode

MODES = [AssignmentMode.fill.value, AssignmentMode.reoptimize.value]


class PreviewForm(FlaskForm):
    mode = RadioField(_l("Art der Zuteilung"), default=AssignmentMode.fill.value, choices=[
        (AssignmentMode.fill.value, _l("Freie Plätze füllen: nur Personen ohne Platz werden zugeteilt, "
                                      "niemand wird verschoben")),
        (AssignmentMode.reoptimize.value, _l("Neu optimieren: alle nicht gesperrten Plätze dürfen sich ändern "
                                            "(Verschiebungen werden vorher angezeigt)"))],
        validators=[InputRequired(_l("Bitte wählen Sie die Art der Zuteilung."))])
    #: Direct mode only (ranked mode always offers other workshops).
    fallback = BooleanField(_l("Wer danach noch wartet, bekommt einen freien Platz in einem anderen Workshop "
                               "desselben Zeitfensters (Ausweichplatz)"))


class ApplyForm(FlaskForm):
    mode = HiddenField(validators=[AnyOf(MODES, message=_l("Unbekannte Art der Zuteilung."))])
    fingerprint = HiddenField(validators=[DataRequired(_l("Bitte berechnen Sie zuerst eine Vorschau.")),
                                          Length(max=200)])
    fallback = HiddenField(validators=[Optional(), AnyOf(["0", "1"], message=_l("Bitte berechnen Sie die Vorschau neu."))])


class LockForm(FlaskForm):
    locked = HiddenField(validators=[AnyOf(["0", "1"], message=_l("Bitte sperren oder entsperren."))])


class HandForm(FlaskForm):
    registration_id = SelectField(_l("Person"), coerce=int,
                                  validators=[InputRequired(_l("Bitte wählen Sie eine Person."))])
    item_id = SelectField(_l("Workshop"), coerce=int,
                          validators=[InputRequired(_l("Bitte wählen Sie einen Workshop."))])
