"""The form for writing to attendees."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from confapp.services.mail.messages import MAX_BODY, MAX_SUBJECT


class MessageForm(FlaskForm):
    status = SelectField(_l("An"), choices=[("confirmed", _l("alle bestätigten Teilnehmenden")),
                                            ("waitlisted", _l("alle auf der Warteliste"))])
    item_id = SelectField(_l("Nur Teilnehmende des Workshops"), coerce=int)
    sector = SelectField(_l("Nur Arbeitsfeld"))
    subject = StringField(_l("Betreff"), validators=[DataRequired(_l("Bitte geben Sie einen Betreff an.")),
                                                     Length(max=MAX_SUBJECT)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(_l("Bitte schreiben Sie einen Text.")),
                                                 Length(max=MAX_BODY)], render_kw={"rows": 12})
    preview = SubmitField(_l("Vorschau anzeigen"))
    #: The fingerprint of the preview the organiser confirms by pressing "send" (``services.mail.bulk``).
    confirmed = HiddenField(validators=[Length(max=64)])
    send = SubmitField(_l("Jetzt senden"))
