"""``flask assign``: the optimal workshop assignment, with its satisfaction report."""
import click
from flask.cli import with_appcontext

from confapp.models import ChoiceMode
from confapp.services.assignment import notices, workflow as assignment
from confapp.services.events import lookup as events
from confapp.services.assignment.report import report_lines


@click.command("assign")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Compute and print the report, store nothing.")
@click.option("--fill", is_flag=True,
              help="Only place registrations without a seat into free seats; nobody else moves "
                   "(always so for direct-choice events).")
@click.option("--fallback", is_flag=True,
              help="Direct-choice events: seat people whose chosen workshop stays full in another one with room.")
@click.option("--notify", is_flag=True, help="Afterwards e-mail every attendee not yet told their workshops.")
@with_appcontext
def assign_command(slug: str, dry_run: bool, fill: bool, fallback: bool, notify: bool) -> None:
    """Assign the workshops of EVENT optimally and print the report.

    Ranked-choice events: from the ranked wishes. Direct-choice events: free seats go to the
    workshops' waitlists, in waitlist order; nobody seated moves.
    """
    event = events.by_slug(slug)
    if event is None:
        raise click.ClickException(f"Veranstaltung „{slug}“ gibt es nicht.")
    if dry_run and notify:
        raise click.UsageError("--notify geht nicht zusammen mit --dry-run.")
    direct = event.choice_mode == ChoiceMode.direct
    if fallback and not direct:
        raise click.UsageError("--fallback gilt nur für Veranstaltungen mit direkter Wahl; bei Wunschlisten "
                               "werden andere Workshops ohnehin vergeben.")
    mode = assignment.AssignmentMode.fill if fill or direct else assignment.AssignmentMode.reoptimize
    if event.registration_open() and not direct:
        closes = event.registration_closes_at or event.starts_at
        click.echo(f"Achtung: Die Anmeldung ist noch offen (bis {closes:%d.%m.%Y, %H:%M}). Wer sich danach "
                   "anmeldet oder Wünsche ändert, ist in dieser Zuteilung nicht enthalten.", err=True)
    try:
        with click.progressbar(length=100, label="Zuteilung", show_percent=True) as bar:
            def progress(percent: int, step: str) -> None:
                bar.label = f"Zuteilung: {step}"
                bar.update(percent - bar.pos)

            result = assignment.preview(event, mode, progress=progress, fallback=fallback)
            if not dry_run:
                progress(95, "speichern")
            applied = None if dry_run else assignment.apply(event, result, actor="cli")
            progress(100, "fertig")
        sent = notices.notify_assigned(event, actor="cli") if notify else None
    except assignment.AssignmentError as error:
        raise click.ClickException(str(error))
    if direct:
        click.echo("Direkte Wahl: freie Plätze werden aus den Wartelisten gefüllt, niemand wird verschoben"
                   + (", mit Ausweichplätzen." if fallback else ", ohne Ausweichplätze."))
    for line in report_lines(result.report):
        click.echo(line)
    for person in result.unplaced:
        click.echo(f"  ohne Platz: {person.name}, {person.slot_label}"
                   + (f" (wünschte {', '.join(person.wishes)})" if person.wishes else ""))
    if result.waiting_for_event:
        click.echo(f"Auf der Warteliste der Veranstaltung (ohne Platz in der Veranstaltung, daher nicht zugeteilt): "
                   f"{result.waiting_for_event}")
    notified = result.moves_of_notified
    click.echo(f"Änderungen gegenüber den gespeicherten Plätzen: {len(result.changes)}"
               + (f", davon {len(notified)} bei bereits Benachrichtigten:" if notified else "")
               + (":" if direct and result.changes else ""))
    for change in result.changes if direct else notified:
        before = change.before or (f"Warteliste {change.waiting_for}" if change.waiting_for else "kein Platz")
        click.echo(f"  {change.name}, {change.slot_label}: {before} → {change.after or 'kein Platz'}")
    if applied is None:
        click.echo("Probelauf: nichts wurde gespeichert.")
    else:
        click.echo(f"Gespeichert: {applied.created} neu, {applied.moved} verschoben, {applied.removed} entfernt.")
    if sent is not None:
        click.echo(f"E-Mails mit der Zuteilung: {sent}")


commands = (assign_command,)
