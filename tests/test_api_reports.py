"""Statistics and registration exports through the API: the back office's figures and files."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Registration
from confapp.services.registration import change as registrations
from tests.api_support import assert_matches, bearer, tokens  # noqa: F401  (tokens is a fixture)

URL = "/api/v1/network/events/stark-fuer-familien"


def test_statistics_count_registrations_by_status_and_sector(client, tokens, demo):
    cancelled = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    registrations.cancel(cancelled, by="test")
    response = client.get(f"{URL}/statistics", headers=bearer(tokens["read"]))

    assert response.status_code == 200
    assert_matches(client, response, "/network/events/{slug}/statistics")
    body = response.get_json()
    assert (body["confirmed"] + body["waitlisted"], body["cancelled"]) == (11, 1)
    assert sum(s["registrations"] for s in body["by_sector"]) == 11
    assert len(body["workshops"]) == 7
    assert client.get(f"{URL}/statistics", headers=bearer(tokens["other"])).status_code == 404


def test_exports_hold_every_registration_with_formulas_neutralised(client, tokens, demo):
    someone = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    someone.last_name = '=HYPERLINK("http://evil.example")'
    db.session.commit()

    as_json = client.get(f"{URL}/export.json", headers=bearer(tokens["read"]))
    assert as_json.status_code == 200
    assert_matches(client, as_json, "/network/events/{slug}/export.json")
    assert len(as_json.get_json()["registrations"]) == 12

    as_csv = client.get(f"{URL}/export.csv", headers=bearer(tokens["read"]))
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 13 and rows[0][0] == "Nachname"
    assert "'=HYPERLINK(\"http://evil.example\")" in [row[0] for row in rows]
    foreign = client.get(f"{URL}/export.csv", headers=bearer(tokens["other"]))
    assert foreign.status_code == 404 and foreign.mimetype == "application/problem+json"
