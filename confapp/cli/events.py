"""``flask event import|export``: an event with its program as JSON."""
import json
import sys

import click
from flask.cli import with_appcontext

from confapp.services.events import lookup as events
from confapp.services.events.file_io import EventFileError, export_event, import_event


@click.group("event")
def event_group() -> None:
    """Import and export events as JSON."""


@event_group.command("import")
@with_appcontext
@click.argument("file", type=click.File("rb"))
def import_command(file) -> None:
    """Create or update an event (by slug) from FILE."""
    raw = file.read(5 * 1024 * 1024 + 1)
    if len(raw) > 5 * 1024 * 1024:
        raise click.ClickException("Die Datei ist größer als 5 MB.")
    try:
        event, created = import_event(raw)
    except EventFileError as error:
        for problem in error.problems:
            click.echo(f"Fehler: {problem}", err=True)
        raise click.ClickException(f"{len(error.problems)} Problem(e); nichts wurde geändert.")
    click.echo(f"{'Angelegt' if created else 'Aktualisiert'}: {event.slug} ({event.title})")


@event_group.command("export")
@with_appcontext
@click.argument("slug")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
def export_command(slug: str, output) -> None:
    """Write the event SLUG with its program as JSON."""
    event = events.by_slug(slug)
    if event is None:
        raise click.ClickException(f"Veranstaltung „{slug}“ gibt es nicht.")
    json.dump(export_event(event), output, ensure_ascii=False, indent=2)
    output.write("\n")
    if output is not sys.stdout:
        click.echo(f"Geschrieben: {output.name}", err=True)


commands = (event_group,)
