"""``flask create-user``: give a person a role in a network."""
import click
from flask.cli import with_appcontext

from confapp.models import Role
from confapp.services.networks import accounts


@click.command("create-user")
@click.argument("email")
@click.option("--network", "network_slug", required=True, help="Slug of the network.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.organiser.value,
              show_default=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password", default=None,
              help="Password (at least 12 characters); prompted for a new user when left out.")
@with_appcontext
def create_user_command(email: str, network_slug: str, role: str, name: str, password: str | None) -> None:
    """Create the user EMAIL (or update their role) in a network."""
    if password is None and accounts.by_email(email) is None:
        password = click.prompt("Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen")
    try:
        result = accounts.grant_role(email, network_slug, role, password=password, name=name)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    verb = "angelegt" if result.created else "aktualisiert"
    click.echo(f"{result.user.email} {verb}: Rolle {role} im Netzwerk {network_slug}.")


commands = (create_user_command,)
