"""``flask demo``: load the demo networks and events."""
import click
from flask import current_app
from flask.cli import with_appcontext

from confapp.services.events.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


@click.command("demo")
@with_appcontext
@click.option("--registrations", "-n", default=150, show_default=True, type=click.IntRange(0, 100_000),
              help="Fake registrations for “Stark für Familien” (the forum gets two thirds as many).")
def demo_command(registrations: int) -> None:
    """Load the demo network, “Stark für Familien” and a theme-table forum (idempotent)."""
    total = registrations + registrations * 2 // 3
    with click.progressbar(length=total, label="Demo-Anmeldungen", show_pos=True) as bar:
        events = load_demo(registrations, progress=bar.update)
    base = current_app.config["BASE_URL"]
    click.echo("Zum Öffnen:")
    for event in events:
        click.echo(f"  {base}/e/{event.slug}  {event.title}, {event.starts_at:%d.%m.%Y} ({event.status.value})")
    click.echo(f"  {base}/manage/anmelden  Verwaltung, Passwort der Demo-Konten: {DEMO_PASSWORD}")
    click.echo(f"  {base}/checkin/  Einlass")
    for email, network_slug, role in DEMO_ACCOUNTS:
        click.echo(f"  {email} ({role}, {network_slug})")


commands = (demo_command,)
