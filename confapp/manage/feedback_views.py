"""After the event, in the back office: the questionnaire, its results, the closing slide, materials.

Parse, authorise (organisers; workshop leaders for their own workshops), call the services, render.
"""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup

from confapp.documents.render import render_pdf
from confapp.manage import bp
from confapp.manage.helpers import send_confirmed
from confapp.manage.export_views import _download
from confapp.manage.forms import BulkConfirmForm
from confapp.models import QuestionKind, Role
from confapp.services.documents import workshop_lists
from confapp.services.feedback import answering, questionnaire, results
from confapp.services.feedback.questionnaire import QuestionDetails, QuestionError
from confapp.services.materials import library
from confapp.services.materials.library import MaterialError
from confapp.upload_limits import accepts_files_up_to
from confapp.services.networks import access
from confapp.services.reports import exports


def _event(slug: str):
    return access.event_or_404(current_user, slug)


def _checked() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


def _qr_svg(text: str) -> Markup:
    """The QR code as inline SVG (qrcode's public SVG image factory): no file, no third-party request."""
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2).save(buffer)
    svg = buffer.getvalue().decode()
    return Markup(svg[svg.index("<svg"):])


def _items(event):
    return [item for slot in sorted(event.slots, key=lambda s: s.starts_at) for item in slot.items
            if item.kind.value != "break"]


@bp.get("/e/<slug>/rueckmeldung")
@login_required
def feedback_page(slug: str):
    event = _event(slug)
    shown = answering.thank_you_preview(event) if request.args.get("vorschau") else None
    return render_template("manage/feedback.html", event=event, questions=questionnaire.questions_of(event),
                           setup=questionnaire.setup_of(event), opens_at=questionnaire.opens_at(event),
                           is_open=questionnaire.is_open(event), progress=answering.progress(event),
                           items=_items(event), kinds=questionnaire.KIND_TEXT, scale_text=questionnaire.SCALE_TEXT,
                           form=FlaskForm(), shown=shown, code_url=answering.code_url(event),
                           problems={})


@bp.post("/e/<slug>/rueckmeldung/frage")
@login_required
def add_feedback_question(slug: str):
    event = _event(slug)
    _checked()
    try:
        kind = QuestionKind(request.form.get("kind", ""))
        scale = int(request.form.get("scale") or 6) if kind is QuestionKind.rating else None
        item = request.form.get("program_item_id") or ""
        details = QuestionDetails(kind=kind, text=request.form.get("text", "")[:1000], scale=scale,
                                  options=request.form.get("options", "")[:3000].splitlines(),
                                  program_item_id=int(item) if item.isdigit() else None)
        questionnaire.add_question(current_user, event, details)
    except ValueError as error:
        problems = error.problems if isinstance(error, QuestionError) else {"kind": _("Bitte wählen Sie eine Art.")}
        for message in problems.values():
            flash(str(message), "error")
        return redirect(url_for(".feedback_page", slug=slug) + "#neue-frage")
    flash(_("Frage hinzugefügt."), "success")
    return redirect(url_for(".feedback_page", slug=slug) + "#fragen")


@bp.post("/e/<slug>/rueckmeldung/frage/<int:question_id>/<action>")
@login_required
def change_feedback_question(slug: str, question_id: int, action: str):
    event = _event(slug)
    _checked()
    question = questionnaire.question_or_404(event, question_id)
    if action == "loeschen":
        questionnaire.remove_question(current_user, question)
        flash(_("Frage entfernt."), "success")
    elif action in ("hoch", "runter"):
        questionnaire.move_question(question, -1 if action == "hoch" else 1)
    else:
        abort(404)
    return redirect(url_for(".feedback_page", slug=slug) + "#fragen")


@bp.post("/e/<slug>/rueckmeldung/standard")
@login_required
def load_default_feedback(slug: str):
    event = _event(slug)
    _checked()
    count = questionnaire.load_default(current_user, event)
    flash(_("Der Standardfragebogen mit %(count)d Fragen ist angelegt. Passen Sie ihn gern an.", count=count)
          if count else _("Der Fragebogen hat schon Fragen."), "success" if count else "warning")
    return redirect(url_for(".feedback_page", slug=slug) + "#fragen")


@bp.post("/e/<slug>/rueckmeldung/oeffnen")
@login_required
def open_feedback(slug: str):
    event = _event(slug)
    _checked()
    questionnaire.open_now(current_user, event)
    flash(_("Die Rückmeldung ist geöffnet."), "success")
    return redirect(url_for(".feedback_page", slug=slug))


@bp.post("/e/<slug>/rueckmeldung/danke")
@login_required
def send_feedback_thanks(slug: str):
    event = _event(slug)
    form = BulkConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return send_confirmed(
        lambda: answering.send_thank_you(current_user, event, confirmed=form.confirmed.data),
        lambda count: _("%(count)d E-Mails mit dem Link zur Rückmeldung sind unterwegs.", count=count),
        url_for(".feedback_page", slug=slug, vorschau=1) + "#dank", url_for(".feedback_page", slug=slug))


@bp.get("/e/<slug>/rueckmeldung/folie")
@login_required
def feedback_slide(slug: str):
    event = _event(slug)
    setup = questionnaire.setup_of(event)
    url = f"{answering.code_url(event)}?code={setup.code}"
    return render_template("manage/feedback_slide.html", event=event, setup=setup, qr=_qr_svg(url),
                           short_url=answering.code_url(event))


@bp.get("/e/<slug>/rueckmeldung/ergebnisse")
@bp.get("/e/<slug>/rueckmeldung/ergebnisse.<fmt>")
@login_required
def feedback_results(slug: str, fmt: str | None = None):
    event = _event(slug)
    return _results_response(event, results.results_of(event), fmt, f"rueckmeldung-{event.slug}")


@bp.get("/e/<slug>/rueckmeldung/ergebnisse/<int:item_id>")
@login_required
def feedback_item_results(slug: str, item_id: int):
    """A workshop's results, for its leader (and the organisers)."""
    event, item = workshop_lists.item_or_404(current_user, slug, item_id)
    return _results_response(event, results.results_of(event, item), None, "", item=item)


def _results_response(event, found, fmt, name, item=None):
    if fmt == "xlsx":
        data, mime = exports.render(results.results_table(found), "xlsx")
        return _download(data, mime, name, "xlsx")
    if fmt == "pdf":
        return _download(render_pdf("feedback_results.html", found=found, event=event, min_group=results.MIN_GROUP),
                         "application/pdf", name, "pdf")
    if fmt is not None:
        abort(404)
    organiser = access.may(current_user, event.network, access.ORGANISERS)
    return render_template("manage/feedback_results.html", event=event if organiser else None, found=found,
                           item=item, min_group=results.MIN_GROUP, organiser=organiser)


# --- materials --------------------------------------------------------------------------------

def _material_event(slug: str):
    """Organisers see every item; workshop leaders only the items they lead."""
    event = access.event_or_404(current_user, slug, access.ORGANISERS | {Role.workshop_leader})
    organiser = access.may(current_user, event.network, access.ORGANISERS)
    items = [item for item in _items(event) if organiser or workshop_lists.leads(current_user, item)]
    if not organiser and not items:
        abort(404)
    return event, organiser, items


@bp.route("/e/<slug>/material", methods=["GET", "POST"])
@login_required
@accepts_files_up_to(library.MAX_BYTES)
def materials_page(slug: str):
    event, organiser, items = _material_event(slug)
    allowed = {item.id for item in items}
    form = FlaskForm()
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        raw = request.form.get("program_item_id") or ""
        item_id = int(raw) if raw.isdigit() else None
        if (item_id is None and not organiser) or (item_id is not None and item_id not in allowed):
            abort(404)
        public = organiser and request.form.get("public") == "1"
        upload = request.files.get("file")
        try:
            if upload and upload.filename:
                library.add_file(current_user, event, item_id, request.form.get("title", "")[:1000], upload.filename,
                                 upload.read(library.MAX_BYTES + 1), public)
            else:
                library.add_link(current_user, event, item_id, request.form.get("title", "")[:1000],
                                 request.form.get("url", "")[:1000], public)
        except MaterialError as error:
            problems = {key: str(message) for key, message in error.problems.items()}
        else:
            flash(_("Das Material ist gespeichert. Angemeldete sehen es über ihren persönlichen Link."), "success")
            return redirect(url_for(".materials_page", slug=slug))
    shown = [m for m in library.materials_of(event) if organiser or m.program_item_id in allowed]
    announcement = library.announcement(event) if organiser and request.args.get("vorschau") else None
    return render_template("manage/materials.html", event=event if organiser else None, material_event=event,
                           materials=shown, items=items, organiser=organiser, form=form, problems=problems,
                           values=request.form, announcement=announcement), 422 if problems else 200


@bp.post("/e/<slug>/material/<int:material_id>/<action>")
@login_required
def change_material(slug: str, material_id: int, action: str):
    event, organiser, items = _material_event(slug)
    _checked()
    material = library.material_or_404(event, material_id)
    if not organiser and material.program_item_id not in {item.id for item in items}:
        abort(404)
    if action == "loeschen":
        library.remove(current_user, material)
        flash(_("Das Material ist entfernt."), "success")
    elif action in ("oeffentlich", "privat") and organiser:
        library.set_public(current_user, material, action == "oeffentlich")
    else:
        abort(404)
    return redirect(url_for(".materials_page", slug=slug))


@bp.post("/e/<slug>/material/ankuendigen")
@login_required
def announce_materials(slug: str):
    event = _event(slug)
    form = BulkConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return send_confirmed(
        lambda: library.announce(current_user, event, confirmed=form.confirmed.data),
        lambda count: _("%(count)d E-Mails mit dem Hinweis auf die Materialien sind unterwegs.", count=count),
        url_for(".materials_page", slug=slug, vorschau=1) + "#ankuendigen", url_for(".materials_page", slug=slug))
