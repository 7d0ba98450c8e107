"""An event's outbox for its organisers: each e-mail's state, and sending a failed one again."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.models import OutboxStatus
from confapp.services.mail import tracking
from confapp.services.networks import access


@bp.get("/e/<slug>/postausgang")
@login_required
def outbox_page(slug: str):
    event = access.event_or_404(current_user, slug)
    try:
        status = OutboxStatus(request.args["status"]) if request.args.get("status") else None
    except ValueError:
        abort(404)
    page = max(request.args.get("seite", 1, type=int) or 1, 1)
    return render_template("manage/outbox.html", event=event, status=status, page=page,
                           entries=tracking.outbox_of(event, status, page), counts={s.value: n for s, n in tracking.counts_of(event).items()},
                           page_size=tracking.PAGE_SIZE)


@bp.post("/e/<slug>/postausgang/<int:message_id>/erneut")
@login_required
def outbox_retry(slug: str, message_id: int):
    event = access.event_or_404(current_user, slug)
    if tracking.retry_failed(event, message_id, current_user):
        flash(_("Die E-Mail wird erneut gesendet."), "success")
    else:
        flash(_("Diese E-Mail ist nicht (mehr) fehlgeschlagen; es gibt nichts zu wiederholen."), "info")
    return redirect(url_for(".outbox_page", slug=event.slug, status=request.args.get("status") or None))
