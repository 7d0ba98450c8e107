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


def test_partners_and_coverage_are_read_with_a_token_and_name_no_contact_person(client, tokens, demo):
    partners = client.get("/api/v1/network/partners", headers=bearer(tokens["read"]))
    assert partners.status_code == 200
    assert_matches(client, partners, "/network/partners")
    body = partners.get_json()
    assert any(p["name"] == "Kita Sonnenschein Wolfen" and p["sector"] == "Kita" for p in body)
    assert "@" not in partners.get_data(as_text=True)
    assert client.get("/api/v1/network/partners", headers=bearer(tokens["other"])).get_json() == []

    event = client.get(f"{URL}/coverage", headers=bearer(tokens["read"]))
    assert_matches(client, event, "/network/events/{slug}/coverage")
    figures = event.get_json()
    assert figures["people_registered"] == 12
    assert sum(s["registered_people"] for s in figures["sectors"]) == 12
    year = demo[0].starts_at.year
    whole_year = client.get(f"/api/v1/network/coverage/{year}", headers=bearer(tokens["read"]))
    assert_matches(client, whole_year, "/network/coverage/{year}")
    assert whole_year.get_json()["events"] == [demo[0].slug]
    assert client.get(f"{URL}/coverage", headers=bearer(tokens["other"])).status_code == 404
    assert client.get(f"{URL}/coverage").status_code == 401
