"""The questionnaire of an event: its questions, the default for a Fachtagung, when it opens, its short code."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from confapp.extensions import db
from confapp.models import Event, FeedbackQuestion, FeedbackSetup, ItemKind, ProgramItem, QuestionKind, User
from confapp.services.networks import audit

#: Letters and digits nobody confuses when reading them off a slide (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_QUESTIONS = 80
MAX_OPTIONS = 12
SCALE_TEXT = {6: _l("Schulnoten: 1 = sehr gut … 6 = ungenügend"), 5: _l("1 = schlecht … 5 = sehr gut")}
KIND_TEXT = {QuestionKind.rating: _l("Bewertung"), QuestionKind.single: _l("Eine Antwort wählen"),
             QuestionKind.multiple: _l("Mehrere Antworten möglich"), QuestionKind.text: _l("Freitext")}


class QuestionError(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


@dataclass
class QuestionDetails:
    kind: QuestionKind
    text: str
    scale: int | None = 6
    options: list[str] = field(default_factory=list)
    program_item_id: int | None = None


def setup_of(event: Event) -> FeedbackSetup:
    """The event's feedback settings, made with a fresh short code the first time they are needed."""
    setup = db.session.get(FeedbackSetup, event.id)
    if setup is None:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if db.session.scalar(select(FeedbackSetup).where(FeedbackSetup.code == code)) is None:
                break
        setup = FeedbackSetup(event_id=event.id, code=code)
        db.session.add(setup)
        db.session.commit()
    return setup


def opens_at(event: Event) -> datetime:
    """Wall-clock time at the venue from which answers are taken: the event's end unless set otherwise."""
    setup = db.session.get(FeedbackSetup, event.id)
    return (setup.opens_at if setup and setup.opens_at else None) or event.ends_at


def is_open(event: Event, at: datetime | None = None) -> bool:
    return (at or event.local_now()) >= opens_at(event)


def open_now(actor: User, event: Event) -> None:
    """Take answers from now on (for a closing session that ends before the program says)."""
    setup = setup_of(event)
    setup.opens_at = event.local_now().replace(second=0, microsecond=0)
    audit.record(actor, "feedback.opened", "Rückmeldung vorzeitig geöffnet", event=event)
    db.session.commit()


def questions_of(event: Event) -> list[FeedbackQuestion]:
    return list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.event_id == event.id)
                                   .options(selectinload(FeedbackQuestion.program_item))
                                   .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))


def question_or_404(event: Event, question_id: int) -> FeedbackQuestion:
    question = db.session.get(FeedbackQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


def _items(event: Event) -> dict[int, ProgramItem]:
    return {item.id: item for slot in event.slots for item in slot.items if item.kind is not ItemKind.break_}


def problems_of(event: Event, details: QuestionDetails) -> dict[str, str]:
    problems: dict[str, str] = {}
    text = " ".join((details.text or "").split())
    if not text:
        problems["text"] = _l("Bitte geben Sie die Frage ein.")
    elif len(text) > 300:
        problems["text"] = _l("Höchstens 300 Zeichen.")
    if details.kind is QuestionKind.rating and details.scale not in (5, 6):
        problems["scale"] = _l("Bitte wählen Sie eine Skala.")
    if details.kind in (QuestionKind.single, QuestionKind.multiple):
        options = [o for o in details.options if o]
        if len(options) < 2:
            problems["options"] = _l("Bitte geben Sie mindestens zwei Antworten vor, eine je Zeile.")
        elif len(options) > MAX_OPTIONS or any(len(o) > 100 for o in options):
            problems["options"] = _l("Höchstens 12 Antworten mit je höchstens 100 Zeichen.")
        elif len(set(options)) != len(options):
            problems["options"] = _l("Jede Antwort darf nur einmal vorkommen.")
    if details.program_item_id is not None and details.program_item_id not in _items(event):
        problems["program_item_id"] = _l("Diesen Programmpunkt gibt es in dieser Veranstaltung nicht.")
    return problems


def _cleaned(details: QuestionDetails) -> QuestionDetails:
    choice = details.kind in (QuestionKind.single, QuestionKind.multiple)
    return QuestionDetails(
        kind=details.kind, text=" ".join((details.text or "").split()),
        scale=details.scale if details.kind is QuestionKind.rating else None,
        options=[" ".join(o.split()) for o in details.options if o.strip()] if choice else [],
        program_item_id=details.program_item_id)


def add_question(actor: User, event: Event, details: QuestionDetails) -> FeedbackQuestion:
    details = _cleaned(details)
    problems = problems_of(event, details)
    if len(questions_of(event)) >= MAX_QUESTIONS:
        problems["text"] = _l("Höchstens 80 Fragen je Veranstaltung.")
    if problems:
        raise QuestionError(problems)
    position = (db.session.scalar(select(func.max(FeedbackQuestion.position))
                                  .where(FeedbackQuestion.event_id == event.id)) or 0) + 1
    question = FeedbackQuestion(event_id=event.id, position=position, **vars(details))
    db.session.add(question)
    audit.record(actor, "feedback.question_added", f"Frage für die Rückmeldung hinzugefügt: {details.text[:80]}",
                 event=event)
    db.session.commit()
    return question


def remove_question(actor: User, question: FeedbackQuestion) -> None:
    event = db.session.get(Event, question.event_id)
    audit.record(actor, "feedback.question_removed", f"Frage entfernt: {question.text[:80]}", event=event)
    db.session.delete(question)
    db.session.commit()


def move_question(question: FeedbackQuestion, step: int) -> None:
    """Move a question one place up (-1) or down (+1)."""
    questions = questions_of(db.session.get(Event, question.event_id))
    index = questions.index(question)
    other = index + step
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
        for position, each in enumerate(questions, start=1):
            each.position = position
        db.session.commit()


def default_questions(event: Event) -> list[QuestionDetails]:
    """The German default for a Fachtagung: overall, each talk and workshop, organisation, next year."""
    found = [QuestionDetails(QuestionKind.rating, "Wie bewerten Sie die Veranstaltung insgesamt?", 6)]
    for slot in sorted(event.slots, key=lambda s: s.starts_at):
        for item in sorted(slot.items, key=lambda i: i.position):
            if item.kind is ItemKind.talk:
                found.append(QuestionDetails(QuestionKind.rating, f"Wie bewerten Sie den Vortrag „{item.title}“?",
                                             6, program_item_id=item.id))
            elif item.kind in (ItemKind.workshop, ItemKind.theme_table):
                noun = "den Workshop" if item.kind is ItemKind.workshop else "den Thementisch"
                found.append(QuestionDetails(QuestionKind.rating, f"Wie bewerten Sie {noun} „{item.title}“?", 6,
                                             program_item_id=item.id))
                found.append(QuestionDetails(QuestionKind.text, f"Was nehmen Sie aus „{item.title}“ für Ihre "
                                             "Arbeit mit?", None, program_item_id=item.id))
    found += [
        QuestionDetails(QuestionKind.rating, "Wie zufrieden waren Sie mit der Organisation "
                        "(Anmeldung, Ort, Verpflegung)?", 6),
        QuestionDetails(QuestionKind.single, "Wie haben Sie von der Veranstaltung erfahren?", None,
                        ["Einladung per E-Mail", "Flyer", "Website", "Kolleginnen und Kollegen", "Anders"]),
        QuestionDetails(QuestionKind.multiple, "Was hat Ihnen für Ihre Arbeit am meisten gebracht?", None,
                        ["Vorträge", "Workshops", "Austausch mit anderen Fachkräften", "Materialien"]),
        QuestionDetails(QuestionKind.text, "Welche Themen wünschen Sie sich für das nächste Jahr?"),
        QuestionDetails(QuestionKind.text, "Was möchten Sie uns sonst noch sagen?"),
    ]
    return found


def load_default(actor: User, event: Event) -> int:
    """Add the default questionnaire (only to an event without questions); returns how many were added."""
    if questions_of(event):
        return 0
    details = default_questions(event)[:MAX_QUESTIONS]
    for position, each in enumerate(details, start=1):
        db.session.add(FeedbackQuestion(event_id=event.id, position=position, **vars(_cleaned(each))))
    audit.record(actor, "feedback.default_loaded", f"Standardfragebogen mit {len(details)} Fragen angelegt",
                 event=event)
    db.session.commit()
    return len(details)
