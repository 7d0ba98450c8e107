"""Forms of the workshop assignment page (Flask-WTF, CSRF on; every field has a length limit)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SearchField, SelectField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from confapp.services.assignment.workflow import AssignmentMode

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


class LockForm(FlaskForm):
    locked = HiddenField(validators=[AnyOf(["0", "1"], message=_l("Bitte sperren oder entsperren."))])


def _chosen_id(value) -> int | None:
    """A select's value as an id; None for its empty first option ("Bitte wählen")."""
    return None if value in ("", None) else int(value)


class HandForm(FlaskForm):
    registration_id = SelectField(_l("Person"), coerce=_chosen_id,
                                  validators=[InputRequired(_l("Bitte wählen Sie eine Person."))])
    item_id = SelectField(_l("Workshop"), coerce=_chosen_id,
                          validators=[InputRequired(_l("Bitte wählen Sie einen Workshop."))])


class ChangeFilterForm(FlaskForm):
    """Filters of a report's list of changes (GET, so the filtered list has its own address)."""

    class Meta:
        csrf = False  # only reads

    name = SearchField(_l("Name enthält"), validators=[Optional(), Length(max=100)])
    slot = SelectField(_l("Zeitfenster"), validators=[Optional()])
    notified = BooleanField(_l("nur bereits Benachrichtigte"))
