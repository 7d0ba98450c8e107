"""Every request's input is checked once, before its view runs.

What no field of any form or API operation may hold is refused here with a German 400 page
(problem+json under ``/api/``): control characters and lone surrogates (PostgreSQL refuses NUL,
UTF-8 cannot hold a surrogate, neither belongs in a name), JSON nested deeper than any payload
is, integers beyond any column, and files sent in a field that is not a file field of any form
(a text field would get a file object). Types, lengths and ranges of each field are the forms' and payloads' job; this
is the floor beneath them, so no odd byte reaches the database and answers 500.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from flask import Flask, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FileField
from wtforms.fields.core import UnboundField

#: C0 control characters except tab, line feed and carriage return; DEL; lone surrogates.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: No payload of the API nests deeper than a few levels.
MAX_JSON_DEPTH = 20
#: Larger integers fit no column (and no JavaScript number).
MAX_JSON_INTEGER = 2 ** 53


class MalformedInput(Exception):
    """Input no view can use; ``str()`` is a German sentence for the 400 page."""


@cache
def file_field_names() -> frozenset[str]:
    """Names of the file fields of every form of the app (uploads are taken only in these)."""
    names, forms = set(), [FlaskForm]
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        names |= {name for name, value in vars(form).items()
                  if isinstance(value, UnboundField) and issubclass(value.field_class, FileField)}
    return frozenset(names)


def check_request() -> None:
    """Refuse the request (``MalformedInput``) if any of its input is unusable for every view."""
    if request.endpoint in (None, "static"):
        return
    if any(name not in file_field_names() for name in request.files):
        raise MalformedInput(_("Hier kann keine Datei hochgeladen werden. Bitte füllen Sie die Felder als Text aus."))
    texts = [request.path, *_pairs(request.args), *_pairs(request.form),
             *(value for value in (request.view_args or {}).values() if isinstance(value, str))]
    if any(FORBIDDEN_CHARACTERS.search(text) for text in texts):
        raise MalformedInput(_("Die Eingabe enthält Steuerzeichen oder ungültige Zeichen. "
                               "Bitte geben Sie nur normalen Text ein."))
    if request.is_json and request.content_length != 0:
        _check_json()


def _pairs(values) -> Iterable[str]:
    for key, value in values.items(multi=True):
        yield key
        yield value


def _check_json() -> None:
    try:
        body = request.get_json(silent=True)  # cached: the view reads the same object
    except RecursionError:
        raise MalformedInput(_("Die JSON-Daten sind zu tief verschachtelt.")) from None
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise MalformedInput(_("Die JSON-Daten sind zu tief verschachtelt."))
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value):
            raise MalformedInput(_("Die JSON-Daten enthalten Steuerzeichen oder ungültige Zeichen."))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_JSON_INTEGER:
            raise MalformedInput(_("Die JSON-Daten enthalten eine zu große Zahl."))


def init_app(app: Flask) -> None:
    app.before_request(check_request)
