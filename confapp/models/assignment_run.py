"""An assignment run: a preview computed in the background, kept until applied or discarded.

The state lives in the database, so any web process can show a run's progress and result, and the
report of an applied assignment stays viewable afterwards.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confapp.extensions import db
from confapp.models.base import utcnow
from confapp.models.event import Event


class RunState(enum.Enum):
    #: Started; the background worker computes it.
    running = "running"
    #: Computed; waits for the organiser to apply or discard it.
    ready = "ready"
    #: Stored as the event's assignment; the report stays.
    applied = "applied"
    #: Discarded, replaced by a newer preview, or gone stale.
    discarded = "discarded"
    #: The computation failed (``error`` says why, in German).
    failed = "failed"


class AssignmentRun(db.Model):
    """One preview of the optimal assignment of an event, and its report once computed."""

    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        Index("ix_assignment_run_event_started", "event_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    state: Mapped[RunState] = mapped_column(
        Enum(RunState, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=RunState.running)
    #: "reoptimize" or "fill" (``AssignmentMode``).
    mode: Mapped[str] = mapped_column(String(20))
    #: Direct mode: people whose workshop stays full may get another one with room.
    fallback: Mapped[bool] = mapped_column(default=False)
    #: Who started it (e-mail, or "cli").
    started_by: Mapped[str] = mapped_column(String(254))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last sign of life of the worker; a running run without one for long has died with its process.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Percent done, for the progress bar.
    progress: Mapped[int] = mapped_column(default=0)
    #: What the worker does now, in German ("Anmeldungen lesen" …).
    step: Mapped[str] = mapped_column(String(200), default="")
    #: The preview as JSON (seats, changes, report); emptied when discarded, and by the data purge.
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime | None]
    applied_by: Mapped[str | None] = mapped_column(String(254))

    event: Mapped[Event] = relationship()
