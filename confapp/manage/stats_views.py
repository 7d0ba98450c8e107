"""The statistics page of an event (printable)."""
from flask import render_template
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.models import utcnow
from confapp.services.networks import access
from confapp.services.reports import needs, statistics as stats


@bp.get("/e/<slug>/statistik")
@login_required
def statistics(slug: str):
    event = access.event_or_404(current_user, slug)
    return render_template("manage/statistics.html", event=event, stats=stats.event_statistics(event), now=utcnow(),
                           diet_label=needs.diet_label)
