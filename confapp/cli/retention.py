"""``flask purge``: delete personal data past its retention date."""
import click
from flask.cli import with_appcontext

from confapp.services.events import lookup as events
from confapp.services.partners import directory as partner_directory
from confapp.services.privacy import retention


@click.command("purge")
@click.argument("slug", required=False)
@click.option("--due", is_flag=True, help="Purge every event whose retention date has passed.")
@click.option("--yes", is_flag=True, help="Do not ask before purging a single event.")
@with_appcontext
def purge_command(slug: str | None, due: bool, yes: bool) -> None:
    """Delete personal data of EVENT now, or of all events that are due (--due)."""
    if bool(slug) == due:
        raise click.UsageError("Geben Sie entweder eine Veranstaltung oder --due an.")
    if due:
        targets = retention.due_events()
    else:
        event = events.by_slug(slug)
        if event is None:
            raise click.ClickException(f"Veranstaltung „{slug}“ gibt es nicht.")
        if not yes:
            click.confirm(f"Alle personenbezogenen Daten von „{event.title}“ jetzt löschen?", abort=True)
        targets = [event]
    if not targets:
        click.echo("Nichts zu löschen.")
    try:
        with click.progressbar(targets, label="Löschen", show_pos=True) as bar:
            reports = [retention.purge_event(event) for event in bar]
    except retention.RetentionError as error:
        raise click.ClickException(str(error)) from error
    for report in reports:
        kept = f", Namen auf der Anwesenheitsliste behalten: {report.names_kept}" if report.names_kept else ""
        click.echo(f"{report.event_slug}: {report.registrations} Anmeldungen anonymisiert, "
                   f"{report.emails_deleted} E-Mails gelöscht{kept}")




@click.command("purge-contacts")
@with_appcontext
def purge_contacts_command() -> None:
    """Delete partner contact persons whose deletion date has passed (run daily beside purge --due)."""
    count = partner_directory.purge_due_contacts()
    click.echo(f"{count} Ansprechpersonen aus dem Partnerverzeichnis gelöscht." if count
               else "Keine Ansprechperson ist zur Löschung fällig.")


commands = (purge_command, purge_contacts_command)
