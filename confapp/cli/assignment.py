"""``flask assign``: the optimal workshop assignment, with its satisfaction report."""
import click
from flask.cli import with_appcontext

from confapp.services import assignment, events
from confapp.services.assignment_report import report_lines


@click.command("assign")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Compute and print the report, store nothing.")
@click.option("--fill", is_flag=True,
              help="Only place registrations without a seat into free seats; nobody else moves.")
@click.option("--notify", is_flag=True, help="Afterwards e-mail every attendee not yet told their workshops.")
@with_appcontext
def assign_command(slug: str, dry_run: bool, fill: bool, notify: bool) -> None:
    """Assign the workshops of EVENT optimally from the ranked wishes and print the report."""
    event = events.by_slug(slug)
    if event is None:
        raise click.ClickException(f"Veranstaltung „{slug}“ gibt es nicht.")
    if dry_run and notify:
        raise click.UsageError("--notify geht nicht zusammen mit --dry-run.")
    mode = assignment.AssignmentMode.fill if fill else assignment.AssignmentMode.reoptimize
    try:
        with click.progressbar(length=3, label="Zuteilung") as bar:
            result = assignment.preview(event, mode, progress=bar.update)
            applied = None if dry_run else assignment.apply(event, result, actor="cli")
            bar.update(1)
        sent = assignment.notify_assigned(event, actor="cli") if notify else None
    except assignment.AssignmentError as error:
        raise click.ClickException(str(error))
    for line in report_lines(result.report):
        click.echo(line)
    notified = result.moves_of_notified
    click.echo(f"Änderungen gegenüber den gespeicherten Plätzen: {len(result.changes)}"
               + (f", davon {len(notified)} bei bereits Benachrichtigten:" if notified else ""))
    for change in notified:
        click.echo(f"  {change.name}, {change.slot_label}: {change.before or 'kein Platz'} → "
                   f"{change.after or 'kein Platz'}")
    if applied is None:
        click.echo("Probelauf: nichts wurde gespeichert.")
    else:
        click.echo(f"Gespeichert: {applied.created} neu, {applied.moved} verschoben, {applied.removed} entfernt.")
    if sent is not None:
        click.echo(f"E-Mails mit der Zuteilung: {sent}")


commands = (assign_command,)
