"""The partner directory, its import and export, invitations to an event, and the coverage report.

Parse, authorise (organisers of the network), call ``services.partners``, render.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from confapp.documents.render import render_pdf
from confapp.manage import bp
from confapp.manage.helpers import send_confirmed
from confapp.manage.export_views import _download
from confapp.manage.partner_forms import (ContactForm, FilterForm, ImportConfirmForm, ImportForm, InviteConfirmForm,
                                          NewInstitutionForm, PartnerForm)
from confapp.models import LegalBasis
from confapp.services.networks import access
from confapp.services.partners import coverage, directory, invitations, spreadsheet
from confapp.services.partners.directory import ContactDetails, DirectoryError, PartnerDetails
from confapp.services.reports import exports
from confapp.upload_limits import accepts_files_up_to


def _network(network_slug: str):
    return access.network_or_404(current_user, network_slug, access.ORGANISERS)


def _attach(form, error: DirectoryError) -> None:
    for name, message in error.problems.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
        else:
            flash(message, "error")


def _partner_details(form: PartnerForm) -> PartnerDetails:
    return PartnerDetails(name=form.name.data or "", sector=form.sector.data or "", address=form.address.data or "",
                          district=form.district.data or "", notes=form.notes.data or "")


@bp.get("/n/<network_slug>/partner")
@login_required
def partners(network_slug: str):
    network = _network(network_slug)
    districts = directory.districts_of(network)
    filters = FilterForm.for_network(network, districts, formdata=request.args, meta={"csrf": False})
    query = (request.args.get("q") or "")[:200]
    found = directory.partners_of(network, query, filters.sector.data or "", filters.district.data or "")
    return render_template("manage/partners.html", network=network, partners=found, filters=filters, query=query,
                           years=coverage.years_of(network))


@bp.route("/n/<network_slug>/partner/neu", methods=["GET", "POST"])
@login_required
def new_partner(network_slug: str):
    network = _network(network_slug)
    form = PartnerForm.for_network(network)
    if form.validate_on_submit():
        try:
            partner = directory.create_partner(current_user, network, _partner_details(form))
        except DirectoryError as error:
            _attach(form, error)
        else:
            flash(_("„%(name)s“ steht jetzt im Partnerverzeichnis.", name=partner.name), "success")
            return redirect(url_for(".partner", network_slug=network.slug, partner_id=partner.id))
    return render_template("manage/partner_form.html", network=network, form=form, partner=None), \
        422 if form.errors else 200


@bp.route("/n/<network_slug>/partner/<int:partner_id>", methods=["GET", "POST"])
@login_required
def partner(network_slug: str, partner_id: int):
    network = _network(network_slug)
    found = directory.partner_or_404(network, partner_id)
    form = PartnerForm.for_network(network, obj=found)
    if form.validate_on_submit():
        try:
            directory.update_partner(current_user, found, _partner_details(form))
        except DirectoryError as error:
            _attach(form, error)
        else:
            flash(_("Gespeichert."), "success")
            return redirect(url_for(".partner", network_slug=network.slug, partner_id=found.id))
    return render_template("manage/partner_form.html", network=network, form=form, partner=found,
                           contact_form=ContactForm(prefix="contact"),
                           legal_basis_text=directory.LEGAL_BASIS_TEXT), 422 if form.errors else 200


@bp.post("/n/<network_slug>/partner/<int:partner_id>/ansprechperson")
@login_required
def add_partner_contact(network_slug: str, partner_id: int):
    network = _network(network_slug)
    found = directory.partner_or_404(network, partner_id)
    contact_form = ContactForm(prefix="contact")
    if contact_form.validate_on_submit():
        details = ContactDetails(name=contact_form.contact_name.data or "", role=contact_form.role.data or "",
                                 email=contact_form.email.data or "", phone=contact_form.phone.data or "",
                                 legal_basis=LegalBasis(contact_form.legal_basis.data),
                                 source=contact_form.source.data or "")
        try:
            directory.add_contact(current_user, found, details)
        except DirectoryError as error:
            _attach(contact_form, error)
        else:
            flash(_("Ansprechperson hinzugefügt."), "success")
            return redirect(url_for(".partner", network_slug=network.slug, partner_id=found.id))
    form = PartnerForm.for_network(network, obj=found, formdata=None)
    return render_template("manage/partner_form.html", network=network, form=form, partner=found,
                           contact_form=contact_form, legal_basis_text=directory.LEGAL_BASIS_TEXT), 422


@bp.post("/n/<network_slug>/partner/<int:partner_id>/ansprechperson/<int:contact_id>/loeschen")
@login_required
def remove_partner_contact(network_slug: str, partner_id: int, contact_id: int):
    network = _network(network_slug)
    found = directory.partner_or_404(network, partner_id)
    if not ImportConfirmForm().validate_on_submit():
        abort(400)
    directory.remove_contact(current_user, directory.contact_or_404(found, contact_id))
    flash(_("Die Ansprechperson und ihre Daten sind gelöscht."), "success")
    return redirect(url_for(".partner", network_slug=network.slug, partner_id=found.id))


@bp.post("/n/<network_slug>/partner/<int:partner_id>/loeschen")
@login_required
def delete_partner(network_slug: str, partner_id: int):
    network = _network(network_slug)
    found = directory.partner_or_404(network, partner_id)
    if not ImportConfirmForm().validate_on_submit():
        abort(400)
    name = found.name
    directory.delete_partner(current_user, found)
    flash(_("„%(name)s“ ist aus dem Verzeichnis gelöscht.", name=name), "success")
    return redirect(url_for(".partners", network_slug=network.slug))


@bp.route("/n/<network_slug>/partner/import", methods=["GET", "POST"])
@login_required
@accepts_files_up_to(spreadsheet.MAX_BYTES)
def import_partners(network_slug: str):
    network = _network(network_slug)
    form = ImportForm()
    preview = confirm = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = spreadsheet.read_table(upload.filename or "", upload.read(spreadsheet.MAX_BYTES + 1))
            preview = spreadsheet.check_table(network, table)
        except spreadsheet.PartnerListError as error:
            form.file.errors = list(form.file.errors) + [str(error)]
        else:
            confirm = ImportConfirmForm(rows=spreadsheet.sign_rows(network, spreadsheet.rows_as_data(preview)))
    return render_template("manage/partner_import.html", network=network, form=form, preview=preview,
                           confirm=confirm), 422 if form.errors else 200


@bp.post("/n/<network_slug>/partner/import/uebernehmen")
@login_required
def confirm_partner_import(network_slug: str):
    network = _network(network_slug)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rows = spreadsheet.unsign_rows(network, form.rows.data)
    except spreadsheet.PartnerListError as error:
        flash(str(error), "error")
        return redirect(url_for(".import_partners", network_slug=network.slug))
    added, contacts = spreadsheet.apply_rows(current_user, network, rows)
    flash(_("Übernommen: %(partners)d neue Einrichtungen, %(contacts)d neue Ansprechpersonen.",
            partners=added, contacts=contacts), "success")
    return redirect(url_for(".partners", network_slug=network.slug))


@bp.get("/n/<network_slug>/partner/export.<fmt>")
@login_required
def export_partners(network_slug: str, fmt: str):
    network = _network(network_slug)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    data, mime = exports.render(spreadsheet.directory_table(network), fmt)
    return _download(data, mime, f"partner-{network.slug}", fmt)


# --- invitations ------------------------------------------------------------------------------

@bp.route("/e/<slug>/einladungen", methods=["GET", "POST"])
@login_required
def partner_invitations(slug: str):
    event = access.event_or_404(current_user, slug)
    filters = FilterForm.for_network(event.network, directory.districts_of(event.network),
                                     formdata=request.args, meta={"csrf": False})
    sector, district = filters.sector.data or "", filters.district.data or ""
    shown = invitations.preview(event, sector, district) if request.args.get("vorschau") else None
    confirm = InviteConfirmForm(sector=sector, district=district, confirmed=shown.fingerprint if shown else "")
    return render_template("manage/partner_invitations.html", event=event, filters=filters, shown=shown,
                           confirm=confirm, invited=invitations.invitations_of(event),
                           counts=invitations.invitation_counts(event))


@bp.post("/e/<slug>/einladungen/senden")
@login_required
def send_partner_invitations(slug: str):
    event = access.event_or_404(current_user, slug)
    form = InviteConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    sector, district = (form.sector.data or "")[:100], (form.district.data or "")[:100]
    return send_confirmed(
        lambda: invitations.invite(current_user, event, sector, district, confirmed=form.confirmed.data),
        lambda count: _("%(count)d Einladungen sind unterwegs.", count=count),
        url_for(".partner_invitations", slug=slug, sector=sector, district=district, vorschau=1),
        url_for(".partner_invitations", slug=slug))


# --- coverage ---------------------------------------------------------------------------------

def _coverage_response(report, fmt: str | None, name: str, back: str):
    if fmt == "xlsx":
        data, mime = exports.render(coverage.coverage_table(report), "xlsx")
        return _download(data, mime, name, "xlsx")
    if fmt == "pdf":
        pdf = render_pdf("coverage.html", report=report, today=date.today())
        return _download(pdf, "application/pdf", name, "pdf")
    if fmt is not None:
        abort(404)
    return render_template("manage/coverage.html", report=report, event=report.events[0] if back == "event" else None,
                           network=report.network, add_form=NewInstitutionForm(), scope=back,
                           years=coverage.years_of(report.network))


@bp.get("/e/<slug>/beteiligung")
@bp.get("/e/<slug>/beteiligung.<fmt>")
@login_required
def event_coverage(slug: str, fmt: str | None = None):
    event = access.event_or_404(current_user, slug)
    return _coverage_response(coverage.event_coverage(event), fmt, f"beteiligung-{event.slug}", "event")


@bp.get("/n/<network_slug>/beteiligung/<int:year>")
@bp.get("/n/<network_slug>/beteiligung/<int:year>.<fmt>")
@login_required
def year_coverage(network_slug: str, year: int, fmt: str | None = None):
    network = _network(network_slug)
    if not 2000 <= year <= 2100:
        abort(404)
    return _coverage_response(coverage.year_coverage(network, year), fmt, f"beteiligung-{network.slug}-{year}", "year")


@bp.post("/n/<network_slug>/beteiligung/aufnehmen")
@login_required
def add_institution(network_slug: str):
    network = _network(network_slug)
    form = NewInstitutionForm()
    back = request.form.get("back", "")
    if not form.validate_on_submit():
        abort(400)
    sector = form.sector.data if form.sector.data in network.sectors else ""
    try:
        partner = coverage.add_to_directory(current_user, network, form.name.data, sector)
    except DirectoryError as error:
        flash("; ".join(str(p) for p in error.problems.values()), "error")
    else:
        flash(_("„%(name)s“ steht jetzt im Partnerverzeichnis.", name=partner.name), "success")
    # Only back to a page of this app (no open redirect).
    return redirect(back if back.startswith("/manage/") and "//" not in back else
                    url_for(".partners", network_slug=network.slug))
