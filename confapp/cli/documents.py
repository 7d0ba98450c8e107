"""``flask badges``, ``flask flyer``, ``flask sign-in-sheets``, ``flask certificates``: the printed documents."""
import functools
from pathlib import Path

import click
from flask.cli import with_appcontext

from confapp.documents.flyer import FORMATS
from confapp.documents.layouts import DEFAULT_LAYOUT, LAYOUTS
from confapp.documents.render import RenderTimeout
from confapp.models import Event
from confapp.services.documents import printing as documents
from confapp.services.events import lookup as events


def _event(slug: str) -> Event:
    event = events.by_slug(slug)
    if event is None:
        raise click.ClickException(f"Veranstaltung „{slug}“ gibt es nicht.")
    return event


def _write(path: Path, pdf: bytes) -> None:
    path.write_bytes(pdf)
    click.echo(f"{path}: {len(pdf) // 1024} KB")


def _time_bound(command):
    """A render that ran out of time ends the command with its German message, not a traceback."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RenderTimeout as error:
            raise click.ClickException(str(error)) from error
    return run


def _output_option(function):
    return click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
                        help="PDF-Datei, die geschrieben wird.")(function)


@click.command("badges")
@click.argument("slug")
@_output_option
@click.option("--layout", default=DEFAULT_LAYOUT, show_default=True, type=click.Choice(list(LAYOUTS)),
              help="Etikettenbogen: " + "; ".join(f"{name}: {layout.description}" for name, layout in LAYOUTS.items()))
@click.option("--skip", default=0, show_default=True, type=click.IntRange(0, 99),
              help="Schon verbrauchte Etiketten des ersten Bogens überspringen.")
@click.option("--offset-x", default=0.0, show_default=True, help="Druckerversatz nach rechts in mm.")
@click.option("--offset-y", default=0.0, show_default=True, help="Druckerversatz nach unten in mm.")
@click.option("--only-new", is_flag=True, help="Nur Namensschilder, die noch nie gedruckt wurden.")
@click.option("--email", help="Nur das Namensschild dieser Person.")
@click.option("--no-sector", is_flag=True, help="Arbeitsfeld nicht aufdrucken.")
@with_appcontext
@_time_bound
def badges_command(slug, output, layout, skip, offset_x, offset_y, only_new, email, no_sector) -> None:
    """Namensschilder von EVENT als PDF (sortiert nach Nachnamen)."""
    event = _event(slug)
    count = len(documents.badge_recipients(event, only_new=only_new, email=email)) if not email else 1
    with click.progressbar(length=count, label="Namensschilder", show_pos=True) as bar:
        try:
            run = documents.badges_pdf(event, layout=layout, only_new=only_new, email=email, skip=skip,
                                       offset=(offset_x, offset_y), show_sector=not no_sector, progress=bar.update)
        except documents.DocumentError as error:
            raise click.ClickException(str(error)) from error
    _write(output, run.pdf)
    documents.mark_badges_printed(run.registrations)
    click.echo(f"{len(run.registrations)} Namensschilder")


@click.command("flyer")
@click.argument("slug")
@_output_option
@click.option("--format", "format_", default="a4", show_default=True, type=click.Choice(list(FORMATS)),
              help="a4: zwei Seiten A4; dinlang: A4 quer, zweimal gefalzt.")
@with_appcontext
@_time_bound
def flyer_command(slug, output, format_) -> None:
    """Flyer von EVENT mit Programm, Anmeldeschluss und QR-Code zur Anmeldung."""
    flyer = documents.flyer(_event(slug), format_)
    _write(output, flyer.pdf)
    for note in flyer.notes:
        click.echo(note)


@click.command("sign-in-sheets")
@click.argument("slug")
@_output_option
@with_appcontext
@_time_bound
def sign_in_sheets_command(slug, output) -> None:
    """Teilnehmerlisten von EVENT: Plenum und jeder Workshop, mit Unterschriftsspalte."""
    event = _event(slug)
    sheets = 1 + sum(len(slot.choice_items) for slot in event.choice_slots)
    with click.progressbar(length=sheets, label="Teilnehmerlisten", show_pos=True) as bar:
        pdf = documents.sign_in_sheets_pdf(event, progress=bar.update)
    _write(output, pdf)


@click.command("certificates")
@click.argument("slug")
@_output_option
@click.option("--all-confirmed", is_flag=True,
              help="Für alle bestätigten Anmeldungen statt nur für eingecheckte Personen.")
@with_appcontext
@_time_bound
def certificates_command(slug, output, all_confirmed) -> None:
    """Teilnahmebescheinigungen von EVENT in einer PDF-Datei."""
    event = _event(slug)
    basis = documents.CertificateBasis.confirmed if all_confirmed else documents.CertificateBasis.checked_in
    with click.progressbar(length=len(documents.certificate_recipients(event, basis)),
                           label="Teilnahmebescheinigungen", show_pos=True) as bar:
        try:
            pdf = documents.certificates_pdf(event, basis, progress=bar.update)
        except documents.DocumentError as error:
            raise click.ClickException(str(error)) from error
    _write(output, pdf)


commands = (badges_command, flyer_command, sign_in_sheets_command, certificates_command)
