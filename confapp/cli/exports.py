"""``flask export EVENT -o FILE.{csv,xlsx,json}``: the registrations of an event."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from confapp.services.events import lookup as events
from confapp.services.reports import exports


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; the ending (.csv, .xlsx, .json) picks the format.")
def export_command(slug: str, output: Path) -> None:
    """Write the registrations of event SLUG with status, wishes and assignments."""
    event = events.by_slug(slug)
    if event is None:
        raise click.ClickException(f"Veranstaltung „{slug}“ gibt es nicht.")
    try:
        count = exports.export_registrations(event, output)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} Anmeldungen geschrieben: {output}")


commands = (export_command,)
