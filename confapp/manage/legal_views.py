"""A network's legal pages for its admins: which need settings, own wording with preview, back to the default.

Impressum and accessibility statement belong to the network; the privacy notice and the page in
Leichte Sprache to each event (they name it), so those are edited per event.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.manage import bp
from confapp.manage.network_forms import LegalTextForm
from confapp.models import LegalKind
from confapp.services.events import lookup as event_lookup
from confapp.services.networks import access, settings
from confapp.services.privacy import legal

#: URL names of the pages.
KINDS = {"impressum": LegalKind.imprint, "barrierefreiheit": LegalKind.accessibility,
         "datenschutz": LegalKind.privacy, "leichte-sprache": LegalKind.easy_language}
SLUGS = {kind: slug for slug, kind in KINDS.items()}


@bp.get("/n/<network_slug>/rechtstexte")
@login_required
def legal_texts(network_slug: str):
    network = access.network_or_404(current_user, network_slug, access.ADMINS)
    pages = [(SLUGS[kind], legal.TITLES[kind], legal.has_own_wording(network, kind),
              legal.missing_settings(network, kind)) for kind in (LegalKind.imprint, LegalKind.accessibility)]
    per_event = [(SLUGS[kind], legal.TITLES[kind], legal.missing_settings(network, kind))
                 for kind in (LegalKind.privacy, LegalKind.easy_language)]
    events = event_lookup.events_of_network(network)
    return render_template("manage/legal_texts.html", network=network, pages=pages, per_event=per_event,
                           events=events, checklist=settings.checklist(network),
                           published=settings.is_published(network))


def _kind(kind_slug: str) -> LegalKind:
    kind = KINDS.get(kind_slug)
    if kind is None:
        abort(404)
    return kind


@bp.route("/n/<network_slug>/rechtstexte/<kind_slug>", methods=["GET", "POST"])
@login_required
def legal_text_edit(network_slug: str, kind_slug: str):
    network = access.network_or_404(current_user, network_slug, access.ADMINS)
    kind = _kind(kind_slug)
    if kind.per_event:  # worded per event: chosen on the overview
        return redirect(url_for(".legal_texts", network_slug=network.slug))
    return _edit(network, kind, None)


@bp.route("/e/<slug>/rechtstexte/<kind_slug>", methods=["GET", "POST"])
@login_required
def event_legal_text_edit(slug: str, kind_slug: str):
    event = access.event_or_404(current_user, slug, access.ADMINS)
    kind = _kind(kind_slug)
    if not kind.per_event:  # the network's page, the same for all its events
        return redirect(url_for(".legal_text_edit", network_slug=event.network.slug, kind_slug=kind_slug))
    return _edit(event.network, kind, event)


def _edit(network, kind, event):
    page = legal.legal_page(network, kind, event)
    form = LegalTextForm(data={"body": page.text})
    preview = None
    back = (url_for(".event_legal_text_edit", slug=event.slug, kind_slug=SLUGS[kind]) if event
            else url_for(".legal_text_edit", network_slug=network.slug, kind_slug=SLUGS[kind]))
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        if action == "preview":
            preview = legal.preview_page(kind, form.body.data or "")
        else:
            body = "" if action == "default" else (form.body.data or "")
            if action == "save" and body.strip() == legal.default_page(network, kind, event).text:
                body = ""  # the default unchanged stays the default, and follows the settings
            try:
                saved = legal.replace_wording(network, kind, body, current_user, event)
            except ValueError as error:
                form.body.errors.append(str(error))
            else:
                flash(_("Der eigene Text ist gespeichert.") if saved is not None
                      else _("Die Seite zeigt den Standardtext, gefüllt aus den Einstellungen."), "success")
                return redirect(back)
    status = 422 if form.errors else 200
    return render_template("manage/legal_edit.html", network=network, event=event, kind=kind, page=page,
                           form=form, preview=preview, kind_slug=SLUGS[kind],
                           missing=[] if page.custom else legal.missing_settings(network, kind)), status
