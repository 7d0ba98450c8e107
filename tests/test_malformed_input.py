"""Malformed input never answers 5xx: every public and back-office form and every API operation,
with NUL bytes, lone surrogates, deep nesting, wrong types, huge numbers and dates, files in text
fields and missing fields. Bad input gets a 400/422 in German."""
from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import (ApiToken, Assignment, Partner, PartnerContact, ProgramItem, Registration, Room, Slot,
                            TokenScope)
from confapp.services.networks import api_tokens
from tests.conftest import csrf_token, sign_in
from tests.manage_helpers import ANHALT, EVENT

#: Field names of every form (read from the pages too), so each gets the bad values.
FIELDS = {"first_name", "last_name", "email", "organisation", "sector", "diet", "access_needs", "privacy_consent",
          "needs_consent", "photo_consent", "title", "slug", "subtitle", "description", "starts_at", "ends_at",
          "venue_name", "venue_address", "capacity", "registration_opens_at", "registration_closes_at",
          "choice_mode", "ranks", "contact_email", "teaching_units", "label", "name", "access_notes", "kind",
          "abstract", "room_id", "slot_id", "speakers", "leader_ids", "confirm", "retention_until", "save",
          "follow_rule", "subject", "body", "status", "item_id", "registration_id", "layout", "skip", "offset_x",
          "offset_y", "only_new", "show_sector", "basis", "locked", "override_capacity", "code", "q", "scope",
          "password", "new_password", "current_password", "starts_on", "checkin_on_open", "audience", "format",
          "choice_1_1", "choice_1_2", "website"}

HUGE = "9" * 40
BAD_VALUES = {
    "nul": "Anna\x00Muster",
    # Lone surrogates cannot travel in UTF-8 form data: the raw bytes below (%ED%A0%80) stand for them.
    "control": "An\u202ena\u200b\x07\x1b[31m",
    "huge_number": HUGE,
    "negative": "-" + HUGE,
    "far_date": "99999-12-31T23:59",
    "edge_date": "9999-12-31T23:59",
    "year_one": "0001-01-01T00:00",
    "long": "x" * 70_000,
    "empty": "",
}
QUERY_VALUES = {"nul": "a\x00b", "surrogate": "%ED%A0%80", "huge": HUGE, "negative": "-" + HUGE}


def _ids(event_id: int) -> dict[str, int]:
    """An existing id for each kind of URL parameter (another network's would be a 404)."""
    registration = db.session.scalar(select(Registration).where(Registration.event_id == event_id))
    item = db.session.scalar(select(ProgramItem).join(Slot).where(Slot.event_id == event_id,
                                                                  ProgramItem.capacity.is_not(None)))
    return {"registration_id": registration.id, "item_id": item.id,
            "slot_id": db.session.scalar(select(Slot.id).where(Slot.event_id == event_id)),
            "room_id": db.session.scalar(select(Room.id).where(Room.event_id == event_id)) or 1,
            "assignment_id": db.session.scalar(select(Assignment.id)) or 1,
            "token_id": db.session.scalar(select(ApiToken.id)) or 1,
            "partner_id": db.session.scalar(select(Partner.id)) or 1,
            "contact_id": db.session.scalar(select(PartnerContact.id)) or 1}


def _urls(app, ids: dict[str, int], token: str, badge: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route, with its parameters filled in."""
    values = {"slug": EVENT, "network_slug": "anhalt-bitterfeld", "token": token, "format": "a4", "fmt": "csv",
              "status": "closed", "action": "anwesend", "language": "de", "year": 2026, "filename": "app.css",
              # Pages added on main since (feedback, materials, team, print runs, assignment runs,
              # legal texts): any value that routes; a 404 is an answer too, only a 5xx is not.
              "kind_slug": "datenschutz", "kind": "verpflegung", "outcome": "gedruckt", "secret": "x" * 20,
              "invitation_id": 1, "material_id": 1, "message_id": 1, "print_run_id": 1, "question_id": 1,
              "run_id": 1, "user_id": 1, **ids}
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint == "manage.logout":
            continue
        arguments = {name: values[name] for name in rule.arguments}
        if rule.endpoint == "checkin.badge_link":
            arguments["token"] = badge
        with app.test_request_context():
            from flask import url_for
            url = url_for(rule.endpoint, **arguments)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def _field_names(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_0-9]+)"', html)) - {"csrf_token"}


def _form_bodies(names: set[str]) -> list[tuple[str, dict]]:
    bodies = [("missing", {})]
    bodies += [(label, {name: value for name in names}) for label, value in BAD_VALUES.items()]
    bodies.append(("file", {name: (io.BytesIO(b"\x00\xffnot text"), "x.txt") for name in names}))
    bodies.append(("lists", {name: ["1", "2", HUGE] for name in names}))
    return bodies


def _deep_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


JSON_BODIES = [
    ("deep", _deep_json()),
    ("deep_object", '{"a":' * 50_000 + "1" + "}" * 50_000),
    ("surrogate", json.dumps({"first_name": "\ud800", "last_name": "\udfff", "email": "a\ud800@example.org",
                              "organisation": "x", "sector": "Kita", "privacy_consent": True, "choices": {}})),
    ("nul", json.dumps({"first_name": "A\x00", "last_name": "B", "email": "a@example.org", "organisation": "\x00",
                        "sector": "Kita", "privacy_consent": True, "status": "\x00", "note": "\x00"})),
    ("types", json.dumps({"first_name": ["x"], "last_name": {"a": 1}, "email": 5, "organisation": None,
                          "sector": True, "privacy_consent": "yes", "choices": [1, 2], "code": 7,
                          "registration_id": "x", "item_id": [], "status": 3})),
    ("huge", json.dumps({"first_name": "A", "last_name": "B", "email": "a@example.org", "sector": "Kita",
                         "privacy_consent": True, "choices": {HUGE: [int(HUGE)]}, "code": int(HUGE),
                         "registration_id": int(HUGE)})),
    ("not_json", "{\"a\": "),
    ("array", "[1, 2, 3]"),
    ("null", "null"),
    ("bad_utf8", b"{\"first_name\": \"\xff\xfe\"}"),
]


def _check(response, label: str, failures: list) -> None:
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")


@pytest.fixture
def fuzz_setup(app, client, demo, app_context):
    event = demo[0]
    registration = db.session.scalar(select(Registration).where(Registration.event_id == event.id))
    _, secret = api_tokens.create_token(event.network, "Fuzz", TokenScope.write, "admin@example.org")
    db.session.commit()
    ids = _ids(event.id)
    return event, registration.manage_token, registration.badge_token, secret, ids


def test_no_form_answers_5xx_to_malformed_input(app, client, fuzz_setup):
    event, token, badge, _secret, ids = fuzz_setup
    sign_in(client, ANHALT)
    csrf = csrf_token(client.get("/manage/").get_data(as_text=True))
    failures: list[str] = []
    for endpoint, method, url in _urls(app, ids, token, badge):
        if endpoint.startswith("api."):
            continue
        if method == "GET":
            for label, value in QUERY_VALUES.items():
                query = "&".join(f"{name}={value}" for name in ("q", "page", "status", "sector", "item", "sort",
                                                                  "format", "registration_id", "lang"))
                _check(client.get(f"{url}?{query}"), f"GET {url} {label}", failures)
            continue
        page = client.get(url) if endpoint.replace(".", "_") else None
        names = FIELDS | (_field_names(page.get_data(as_text=True)) if page.status_code == 200 else set())
        for label, body in _form_bodies(names):
            response = client.post(url, data={"csrf_token": csrf, **body},
                                   content_type="multipart/form-data" if label == "file" else None)
            _check(response, f"{method} {url} {label}", failures)
        raw = b"csrf_token=" + csrf.encode() + b"&first_name=%ED%A0%80&email=%00%FF&title=%C0%AF"
        _check(client.post(url, data=raw, content_type="application/x-www-form-urlencoded"),
               f"{method} {url} raw bytes", failures)
    assert failures == [], "\n".join(failures)


def test_no_api_operation_answers_5xx_to_malformed_input(app, client, fuzz_setup):
    event, token, badge, secret, ids = fuzz_setup
    headers = {"Authorization": f"Bearer {secret}"}
    failures: list[str] = []
    for endpoint, method, url in _urls(app, ids, token, badge):
        if not endpoint.startswith("api."):
            continue
        if method == "GET":
            for label, value in QUERY_VALUES.items():
                query = "&".join(f"{name}={value}" for name in ("status", "sector", "page", "per_page", "since",
                                                                  "limit", "q", "item"))
                _check(client.get(f"{url}?{query}", headers=headers), f"GET {url} {label}", failures)
            continue
        for label, body in JSON_BODIES:
            response = client.open(url, method=method, data=body, headers=headers, content_type="application/json")
            _check(response, f"{method} {url} {label}", failures)
            assert response.mimetype == "application/problem+json" or response.status_code < 400, (url, label)
        _check(client.open(url, method=method, data={"file": (io.BytesIO(b"x"), "x.json")}, headers=headers,
                           content_type="multipart/form-data"), f"{method} {url} file", failures)
    assert failures == [], "\n".join(failures)


EDGE_MOMENTS = ["9999-12-31T23:59", "0001-01-01T00:00", "1000-06-01T10:00", "2101-01-01T00:00"]


def test_dates_and_numbers_at_the_edge_get_german_errors_not_5xx(client, fuzz_setup):
    """One bad field in an otherwise valid form: the checks that compare dates must not run past a date's end."""
    from tests.manage_helpers import BASE, event_named
    from tests.test_event_editor import _form_of
    from tests.conftest import post_form

    sign_in(client, ANHALT)
    answers = []
    for moment in EDGE_MOMENTS:
        day = moment[:10]
        new = {"title": "Neu", "slug": f"neu-{day[:4]}", "starts_at": moment, "ends_at": moment,
               "choice_mode": "ranked", "ranks": "3"}
        answers.append(("new", moment, post_form(client, "/manage/n/anhalt-bitterfeld/neu", new)))
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            answers.append((name, moment, post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), **{name: moment}))))
        answers.append(("copy", moment, post_form(client, f"{BASE}/kopieren", {"title": "Kopie", "slug": f"k-{day[:4]}",
                                                                                  "starts_on": day})))
        answers.append(("retention", moment, post_form(client, f"{BASE}/datenschutz/loeschdatum",
                                                       {"retention_until": day, "save": "1"},
                                                       page_url=f"{BASE}/datenschutz")))
    for name in ("capacity", "ranks", "teaching_units"):
        for number in (HUGE, "-" + HUGE, "0", "1e9", "NaN"):
            answers.append((name, number, post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), **{name: number}))))

    assert [(what, value, r.status_code) for what, value, r in answers if r.status_code != 422] == []
    assert all("Bitte" in r.get_data(as_text=True) for *_, r in answers)
