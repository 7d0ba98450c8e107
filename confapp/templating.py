"""The app's Jinja environment: Flask's, with each template's globals kept as one plain dict."""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask import Flask, current_app
from flask.templating import Environment
from flask_babel import force_locale, get_translations


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


def email_templates(language: str) -> Environment:
    """The app's templates with one language's translations installed, for e-mails.

    The app's own environment asks Flask-Babel for the request's translations at every ``_()``
    in a template (a dozen context lookups each, about 70 per confirmation e-mail). An e-mail's
    language is known before it is rendered, so each language gets an environment of its own,
    made once like the app's (same loader, autoescaping, extensions, filters and globals), with
    that language's catalogue installed as the Jinja i18n extension documents
    (``install_gettext_translations``). Filters that format dates still follow Flask-Babel's
    locale: render inside ``force_locale(language)``.
    """
    made = current_app.extensions.setdefault("confapp.email_templates", {})
    if language not in made:
        app_templates = current_app.jinja_env
        templates = current_app.jinja_environment(
            current_app, autoescape=current_app.select_jinja_autoescape, auto_reload=app_templates.auto_reload,
            extensions=list(app_templates.extensions), **current_app.jinja_options)
        templates.filters.update(app_templates.filters)
        templates.tests.update(app_templates.tests)
        templates.globals.update(app_templates.globals)
        with force_locale(language):
            templates.install_gettext_translations(get_translations(), newstyle=True)
        made[language] = templates
    return made[language]
