"""After the event: the feedback questionnaire with its anonymous answers, and the materials attendees get."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import Event, ProgramItem
from confapp.models.registration import Registration


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class QuestionKind(enum.Enum):
    #: A mark on a scale: 1–6 like German school grades (1 best) or 1–5 (5 best).
    rating = "rating"
    single = "single"
    multiple = "multiple"
    text = "text"


class FeedbackSetup(db.Model):
    """When an event's questionnaire opens, and its short code for people without a personal link."""

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    #: Wall-clock time at the venue when answers are taken; None: at the event's end.
    opens_at: Mapped[datetime | None]
    #: Short code shown at the exit and on the closing slide (unambiguous letters and digits).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    #: When the thank-you e-mail with the personal links went out.
    thanked_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()


class FeedbackQuestion(db.Model):
    """One question of an event's questionnaire; with a program item, asked only of who was there."""

    __table_args__ = (
        CheckConstraint("scale IS NULL OR scale IN (5, 6)", name="scale_five_or_six"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    text: Mapped[str] = mapped_column(String(300))
    #: For ratings: 6 = school grades (1 sehr gut … 6 ungenügend), 5 = 1 (schlecht) … 5 (sehr gut).
    scale: Mapped[int | None]
    #: Answer options of single and multiple choice questions.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The talk or workshop the question is about; None for questions about the whole event.
    program_item_id: Mapped[int | None] = mapped_column(ForeignKey("program_item.id", ondelete="CASCADE"),
                                                        index=True)

    program_item: Mapped[ProgramItem | None] = relationship()


class FeedbackInvite(db.Model):
    """A registration's personal feedback link: only its hash, and whether it was used (not what was said)."""

    __table_args__ = (UniqueConstraint("event_id", "registration_id", name="uq_feedback_invite_registration"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]

    registration: Mapped[Registration] = relationship()


class FeedbackResponse(db.Model):
    """One person's answers, stored without who they are: the day, their sector and how they came."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The day only: an exact time could be matched with the moment a personal link was used.
    submitted_on: Mapped[date]
    #: The attendee's sector, for results by sector (shown only for groups of five or more).
    sector: Mapped[str] = mapped_column(String(100), default="")
    #: "link" (personal link) or "code" (the event's short code).
    via: Mapped[str] = mapped_column(String(10), default="link")

    answers: Mapped[list["FeedbackAnswer"]] = relationship(back_populates="response", cascade="all, delete-orphan")


class FeedbackAnswer(db.Model):
    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_feedback_answer_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("feedback_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("feedback_question.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")


class Material(db.Model):
    """Slides, results or a link for an event or one of its talks and workshops."""

    __table_args__ = (
        CheckConstraint("(url != '') OR (storage_key != '')", name="file_or_link"),
        CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The talk or workshop it belongs to; None for the whole event.
    program_item_id: Mapped[int | None] = mapped_column(ForeignKey("program_item.id", ondelete="CASCADE"),
                                                        index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: A link (https) instead of a file.
    url: Mapped[str] = mapped_column(String(500), default="")
    #: Where the file lies in the material storage; "" for a link.
    storage_key: Mapped[str] = mapped_column(String(100), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    #: Also on the public event page (else only through attendees' private links).
    public: Mapped[bool] = mapped_column(default=False)
    #: Who uploaded it (name, as the back office shows it); emptied by the purge.
    uploaded_by: Mapped[str] = mapped_column(String(254), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    program_item: Mapped[ProgramItem | None] = relationship()
