"""``flask network create`` and ``flask network list``: a new network with its first admin."""
import click
from flask import current_app
from flask.cli import with_appcontext

from confapp.services.networks import accounts, setup


@click.group("network")
def network_group() -> None:
    """Netzwerke anlegen und auflisten."""


@network_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Name des Netzwerks, z. B. „Netzwerk Kinderschutz Wittenberg“.")
@click.option("--admin", "admin_email", required=True, help="E-Mail-Adresse der ersten Administratorin.")
@click.option("--password", default=None,
              help="Passwort der Administratorin (mindestens 12 Zeichen); sonst wird es abgefragt.")
@click.option("--invite/--no-invite", default=None,
              help="Eine Einladung per E-Mail schicken, mit der sie ihr Passwort selbst setzt "
                   "(Vorgabe, wenn MAIL_SERVER gesetzt ist und kein Passwort angegeben wurde).")
@with_appcontext
def create_command(slug: str, name: str, admin_email: str, password: str | None, invite: bool | None) -> None:
    """Legt das Netzwerk SLUG mit seiner ersten Administratorin an."""
    new_admin = accounts.by_email(admin_email) is None
    if invite is None:
        invite = new_admin and password is None and bool(current_app.config.get("MAIL_SERVER"))
    if password is None and new_admin and not invite:
        password = click.prompt("Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen")
    try:
        network = setup.create_network(slug, name, admin_email, password, invite=invite)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    base = current_app.config["BASE_URL"]
    email = accounts.normalise_email(admin_email)
    if invite and new_admin:
        click.echo(f"Netzwerk „{network.name}“ ({network.slug}) angelegt. Die Einladung als Administration ist an "
                   f"{email} unterwegs; mit ihrem Link setzt sie ihr Passwort (gültig sieben Tage).")
    else:
        click.echo(f"Netzwerk „{network.name}“ ({network.slug}) angelegt; {email} hat die Rolle Administration.")
    click.echo(f"Anmelden: {base}/manage/anmelden")
    click.echo(f"Dann unter „Netzwerk-Einstellungen“ Anschrift, Absender und Rechtstexte ergänzen: "
               f"{base}/manage/n/{network.slug}/einstellungen")


@network_group.command("list")
@with_appcontext
def list_command() -> None:
    """Zeigt alle Netzwerke mit Administration und Zahl der Veranstaltungen."""
    summaries = setup.list_networks()
    if not summaries:
        click.echo("Noch kein Netzwerk. Anlegen mit: flask network create SLUG --name NAME --admin E-MAIL")
        return
    for summary in summaries:
        admins = ", ".join(summary.admins) or "keine Administration"
        click.echo(f"{summary.slug}\t{summary.name}\t{summary.events} Veranstaltungen "
                   f"({summary.published} veröffentlicht)\t{admins}")


commands = (network_group,)
