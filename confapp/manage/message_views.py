"""Writing to attendees: compose, preview, send through the outbox."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.manage.helpers import attach_errors
from confapp.manage.message_forms import MessageForm
from confapp.services.networks import access
from confapp.services.mail import messages
from confapp.services.events.editor import EditorError
from confapp.services.mail.bulk import NotConfirmed


@bp.route("/e/<slug>/nachrichten", methods=["GET", "POST"])
@login_required
def messages_page(slug: str):
    event = access.event_or_404(current_user, slug)
    form = MessageForm()
    form.item_id.choices = [(0, _("alle Workshops"))] + [
        (item.id, f"{slot.label}: {item.title}") for slot in event.choice_slots for item in slot.choice_items]
    form.sector.choices = [("", _("alle Arbeitsfelder"))] + [(s, s) for s in event.network.sectors]
    shown = None
    if form.validate_on_submit():
        audience = messages.Audience(status=form.status.data, item_id=form.item_id.data or None,
                                     sector=form.sector.data)
        try:
            if form.send.data:
                sent = messages.send(current_user, event, audience, form.subject.data, form.body.data,
                                     confirmed=form.confirmed.data)
                flash(_("%(n)d E-Mails sind im Postausgang und werden jetzt verschickt.", n=sent), "success")
                return redirect(url_for("manage.messages_page", slug=event.slug))
            shown = messages.preview(event, audience, form.subject.data, form.body.data)
            form.confirmed.data = shown.fingerprint
        except EditorError as error:
            attach_errors(form, error)
        except NotConfirmed as error:
            flash(str(error), "warning")
            shown = messages.preview(event, audience, form.subject.data, form.body.data)
            form.confirmed.data = shown.fingerprint
    return render_template("manage/messages.html", event=event, form=form, shown=shown,
                           placeholders=messages.PLACEHOLDERS), 422 if form.errors else 200
