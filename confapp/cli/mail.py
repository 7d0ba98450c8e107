"""``flask mail-worker``: send the outbox."""
import signal
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from confapp.services.mail.outbox import deliver_pending


@click.command("mail-worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 300),
              help="Seconds to wait when nothing is due.")
def mail_worker_command(once: bool, interval: float) -> None:
    """Send queued e-mails, retrying failures with backoff. Several workers may run at once."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    transport = "SMTP " + current_app.config["MAIL_SERVER"] if current_app.config.get("MAIL_SERVER") \
        else current_app.config["MAIL_OUTBOX_DIR"]
    click.echo(f"Mail-Worker sendet über {transport}", err=True)
    while not stopping:
        report = deliver_pending()
        if report.sent or report.retrying or report.failed:
            click.echo(f"gesendet: {report.sent}, später erneut: {report.retrying}, aufgegeben: {report.failed}")
        if once:
            return
        if not report.sent:
            time.sleep(interval)


commands = (mail_worker_command,)
