"""The app's Jinja environment: Flask's, with each template's globals kept as one plain dict."""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment


class TemplateEnvironment(Environment):
    """Every render copies its template's globals into a new context. Jinja keeps them as a
    ChainMap over the environment's globals, and copying a ChainMap walks it key by key in
    Python: about 150 calls per e-mail, three e-mails' worth in every registration. A dict copies
    in C. The price: a global added to the environment after a template was loaded is not seen
    by that template. The app adds all of its globals while it is created, before any render."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class ConfApp(Flask):
    jinja_environment = TemplateEnvironment
