"""Answering the questionnaire: personal one-time links, the event's short code, answers without names.

A personal link's token is derived from the app's secret and the registration's own secret, so
certificates and e-mails can print the same link again without storing it; only its hash is kept,
with the moment it was used. The answers themselves carry the day, the sector and how the person
came, never the registration: nobody can tell who said what, and nobody answers twice by link.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from confapp.extensions import db
from confapp.models import (Assignment, Attendance, Event, FeedbackAnswer, FeedbackInvite, FeedbackQuestion,
                            FeedbackResponse, ItemKind, QuestionKind, Registration, RegistrationStatus, User, utcnow)
from confapp.services.feedback.questionnaire import questions_of, setup_of
from confapp.services.mail.bulk import BulkMail, bulk_mail, require_confirmed, sample_texts
from confapp.services.mail.outbox import queue_rendered, render_email
from confapp.services.networks import audit
from confapp.services.registration.lookup import manage_url

MAX_TEXT = 2000


class AnswerError(ValueError):
    def __init__(self, problems: dict[int, str]):
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


class AlreadyAnswered(Exception):
    """This personal link was used already."""


def _token(registration: Registration) -> str:
    message = f"feedback:{registration.event_id}:{registration.manage_token}".encode()
    return hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def personal_path(registration: Registration) -> str:
    """The registration's feedback link (path only); noted as an invite so that the link works."""
    token = _token(registration)
    if db.session.scalar(select(FeedbackInvite.id).where(FeedbackInvite.token_hash == _hash(token))) is None:
        db.session.add(FeedbackInvite(event_id=registration.event_id, registration_id=registration.id,
                                      token_hash=_hash(token)))
        db.session.flush()
    return f"/e/{registration.event.slug}/rueckmeldung/{token}"


def personal_url(registration: Registration) -> str:
    return current_app.config["BASE_URL"] + personal_path(registration)


def code_url(event: Event) -> str:
    return f"{current_app.config['BASE_URL']}/e/{event.slug}/rueckmeldung"


def invite_for(event: Event, token: str) -> FeedbackInvite | None:
    if not token or len(token) > 64:
        return None
    invite = db.session.scalar(select(FeedbackInvite).where(FeedbackInvite.token_hash == _hash(token)))
    return invite if invite is not None and invite.event_id == event.id else None


def code_matches(event: Event, code: str) -> bool:
    wanted = setup_of(event).code
    return hmac.compare_digest("".join((code or "").split()).upper()[:20].encode(), wanted.encode())


def attended_items(registration: Registration) -> set[int]:
    """Workshops and theme tables the person was seated in or marked present at."""
    seated = db.session.scalars(select(Assignment.program_item_id).where(Assignment.registration_id == registration.id))
    present = db.session.scalars(select(Attendance.program_item_id).where(Attendance.registration_id == registration.id))
    return set(seated) | set(present)


def questions_for(event: Event, registration: Registration | None) -> list[FeedbackQuestion]:
    """What this person is asked: questions about the whole event, the talks (with a personal link), and
    the workshops and theme tables they were in. With the short code, only questions about the whole event."""
    attended = attended_items(registration) if registration is not None else set()
    asked = []
    for question in questions_of(event):
        item = question.program_item
        if item is None:
            asked.append(question)
        elif registration is not None and (item.kind is ItemKind.talk or item.id in attended):
            asked.append(question)
    return asked


def parse_answers(questions: list[FeedbackQuestion], values) -> list[FeedbackAnswer]:
    """Answers from a form's values (``q<id>``); every problem named by question id, nothing required."""
    answers, problems = [], {}
    for question in questions:
        key = f"q{question.id}"
        if question.kind is QuestionKind.rating:
            raw = (values.get(key) or "").strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= (question.scale or 6):
                problems[question.id] = _l("Bitte wählen Sie eine der Stufen.")
                continue
            answers.append(FeedbackAnswer(question_id=question.id, rating=int(raw)))
        elif question.kind is QuestionKind.text:
            text = (values.get(key) or "").replace("\x00", "").strip()
            if len(text) > MAX_TEXT:
                problems[question.id] = _l("Höchstens %(limit)d Zeichen.", limit=MAX_TEXT)
            elif text:
                answers.append(FeedbackAnswer(question_id=question.id, text=text))
        else:
            chosen = values.getlist(key) if hasattr(values, "getlist") else values.get(key, [])
            chosen = [c for c in chosen if c]
            if any(c not in question.options for c in chosen) or (
                    question.kind is QuestionKind.single and len(chosen) > 1):
                problems[question.id] = _l("Bitte wählen Sie aus den vorgegebenen Antworten.")
            elif chosen:
                answers.append(FeedbackAnswer(question_id=question.id, choices=sorted(set(chosen),
                                                                                 key=question.options.index)))
    if problems:
        raise AnswerError(problems)
    if not answers:
        raise AnswerError({0: _l("Bitte beantworten Sie mindestens eine Frage.")})
    return answers


def submit(event: Event, answers: list[FeedbackAnswer], invite: FeedbackInvite | None = None,
           sector: str = "") -> FeedbackResponse:
    """Store answers in one transaction; a personal link is used up by a conditional UPDATE, so two
    submissions at once cannot both count."""
    if invite is not None:
        used = db.session.execute(update(FeedbackInvite).where(
            FeedbackInvite.id == invite.id, FeedbackInvite.used_at.is_(None)).values(used_at=utcnow()))
        if used.rowcount != 1:
            db.session.rollback()
            raise AlreadyAnswered()
    response = FeedbackResponse(event_id=event.id, submitted_on=event.local_now().date(), sector=sector[:100],
                                via="link" if invite is not None else "code", answers=answers)
    db.session.add(response)
    db.session.commit()
    return response


def _thank_you_group(event: Event) -> list[Registration]:
    """Whom the thank-you concerns: those checked in (if any of them has an address), else every
    confirmed attendee; with or without an e-mail address."""
    confirmed = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.last_name, Registration.first_name, Registration.id)))
    checked_in = [r for r in confirmed if r.checked_in_at is not None]
    return checked_in if any(r.email for r in checked_in) else confirmed


def thank_you_recipients(event: Event) -> list[Registration]:
    """Who gets the thank-you e-mail: those checked in, or every confirmed attendee if nobody was."""
    return [r for r in _thank_you_group(event) if r.email]


def thank_you_email(registration: Registration):
    return render_email("feedback_thanks", registration.email, event=registration.event, registration=registration,
                        feedback_url=personal_url(registration), manage_url=manage_url(registration))


def _thank_you_preview(group: list[Registration]) -> BulkMail:
    found = [r for r in group if r.email]
    sample = thank_you_email(found[0]) if found else None
    return bulk_mail((r.id for r in found), sample, *sample_texts(sample), without_email=len(group) - len(found),
                     names=(f"{r.full_name} <{r.email}>" for r in found))


def thank_you_preview(event: Event) -> BulkMail:
    """Who would get the thank-you e-mail now, and the first of them written out."""
    return _thank_you_preview(_thank_you_group(event))


def send_thank_you(actor: User, event: Event, *, confirmed: str | None) -> int:
    """Queue the thank-you e-mail with each person's feedback link, once the organiser confirmed the
    preview of exactly these recipients (``confirmed``: the fingerprint of ``thank_you_preview``,
    else ``bulk.NotConfirmed`` and nothing is sent)."""
    group = _thank_you_group(event)
    require_confirmed(_thank_you_preview(group), confirmed)
    recipients = [r for r in group if r.email]
    for registration in recipients:
        queue_rendered(thank_you_email(registration), event=event, registration=registration)
    setup_of(event).thanked_at = utcnow()
    audit.record(actor, "feedback.thanked", f"Dank mit Bitte um Rückmeldung an {len(recipients)} Personen verschickt",
                 event=event)
    db.session.commit()
    return len(recipients)


@dataclass(frozen=True)
class Progress:
    asked: int
    answered: int


def progress(event: Event) -> Progress:
    invites = list(db.session.scalars(select(FeedbackInvite.used_at).where(FeedbackInvite.event_id == event.id)))
    responses = db.session.scalar(select(func.count()).select_from(FeedbackResponse)
                                  .where(FeedbackResponse.event_id == event.id))
    return Progress(asked=len(invites), answered=responses or 0)
