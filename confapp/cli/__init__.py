"""Flask CLI commands: thin shells over the services, one module per capability."""
from flask import Flask

from confapp.cli import demo, documents, events, logos, mail, retention

#: Every module here exposes ``commands``: click commands or groups to add to ``flask``.
MODULES = (demo, events, mail, retention, documents, logos)


def register(app: Flask) -> None:
    for module in MODULES:
        for command in module.commands:
            app.cli.add_command(command)
