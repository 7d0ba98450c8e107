"""Printed documents of an event for its organisers: badges, flyer, sign-in sheets, certificates, logo."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.extensions import db
from confapp.manage import bp
from confapp.manage.document_forms import BadgeForm, CertificateForm, LogoForm
from confapp.services.networks import access
from confapp.services.documents import printing as documents
from confapp.services.networks import audit, logos


def _page(event, status: int = 200, **forms):
    forms = {"badge_form": BadgeForm(formdata=None), "certificate_form": CertificateForm(formdata=None),
             "logo_form": LogoForm(formdata=None), **forms}
    return render_template("manage/documents.html", event=event, network=event.network,
                           **forms), status


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
    event = access.event_or_404(current_user, slug)
    form = BadgeForm()
    if not form.validate_on_submit():
        return _page(event, 422, badge_form=form)
    try:
        run = documents.badges_pdf(event, layout=form.layout.data, only_new=form.only_new.data, skip=form.skip.data,
                                   offset=(float(form.offset_x.data), float(form.offset_y.data)),
                                   show_sector=form.show_sector.data)
    except documents.DocumentError as error:
        form.skip.errors.append(str(error))
        return _page(event, 422, badge_form=form)
    if not run.registrations:
        flash(_("Es gibt keine Namensschilder zu drucken."), "info")
        return redirect(url_for(".documents_page", slug=slug))
    documents.mark_badges_printed(run.registrations)
    _logged(event, "document.badges", f"Namensschilder heruntergeladen ({len(run.registrations)} Personen).")
    return _pdf(run.pdf, f"namensschilder-{event.slug}.pdf")


@bp.get("/e/<slug>/dokumente/flyer-<format>.pdf")
@login_required
def flyer_download(slug: str, format: str):
    event = access.event_or_404(current_user, slug)
    try:
        return _pdf(documents.flyer_pdf(event, format), f"flyer-{event.slug}-{format}.pdf")
    except documents.DocumentError:
        abort(404)


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


@bp.post("/e/<slug>/dokumente/logo")
@login_required
def logo_upload(slug: str):
    event = access.event_or_404(current_user, slug)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            logos.set_logo(event.network, form.logo.data.read(logos.MAX_LOGO_BYTES + 1), actor=current_user)
        except logos.LogoError as error:
            form.logo.errors.append(str(error))
        else:
            flash(_("Das Logo ist gespeichert."), "success")
            return redirect(url_for(".documents_page", slug=slug))
    return _page(event, 422, logo_form=form)
