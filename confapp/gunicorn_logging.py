"""gunicorn's access log without private links or search terms (``gunicorn.conf.py`` sets it).

A manage link (``/e/<slug>/anmeldung/<token>``) or a badge link (``/c/<token>``) in a log is a
key to someone's registration; a query string holds what organisers searched for (names). The
request line, path, query and referer are cleaned the way ``log_privacy`` cleans the app's logs.
"""
from __future__ import annotations

from gunicorn.glogging import Logger

from confapp.log_privacy import redact


class PrivateAccessLogger(Logger):
    """Access-log atoms with private links replaced and query strings dropped."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = redact(f" {atoms['r']}").lstrip()  # " " so the path looks like one in a request line
        atoms["U"] = redact(atoms["U"] or "")
        atoms["q"] = "<Suche>" if atoms["q"] else ""
        atoms["f"] = redact(f" {atoms['f']}").lstrip()
        for key in ("{referer}i", "{authorization}i", "{cookie}i", "{query_string}e", "{http_cookie}e",
                    "{http_authorization}e"):
            if key in atoms:
                atoms[key] = "-"
        for key, value in atoms.items():  # request headers ({…}i) and the WSGI environ ({…}e)
            if key.endswith(("}i", "}e")) and isinstance(value, str):
                atoms[key] = redact(f" {value}").lstrip()
        return atoms
