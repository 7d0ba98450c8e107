"""Printed documents of an event for its organisers: badges, flyer, sign-in sheets, certificates."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.extensions import db
from confapp.manage import bp
from confapp.manage.document_forms import ActionForm, BadgeForm, CertificateForm, CoverForm, SignerForm
from confapp.services.networks import access
from confapp.services.documents import cover, print_runs, printing as documents
from confapp.services.networks import audit, logos
from confapp.upload_limits import accepts_files_up_to


def _page(event, status: int = 200, **forms):
    forms = {"badge_form": BadgeForm(formdata=None), "certificate_form": CertificateForm(formdata=None),
             "signer_form": SignerForm(formdata=None, obj=event.network), "cover_form": CoverForm(formdata=None),
             "action_form": ActionForm(), **forms}
    return render_template("manage/documents.html", event=event, network=event.network,
                           is_admin=access.may(current_user, event.network, access.ADMINS),
                           print_runs=print_runs.pending(event), downloaded_at=print_runs.downloaded_at,
                           reprints=documents.badges_to_reprint(event), **forms), status


def _pdf(pdf: bytes, name: str):
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=name)


def _logged(event, action: str, summary: str) -> None:
    """A download with personal data on it, in the audit log (who took which names home)."""
    audit.record(current_user, action, summary, event=event)
    db.session.commit()


@bp.get("/e/<slug>/dokumente")
@login_required
def documents_page(slug: str):
    return _page(access.event_or_404(current_user, slug))


@bp.post("/e/<slug>/dokumente/namensschilder")
@login_required
def badges_download(slug: str):
    """Badges are prepared as a print run: downloaded from the page that asks whether the print worked."""
    event = access.event_or_404(current_user, slug)
    form = BadgeForm()
    if not form.validate_on_submit():
        return _page(event, 422, badge_form=form)
    try:
        run = print_runs.prepare(current_user, event, layout=form.layout.data, skip=form.skip.data,
                                 offset=(float(form.offset_x.data), float(form.offset_y.data)),
                                 only_new=form.only_new.data, show_sector=form.show_sector.data)
    except documents.DocumentError as error:
        form.skip.errors.append(str(error))
        return _page(event, 422, badge_form=form)
    if run is None:
        flash(_("Es gibt keine Namensschilder zu drucken."), "info")
        return redirect(url_for(".documents_page", slug=slug))
    flash(_("%(count)d Namensschilder sind bereit. Laden Sie die PDF-Datei herunter, drucken Sie sie und sagen Sie "
            "dann hier, ob der Druck geklappt hat.", count=run.count), "success")
    return redirect(url_for(".documents_page", slug=slug, _anchor="print-runs"), 303)


@bp.get("/e/<slug>/dokumente/namensschilder/<int:print_run_id>.pdf")
@login_required
def badges_run_pdf(slug: str, print_run_id: int):
    event = access.event_or_404(current_user, slug)
    pdf = print_runs.run_pdf(event, print_run_id)
    _logged(event, "document.badges", f"Namensschilder heruntergeladen (Druckauftrag {print_run_id}).")
    return _pdf(pdf, f"namensschilder-{event.slug}-{print_run_id}.pdf")


@bp.post("/e/<slug>/dokumente/namensschilder/<int:print_run_id>/<outcome>")
@login_required
def badges_print_outcome(slug: str, print_run_id: int, outcome: str):
    event = access.event_or_404(current_user, slug)
    if outcome not in ("gedruckt", "fehlgeschlagen") or not ActionForm().validate_on_submit():
        abort(404 if outcome not in ("gedruckt", "fehlgeschlagen") else 400)
    run = print_runs.decide(current_user, event, print_run_id, printed=outcome == "gedruckt")
    if outcome == "gedruckt":
        flash(_("%(count)d Namensschilder sind als gedruckt vermerkt.", count=run.count), "success")
    else:
        flash(_("Die %(count)d Namensschilder gelten weiter als nicht gedruckt: mit „Nur Namensschilder, die noch "
                "nicht gedruckt wurden“ drucken Sie sie erneut.", count=run.count), "info")
    return redirect(url_for(".documents_page", slug=slug))


@bp.get("/e/<slug>/dokumente/flyer-<format>.pdf")
@login_required
def flyer_download(slug: str, format: str):
    event = access.event_or_404(current_user, slug)
    try:
        flyer = documents.flyer(event, format)
    except documents.DocumentError:
        abort(404)
    for note in flyer.notes:  # shown when the organiser is back on a page
        flash(note, "info")
    return _pdf(flyer.pdf, f"flyer-{event.slug}-{format}.pdf")


@bp.get("/e/<slug>/dokumente/teilnehmerlisten.pdf")
@login_required
def sign_in_sheets_download(slug: str):
    event = access.event_or_404(current_user, slug)
    pdf = documents.sign_in_sheets_pdf(event)
    _logged(event, "document.sign_in_sheets", "Teilnehmerlisten heruntergeladen.")
    return _pdf(pdf, f"teilnehmerlisten-{event.slug}.pdf")


@bp.get("/e/<slug>/dokumente/teilnahmebescheinigungen.pdf")
@login_required
def certificates_download(slug: str):
    event = access.event_or_404(current_user, slug)
    form = CertificateForm(request.args, meta={"csrf": False})
    if not form.validate():
        return _page(event, 422, certificate_form=form)
    try:
        pdf = documents.certificates_pdf(event, documents.CertificateBasis(form.basis.data))
    except documents.DocumentError as error:
        form.basis.errors.append(str(error))
        return _page(event, 422, certificate_form=form)
    _logged(event, "document.certificates", "Teilnahmebescheinigungen heruntergeladen.")
    return _pdf(pdf, f"teilnahmebescheinigungen-{event.slug}.pdf")


@bp.post("/e/<slug>/dokumente/titelbild")
@login_required
@accepts_files_up_to(cover.MAX_COVER_BYTES)
def cover_upload(slug: str):
    """The photo behind both flyers' title."""
    event = access.event_or_404(current_user, slug)
    form = CoverForm()
    if form.validate_on_submit():
        upload = form.cover.data
        try:
            cover.set_cover(event, upload.read(cover.MAX_COVER_BYTES + 1) if upload else b"", current_user)
        except cover.CoverError as error:
            db.session.rollback()
            form.cover.errors.append(str(error))
        else:
            flash(_("Das Titelbild ist gespeichert: Beide Flyer zeigen es hinter dem Titel."), "success")
            return redirect(url_for(".documents_page", slug=slug, _anchor="flyer"))
    return _page(event, 422, cover_form=form)


@bp.post("/e/<slug>/dokumente/titelbild/entfernen")
@login_required
def cover_remove(slug: str):
    event = access.event_or_404(current_user, slug)
    if ActionForm().validate_on_submit():
        cover.remove_cover(event, current_user)
        flash(_("Das Titelbild ist entfernt."), "success")
    return redirect(url_for(".documents_page", slug=slug, _anchor="flyer"))


@bp.post("/e/<slug>/dokumente/unterschrift")
@login_required
def signer_update(slug: str):
    """Who signs certificates: a network setting, so for the network's admins only."""
    event = access.event_or_404(current_user, slug)
    if not access.may(current_user, event.network, access.ADMINS):
        abort(404)
    form = SignerForm()
    if form.validate_on_submit():
        upload = form.signature.data
        try:
            logos.set_signer(event.network, form.signer_name.data or "", form.signer_function.data or "",
                             upload.read(logos.MAX_LOGO_BYTES + 1) if upload else None,
                             remove_signature=form.remove_signature.data)
        except logos.LogoError as error:
            form.signature.errors.append(str(error))
        else:
            flash(_("Die Angaben zur Unterschrift sind gespeichert."), "success")
            return redirect(url_for(".documents_page", slug=slug, _anchor="certificates"))
    return _page(event, 422, signer_form=form)
