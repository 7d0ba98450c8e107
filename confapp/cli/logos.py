"""``flask logo``: set or remove a network's logo from a script (admins upload it under the network's settings)."""
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Network
from confapp.services.networks import logos


@click.command("logo")
@click.argument("network_slug")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--remove", is_flag=True, help="Das Logo entfernen.")
@with_appcontext
def logo_command(network_slug: str, file: Path | None, remove: bool) -> None:
    """Logo (PNG, JPEG oder SVG) des Netzwerks NETWORK_SLUG für Namensschilder, Flyer und Bescheinigungen."""
    network = db.session.scalar(select(Network).where(Network.slug == network_slug))
    if network is None:
        raise click.ClickException(f"Netzwerk „{network_slug}“ gibt es nicht.")
    if remove == bool(file):
        raise click.UsageError("Geben Sie entweder eine Datei oder --remove an.")
    if remove:
        logos.remove_logo(network)
        click.echo("Logo entfernt.")
        return
    if file.stat().st_size > logos.MAX_LOGO_BYTES:
        raise click.ClickException(f"Das Logo ist zu groß: höchstens {logos.MAX_LOGO_BYTES // 1024} KB.")
    try:
        logos.set_logo(network, file.read_bytes())
    except logos.LogoError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Logo gespeichert ({network.logo_mime}, {len(network.logo) // 1024} KB).")


commands = (logo_command,)
