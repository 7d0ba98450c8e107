"""Public pages that are the same for every visitor, rendered once per version and language.

A page is kept per process under what it shows (``services.events.public_page.page_key``), the
visitor's language and the path; it carries an ``ETag`` (a hash of the page), so a browser
that has it gets ``304 Not Modified``. ``Cache-Control: no-cache`` makes browsers ask each time,
so an organiser's change shows at once. Visitors with something personal to show (a flashed
message) get a page rendered for them. No page here has a form: a CSRF token is per visitor.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import abort, make_response, request, session
from flask_babel import get_locale

from confapp.models import Event, utcnow
from confapp.services.events import public_page

#: Pages kept per process; more than the events, languages and paths in use at once.
MAX_PAGES = 512


@dataclass(frozen=True)
class _Page:
    body: bytes
    etag: str
    #: When the clock alone changes the page (registration opens or closes); None: never.
    valid_until: datetime | None


_pages: dict[tuple, _Page] = {}


def serve(name: str, slug: str, render: Callable[[], tuple[str, Event]]):
    """The page ``name`` of the event ``slug``: from the cache if what it shows is unchanged,
    else ``render()`` (the HTML and the event it shows); 304 when the browser has it already."""
    key = public_page.page_key(slug)
    if key is None or not key.public:
        abort(404)
    if session.get("_flashes"):  # a message for this visitor only
        html, _event = render()
        return html
    cache_key = (name, key, str(get_locale()), request.full_path)
    page = _pages.get(cache_key)
    if page is None or (page.valid_until is not None and utcnow() >= page.valid_until):
        html, event = render()
        body = html.encode("utf-8")
        page = _Page(body, hashlib.blake2b(body, digest_size=16).hexdigest(), public_page.valid_until(event))
        if len(_pages) >= MAX_PAGES:
            _pages.clear()
        _pages[cache_key] = page
    response = make_response(page.body)
    response.set_etag(page.etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")  # the language is in the session cookie
    return response.make_conditional(request)
