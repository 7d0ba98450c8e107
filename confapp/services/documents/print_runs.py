"""Badge print runs: the organiser's request is recorded with its badges, downloaded as often as
needed, and its badges count as printed only once the organiser confirms the print worked. "Druck fehlgeschlagen" leaves them in the "not yet printed"
list, so a paper jam loses nobody's badge.
"""
from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import select, update

from confapp.extensions import db
from confapp.formatting import format_wallclock
from confapp.models import BadgePrintRun, Event, PrintOutcome, Registration, User, utcnow
from confapp.services.documents import printing
from confapp.services.networks import audit

#: Pending runs listed on the documents page, newest first.
SHOWN = 5


def prepare(user: User, event: Event, *, layout: str, skip: int, offset: tuple[float, float], only_new: bool,
            show_sector: bool) -> BadgePrintRun | None:
    """A print run of the badges the organiser asked for, to download and then confirm; None if
    there are none. Raises ``printing.DocumentError`` for settings that cannot be."""
    printing.check_badge_settings(layout, skip, offset)
    registrations = printing.badge_recipients(event, only_new=only_new)
    if not registrations:
        return None
    run = BadgePrintRun(event_id=event.id, created_by=user.email, registration_ids=[r.id for r in registrations],
                        settings={"layout": layout, "skip": skip, "offset": list(offset), "show_sector": show_sector})
    db.session.add(run)
    db.session.commit()
    return run


def run_or_404(event: Event, run_id: int) -> BadgePrintRun:
    run = db.session.get(BadgePrintRun, run_id)
    if run is None or run.event_id != event.id:
        abort(404)
    return run


def run_pdf(event: Event, run_id: int) -> bytes:
    """The PDF of a print run: its badges, as they are now (a corrected name prints corrected)."""
    run = run_or_404(event, run_id)
    wanted = {r.id: r for r in printing.confirmed_registrations(event)}
    registrations = [wanted[number] for number in run.registration_ids if number in wanted]
    settings = run.settings
    return printing.badges_pdf(event, layout=settings["layout"], skip=settings["skip"],
                               offset=tuple(settings["offset"]), show_sector=settings["show_sector"],
                               registrations=registrations).pdf


def pending(event: Event) -> list[BadgePrintRun]:
    """Downloads of this event whose print nobody has confirmed or reported failed yet."""
    return list(db.session.scalars(
        select(BadgePrintRun).where(BadgePrintRun.event_id == event.id,
                                    BadgePrintRun.outcome == PrintOutcome.pending)
        .order_by(BadgePrintRun.created_at.desc(), BadgePrintRun.id.desc()).limit(SHOWN)))


def downloaded_at(run: BadgePrintRun, event: Event) -> str:
    """When the run was downloaded, in the event's local time ("02.12.2026, 14:05")."""
    local = run.created_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(event.timezone))
    return format_wallclock(local.replace(tzinfo=None), "short")


def decide(user: User, event: Event, run_id: int, printed: bool) -> BadgePrintRun:
    """The organiser's word on a pending run: printed (its badges count as printed) or failed.

    A run of another event is 404; a run already decided stays as it was decided.
    """
    run = run_or_404(event, run_id)
    if run.outcome != PrintOutcome.pending:
        return run
    now = utcnow()
    run.outcome, run.decided_at = (PrintOutcome.printed if printed else PrintOutcome.failed), now
    if printed:
        db.session.execute(update(Registration)
                           .where(Registration.event_id == event.id, Registration.id.in_(run.registration_ids))
                           .values(badge_printed_at=now, badge_reprint=False))
    audit.record(user, "badges.printed" if printed else "badges.print_failed",
                 (f"{run.count} Namensschilder als gedruckt bestätigt" if printed
                  else f"Druck von {run.count} Namensschildern fehlgeschlagen; sie bleiben ungedruckt"), event=event)
    db.session.commit()
    return run
