"""Flask CLI commands: thin shells over the services, one module per capability."""
from flask import Flask

from confapp.cli import accounts
from confapp.cli import assignment
from confapp.cli import demo
from confapp.cli import documents
from confapp.cli import events
from confapp.cli import exports
from confapp.cli import logos
from confapp.cli import mail
from confapp.cli import networks
from confapp.cli import retention

#: Every module here exposes ``commands``: click commands or groups to add to ``flask``.
MODULES = (
    accounts,
    assignment,
    demo,
    documents,
    events,
    logos,
    mail,
    networks,
    retention,
    exports,
)


def register(app: Flask) -> None:
    for module in MODULES:
        for command in module.commands:
            app.cli.add_command(command)
