"""Results of the questionnaire: per question, grouped by the whole event and each talk and workshop, and by sector.

Nothing is shown for fewer than ``MIN_GROUP`` answers (a question, an item, a sector): with three
answers from a workshop of three, everybody would know who said what.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import Event, FeedbackAnswer, FeedbackQuestion, FeedbackResponse, ProgramItem, QuestionKind
from confapp.services.feedback.questionnaire import SCALE_TEXT, questions_of
from confapp.services.reports.exports import Table

#: The smallest group whose answers are shown.
MIN_GROUP = 5


@dataclass
class QuestionResult:
    question: FeedbackQuestion
    count: int
    #: For ratings: how many chose each step, from 1 up; for choices: (option, count) in the question's order.
    distribution: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)
    #: Ratings: the mean per sector, for sectors with enough answers.
    by_sector: list[tuple[str, float, int]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count >= MIN_GROUP

    @property
    def scale_text(self) -> str:
        return str(SCALE_TEXT.get(self.question.scale, "")) if self.question.kind is QuestionKind.rating else ""


@dataclass
class Section:
    title: str
    item: ProgramItem | None
    results: list[QuestionResult]


@dataclass
class Results:
    event: Event
    responses: int
    sections: list[Section]
    withheld: int = 0


def _result(question: FeedbackQuestion, answers: list[tuple[FeedbackAnswer, str]]) -> QuestionResult:
    result = QuestionResult(question, len(answers))
    if question.kind is QuestionKind.rating:
        steps = Counter(a.rating for a, _ in answers)
        result.distribution = [(str(step), steps.get(step, 0)) for step in range(1, (question.scale or 6) + 1)]
        if answers:
            result.mean = round(sum(a.rating for a, _ in answers) / len(answers), 1)
        per_sector: dict[str, list[int]] = defaultdict(list)
        for answer, sector in answers:
            per_sector[sector or ""].append(answer.rating)
        result.by_sector = sorted(((sector, round(sum(v) / len(v), 1), len(v)) for sector, v in per_sector.items()
                                   if sector and len(v) >= MIN_GROUP), key=lambda row: row[0])
    elif question.kind is QuestionKind.text:
        result.texts = sorted(a.text for a, _ in answers)
    else:
        chosen = Counter(choice for a, _ in answers for choice in a.choices)
        result.distribution = [(option, chosen.get(option, 0)) for option in question.options]
    return result


def results_of(event: Event, item: ProgramItem | None = None) -> Results:
    """All results of the event, or only those about one talk or workshop (for its leader)."""
    questions = [q for q in questions_of(event) if item is None or q.program_item_id == item.id]
    rows = db.session.execute(
        select(FeedbackAnswer, FeedbackResponse.sector).join(FeedbackResponse)
        .where(FeedbackResponse.event_id == event.id,
               FeedbackAnswer.question_id.in_([q.id for q in questions] or [0])))
    by_question: dict[int, list[tuple[FeedbackAnswer, str]]] = defaultdict(list)
    for answer, sector in rows:
        by_question[answer.question_id].append((answer, sector))
    sections: dict[int | None, Section] = {}
    for question in questions:
        key = question.program_item_id
        if key not in sections:
            sections[key] = Section(question.program_item.title if question.program_item else "Zur Veranstaltung",
                                    question.program_item, [])
        sections[key].results.append(_result(question, by_question.get(question.id, [])))
    responses = db.session.scalar(select(func.count()).select_from(FeedbackResponse)
                                  .where(FeedbackResponse.event_id == event.id)) or 0
    ordered = sorted(sections.values(), key=lambda s: (s.item is not None,
                                                       s.item.slot.starts_at if s.item else None,
                                                       s.item.position if s.item else 0))
    withheld = sum(1 for s in ordered for r in s.results if not r.shown)
    return Results(event, responses, ordered, withheld)


def results_table(results: Results) -> Table:
    """One row per question (and per free-text answer), for the documentation in Excel."""
    rows: list[list[object]] = []
    for section in results.sections:
        for result in section.results:
            question = result.question
            if not result.shown:
                rows.append([section.title, question.text, result.count, "", "zu wenige Antworten (unter 5)"])
                continue
            if question.kind is QuestionKind.rating:
                spread = ", ".join(f"{step}: {count}" for step, count in result.distribution)
                rows.append([section.title, question.text, result.count, result.mean,
                             f"{result.scale_text}; {spread}"])
            elif question.kind is QuestionKind.text:
                rows.append([section.title, question.text, result.count, "", ""])
                rows += [[section.title, "", "", "", text] for text in result.texts]
            else:
                rows.append([section.title, question.text, result.count, "",
                             "; ".join(f"{option}: {count}" for option, count in result.distribution)])
    return Table(title="Rückmeldung", header=["Bereich", "Frage", "Antworten", "Mittelwert", "Verteilung / Antwort"],
                 rows=rows)

