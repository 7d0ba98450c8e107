"""After the event, for attendees: the questionnaire (personal link or the event's short code) and materials."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from confapp.extensions import limiter
from confapp.models import EventStatus
from confapp.public import bp
from confapp.public.registration_views import _private, _registration_or_404
from confapp.services.events import lookup as events
from confapp.services.feedback import answering, questionnaire
from confapp.services.feedback.answering import AlreadyAnswered, AnswerError
from confapp.services.materials import library

ANSWER_LIMIT = "10 per minute;60 per hour"


def _event_or_404(slug: str):
    event = events.by_slug(slug)
    if event is None or event.status is EventStatus.draft:
        abort(404)
    return event


def _questionnaire(event, questions, form, errors=None, code: str = "", status: int = 200):
    return _private(Response(render_template(
        "public/feedback.html", event=event, questions=questions, form=form, errors=errors or {},
        values=request.form if request.method == "POST" else {}, code=code,
        scale_text=questionnaire.SCALE_TEXT), status=status))


def _not_yet(event):
    return _private(Response(render_template("public/feedback_closed.html", event=event,
                                             opens_at=questionnaire.opens_at(event)), status=200))


@bp.route("/e/<slug>/rueckmeldung/<token>", methods=["GET", "POST"])
@limiter.limit(ANSWER_LIMIT, methods=["POST"])
def feedback_personal(slug: str, token: str):
    event = _event_or_404(slug)
    invite = answering.invite_for(event, token)
    if invite is None:
        abort(404)
    if not questionnaire.is_open(event):
        return _not_yet(event)
    if invite.used_at is not None:
        return _private(render_template("public/feedback_done.html", event=event, again=True))
    questions = answering.questions_for(event, invite.registration)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            answers = answering.parse_answers(questions, request.form)
            answering.submit(event, answers, invite=invite, sector=invite.registration.sector)
        except AnswerError as error:
            return _questionnaire(event, questions, form, error.problems, status=422)
        except AlreadyAnswered:
            return _private(render_template("public/feedback_done.html", event=event, again=True))
        return redirect(url_for(".feedback_thanks", slug=slug))
    return _questionnaire(event, questions, form, status=422 if form.is_submitted() else 200)


@bp.route("/e/<slug>/rueckmeldung", methods=["GET", "POST"])
@limiter.limit(ANSWER_LIMIT, methods=["POST"])
def feedback_by_code(slug: str):
    event = _event_or_404(slug)
    if not questionnaire.is_open(event):
        return _not_yet(event)
    done_key = f"feedback_done:{event.id}"
    if session.get(done_key):
        return _private(render_template("public/feedback_done.html", event=event, again=True))
    code = (request.values.get("code") or "").strip()[:20]
    form = FlaskForm()
    if not code or not answering.code_matches(event, code):
        wrong = bool(code)
        return _private(Response(render_template("public/feedback_code.html", event=event, form=form, wrong=wrong,
                                                 code=code), status=422 if wrong else 200))
    questions = answering.questions_for(event, None)
    if "answers" in request.form and form.validate_on_submit():
        try:
            answers = answering.parse_answers(questions, request.form)
        except AnswerError as error:
            return _questionnaire(event, questions, form, error.problems, code=code, status=422)
        answering.submit(event, answers)
        session[done_key] = True
        return redirect(url_for(".feedback_thanks", slug=slug))
    return _questionnaire(event, questions, form, code=code)


@bp.get("/e/<slug>/rueckmeldung/danke")
def feedback_thanks(slug: str):
    event = _event_or_404(slug)
    return render_template("public/feedback_done.html", event=event, again=False)


def _download(material):
    if material.url:
        return redirect(material.url)
    response = Response(library.file_of(material), mimetype=material.content_type)
    # Always a download, never shown in the browser: nothing an uploader sends runs on our origin.
    response.headers["Content-Disposition"] = f'attachment; filename="{material.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/e/<slug>/anmeldung/<token>/material/<int:material_id>")
def attendee_material(slug: str, token: str, material_id: int):
    registration = _registration_or_404(slug, token)
    material = library.material_or_404(registration.event, material_id)
    if material not in library.for_attendee(registration):
        abort(404)
    return _private(_download(material))


@bp.get("/e/<slug>/material/<int:material_id>")
def public_material(slug: str, material_id: int):
    event = events.published_or_404(slug, details=False)
    material = library.material_or_404(event, material_id)
    if not material.public:
        abort(404)
    return _download(material)
