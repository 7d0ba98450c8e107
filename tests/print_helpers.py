"""Badges through the back office as an organiser prints them: prepare, download, say how it went."""
from __future__ import annotations

import re

from tests.conftest import csrf_token, post_form

PAGE = "/manage/e/stark-fuer-familien/dokumente"
SETTINGS = {"layout": "a4-80x50", "skip": "0", "offset_x": "0", "offset_y": "0", "show_sector": "y"}


def prepare_badges(client, page: str = PAGE, **settings):
    """Press "Namensschilder vorbereiten"; the answer (a redirect to the page, or the page with errors)."""
    return post_form(client, page + "/namensschilder", {**SETTINGS, **settings}, page_url=page)


def newest_run_pdf(client, page: str = PAGE):
    """Download the newest prepared run's PDF from the documents page by its link."""
    html = client.get(page).get_data(as_text=True)
    link = re.search(r'href="([^"]*/namensschilder/\d+\.pdf)"', html).group(1)
    return client.get(link)


def say_how_the_print_went(client, button: str, page: str = PAGE):
    """Press "Gedruckt" ("gedruckt") or "Druck fehlgeschlagen" ("fehlgeschlagen") for the newest run."""
    html = client.get(page).get_data(as_text=True)
    assert "Hat der Druck geklappt?" in html
    action = next(part.split('"')[0] for part in html.split('action="') if part.split('"')[0].endswith("/" + button))
    return client.post(action, data={"csrf_token": csrf_token(html)})
