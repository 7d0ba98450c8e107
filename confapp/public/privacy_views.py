"""Art. 15 and 17 from the attendee's manage link: download everything stored, erase the registration."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from confapp.extensions import limiter
from confapp.public import bp
from confapp.public.forms import ConfirmForm
from confapp.public.registration_views import POST_LIMIT, _private, _registration_or_404
from confapp.services.privacy import data_access
from confapp.services.privacy import retention


@bp.get("/e/<slug>/anmeldung/<token>/daten.json")
def my_data_json(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    response = Response(json.dumps(data_access.personal_data(registration), ensure_ascii=False, indent=2),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return _private(response)


@bp.get("/e/<slug>/anmeldung/<token>/daten")
def my_data(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    return _private(render_template("public/my_data.html", event=registration.event, token=token,
                                    data=data_access.personal_data(registration)))


@bp.route("/e/<slug>/anmeldung/<token>/loeschen", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
def erase(slug: str, token: str):
    registration = _registration_or_404(slug, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        retention.erase_on_request(registration)
        flash(_("Ihre Anmeldung und Ihre Daten sind gelöscht. Der persönliche Link gilt nicht mehr."), "success")
        return redirect(url_for(".event", slug=slug))
    return _private(render_template("public/erase.html", event=registration.event, form=form, token=token))
