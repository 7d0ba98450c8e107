"""Door check-in over HTTP: badge links, scanning, undo, search, counts, cross-network tokens."""
import json

import pytest
from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Registration, RegistrationHistory, RegistrationStatus
from confapp.services.checkin.door import local_time
from tests.conftest import csrf_token, post_form, sign_in

DOOR = "einlass@anhalt-bitterfeld.example"
ORGANISER = "organisation@anhalt-bitterfeld.example"
OTHER_NETWORK = "organisation@magdeburg.example"
EVENT = "stark-fuer-familien"


def people(event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)
                                   .order_by(Registration.id)))


def fresh(registration_id: int) -> Registration:
    db.session.commit()  # end the test's read transaction: see what the requests committed
    return db.session.get(Registration, registration_id)


def history(registration_id: int) -> list[tuple[str, str]]:
    db.session.commit()  # end the test's read transaction: see what the requests committed
    return [(h.action, h.actor) for h in db.session.scalars(
        select(RegistrationHistory).where(RegistrationHistory.registration_id == registration_id)
        .order_by(RegistrationHistory.id))]


@pytest.fixture
def person(demo, app_context):
    """A confirmed attendee of "Stark für Familien" with their badge token."""
    return people(demo[0])[0]


def scan(client, code: str, slug: str = EVENT):
    """Post a scanned code as the scanner page's JavaScript does (JSON answer)."""
    page = client.get(f"/checkin/{slug}/scanner").get_data(as_text=True)
    response = client.post(f"/checkin/{slug}/scanner", data={"csrf_token": csrf_token(page), "code": code},
                           headers={"Accept": "application/json"})
    return response.status_code, response.get_json()


def test_anonymous_visitor_of_a_badge_link_sees_no_personal_data(client, person):
    html = client.get(f"/c/{person.badge_token}").get_data(as_text=True)
    assert "Bitte melden Sie sich an" in html
    assert f"/manage/anmelden?next=/c/{person.badge_token}" in html
    for secret in (person.first_name, person.last_name, person.organisation, person.email):
        assert secret not in html
    unknown = client.get("/c/" + "x" * 32).get_data(as_text=True)
    assert unknown.replace("x" * 32, person.badge_token) == html  # a valid token looks like any other


def test_door_staff_open_a_badge_link_see_the_person_and_check_them_in(client, person):
    sign_in(client, DOOR)
    page = client.get(f"/c/{person.badge_token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert person.full_name in html and person.organisation in html
    assert "Noch nicht eingecheckt" in html and ">Einchecken</button>" in html
    assert fresh(person.id).checked_in_at is None  # opening alone checks in only when the event says so

    done = post_form(client, f"/checkin/{EVENT}/person/{person.id}/einchecken", {},
                     page_url=f"/c/{person.badge_token}").get_data(as_text=True)
    assert "result-ok" in done and "Eingecheckt" in done and "Check-in rückgängig machen" in done
    assert fresh(person.id).checked_in_by == DOOR
    assert history(person.id)[-1] == ("checked_in", DOOR)


def test_a_second_check_in_says_when_and_by_whom(client, other_client, person):
    sign_in(client, DOOR)
    sign_in(other_client, ORGANISER)
    post_form(client, f"/checkin/{EVENT}/person/{person.id}/einchecken", {}, page_url=f"/c/{person.badge_token}")
    again = post_form(other_client, f"/checkin/{EVENT}/person/{person.id}/einchecken", {},
                      page_url=f"/c/{person.badge_token}").get_data(as_text=True)
    assert "result-warn" in again and "Bereits eingecheckt" in again
    checked_in = fresh(person.id)  # shown at the event's wall-clock time (Berlin's date after 23:00 UTC)
    assert f"eingecheckt {local_time(checked_in.event, checked_in.checked_in_at):%d.%m.%Y}" in again
    assert f"von {DOOR}" in again
    assert [action for action, _ in history(person.id)].count("checked_in") == 1


def test_check_in_on_open_is_an_event_setting_organisers_choose(client, other_client, person):
    sign_in(client, DOOR)
    overview = client.get(f"/checkin/{EVENT}/").get_data(as_text=True)
    assert "sofort einchecken" not in overview  # door staff do not change settings
    refused = client.post(f"/checkin/{EVENT}/einstellungen",
                          data={"csrf_token": csrf_token(overview), "checkin_on_open": "y"})
    assert refused.status_code == 404

    sign_in(other_client, ORGANISER)
    saved = post_form(other_client, f"/checkin/{EVENT}/einstellungen", {"checkin_on_open": "y"},
                      page_url=f"/checkin/{EVENT}/", follow_redirects=True).get_data(as_text=True)
    assert "Einstellung gespeichert." in saved and 'checked' in saved

    opened = client.get(f"/c/{person.badge_token}").get_data(as_text=True)
    assert "result-ok" in opened and "Eingecheckt" in opened
    assert fresh(person.id).checked_in_by == DOOR
    reopened = client.get(f"/c/{person.badge_token}").get_data(as_text=True)
    assert "Bereits eingecheckt" in reopened


def test_badge_of_another_network_says_not_for_this_event_and_nothing_more(client, demo, app_context):
    stranger = people(demo[1])[0]
    sign_in(client, DOOR)
    response = client.get(f"/c/{stranger.badge_token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "Nicht für diese Veranstaltung" in html
    for secret in (stranger.first_name, stranger.last_name, stranger.organisation, demo[1].title):
        assert secret not in html

    status, answer = scan(client, f"http://confapp.test/c/{stranger.badge_token}")
    assert answer["outcome"] == "not_for_event" and answer["name"] is None
    assert stranger.last_name not in json.dumps(answer) and answer["detail"] == ""
    assert fresh(stranger.id).checked_in_at is None


def test_badge_of_another_event_is_not_for_this_event_at_its_scanner(client, demo, app_context):
    """An admin of both networks scanning a Magdeburg badge at the Anhalt door."""
    from confapp.services.networks import accounts
    accounts.grant_role(ORGANISER, "magdeburg", "organiser")
    stranger = people(demo[1])[0]
    sign_in(client, ORGANISER)
    status, answer = scan(client, f"http://confapp.test/c/{stranger.badge_token}")
    assert answer["outcome"] == "not_for_event" and answer["title"] == "Nicht für diese Veranstaltung"
    assert fresh(stranger.id).checked_in_at is None


def test_other_networks_cannot_reach_the_door_pages(client, person):
    sign_in(client, OTHER_NETWORK)
    for path in (f"/checkin/{EVENT}/", f"/checkin/{EVENT}/scanner", f"/checkin/{EVENT}/zahlen",
                 f"/checkin/{EVENT}/person/{person.id}", f"/checkin/{EVENT}/?q={person.last_name}"):
        assert client.get(path).status_code == 404, path
    page = client.get("/checkin/").get_data(as_text=True)
    assert client.post(f"/checkin/{EVENT}/person/{person.id}/einchecken",
                       data={"csrf_token": csrf_token(client.get("/manage/").get_data(as_text=True))}).status_code == 404
    assert "Stark für Familien" not in page
    assert fresh(person.id).checked_in_at is None


def test_a_person_of_another_event_is_404_under_this_event(client, demo, app_context):
    stranger = people(demo[1])[0]
    sign_in(client, ORGANISER)
    assert client.get(f"/checkin/{EVENT}/person/{stranger.id}").status_code == 404


def test_door_pages_ask_for_sign_in(client, person):
    response = client.get(f"/checkin/{EVENT}/scanner")
    assert response.status_code == 302 and "/manage/anmelden" in response.headers["Location"]


def test_scanning_checks_in_then_says_already_checked_in(client, person):
    sign_in(client, DOOR)
    status, first = scan(client, f"http://confapp.test/c/{person.badge_token}")
    assert status == 200 and first["outcome"] == "checked_in" and first["tone"] == "ok"
    assert first["icon"] == "✓" and first["title"] == "Eingecheckt" and first["name"] == person.full_name
    assert first["checked_in"] == 1 and first["expected"] == 12
    _, second = scan(client, person.badge_token)  # the bare token, typed by hand, works too
    assert second["outcome"] == "already" and second["tone"] == "warn" and second["icon"] == "!"
    assert f"von {DOOR}" in second["detail"]


def test_unknown_and_empty_codes(client, person):
    sign_in(client, DOOR)
    _, unknown = scan(client, "https://example.org/irgendwas?")
    assert unknown["outcome"] == "unknown" and unknown["tone"] == "bad" and unknown["icon"] == "✕"
    page = post_form(client, f"/checkin/{EVENT}/scanner", {"code": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Bitte geben Sie den Code vom Namensschild ein." in html
    assert "Bitte prüfen Sie Ihre Angaben" in html
    too_long = post_form(client, f"/checkin/{EVENT}/scanner", {"code": "x" * 301})
    assert too_long.status_code == 422 and "Der Code ist zu lang" in too_long.get_data(as_text=True)


def test_scanner_works_without_javascript(client, person):
    sign_in(client, DOOR)
    html = post_form(client, f"/checkin/{EVENT}/scanner", {"code": person.badge_token}).get_data(as_text=True)
    assert "result-ok" in html and person.full_name in html
    assert fresh(person.id).checked_in_at is not None


def test_cancelled_and_waitlisted_people_are_not_checked_in(client, demo, app_context):
    cancelled, waiting = people(demo[0])[:2]
    cancelled.status, waiting.status = RegistrationStatus.cancelled, RegistrationStatus.waitlisted
    db.session.commit()
    sign_in(client, DOOR)
    _, answer = scan(client, cancelled.badge_token)
    assert answer["outcome"] == "not_admitted" and "Anmeldung storniert" in answer["detail"]
    _, answer = scan(client, waiting.badge_token)
    assert answer["outcome"] == "not_admitted" and "Warteliste" in answer["detail"]
    assert fresh(cancelled.id).checked_in_at is None and fresh(waiting.id).checked_in_at is None


def test_undo_takes_the_check_in_back_and_both_are_in_the_history(client, person):
    sign_in(client, DOOR)
    scan(client, person.badge_token)
    undone = post_form(client, f"/checkin/{EVENT}/person/{person.id}/rueckgaengig", {},
                       page_url=f"/checkin/{EVENT}/person/{person.id}").get_data(as_text=True)
    assert "Check-in zurückgenommen" in undone and "Noch nicht eingecheckt" in undone
    assert fresh(person.id).checked_in_at is None and fresh(person.id).checked_in_by is None
    assert [action for action, _ in history(person.id)][-2:] == ["checked_in", "checkin_undone"]
    assert client.get(f"/checkin/{EVENT}/zahlen").get_json()["checked_in"] == 0
    again = post_form(client, f"/checkin/{EVENT}/person/{person.id}/rueckgaengig", {},
                      page_url=f"/checkin/{EVENT}/person/{person.id}").get_data(as_text=True)
    assert "War nicht eingecheckt" in again
    _, rescanned = scan(client, person.badge_token)
    assert rescanned["outcome"] == "checked_in"


def test_buttons_need_the_csrf_token(client, person):
    sign_in(client, DOOR)
    assert client.post(f"/checkin/{EVENT}/person/{person.id}/einchecken").status_code == 400
    assert fresh(person.id).checked_in_at is None


def test_live_counts_for_the_event(client, demo, app_context):
    first, second, third = people(demo[0])[:3]
    third.status = RegistrationStatus.cancelled
    db.session.commit()
    sign_in(client, DOOR)
    assert client.get(f"/checkin/{EVENT}/zahlen").get_json()["expected"] == 11
    scan(client, first.badge_token)
    scan(client, second.badge_token)
    counts = client.get(f"/checkin/{EVENT}/zahlen").get_json()
    assert (counts["checked_in"], counts["expected"]) == (2, 11)
    html = client.get(f"/checkin/{EVENT}/").get_data(as_text=True)
    assert '<span data-count="checked_in">2</span>' in html and '<span data-count="expected">11</span>' in html
    assert "js/checkin-counts.js" in html and "<script>" not in html


def test_search_by_name_or_organisation(client, demo, app_context):
    anna, other = people(demo[0])[:2]
    anna.first_name, anna.last_name, anna.organisation = "Anna", "Übermuth-Schulz", "Kita Sonnenblume"
    other.first_name, other.last_name, other.organisation = "Ben", "100%ig", "Jugendamt"
    stranger = people(demo[1])[0]
    stranger.last_name = "Übermuth-Fremd"
    db.session.commit()
    sign_in(client, DOOR)

    def found(query: str) -> str:
        return client.get(f"/checkin/{EVENT}/", query_string={"q": query}).get_data(as_text=True)

    assert "Anna Übermuth-Schulz" in found("übermuth")
    assert "Anna Übermuth-Schulz" in found("anna schulz")
    assert "Anna Übermuth-Schulz" in found("SONNENBLUME")
    assert "Übermuth-Fremd" not in found("Übermuth")  # another network's attendee
    percent = found("%")
    assert "Ben 100%ig" in percent and "Anna Übermuth-Schulz" not in percent
    assert "Niemand gefunden" in found("Zzyzx")
    too_long = found("a" * 101)
    assert "Bitte höchstens 100 Zeichen eingeben." in too_long


def test_search_check_in_button_and_hostile_names_are_shown_as_text(client, demo, app_context):
    first, second = people(demo[0])[:2]
    first.first_name, first.last_name = "<img src=file:///etc/passwd>", "Test"
    second.first_name, second.last_name = '=HYPERLINK("http://evil.example")', "Formel"
    db.session.commit()
    sign_in(client, DOOR)
    html = client.get(f"/checkin/{EVENT}/", query_string={"q": "test"}).get_data(as_text=True)
    assert "<img src=file" not in html and "&lt;img src=file:///etc/passwd&gt; Test" in html
    done = post_form(client, f"/checkin/{EVENT}/person/{first.id}/einchecken", {},
                     page_url=f"/checkin/{EVENT}/?q=test").get_data(as_text=True)
    assert "Eingecheckt" in done and "<img src=file" not in done
    _, answer = scan(client, second.badge_token)
    assert answer["name"] == '=HYPERLINK("http://evil.example") Formel'  # JSON, shown with textContent


def test_badge_page_lists_workshops_and_rooms(client, person, demo):
    from tests.test_checkin_attendance import assign
    workshop = assign(demo[0], [person])
    sign_in(client, DOOR)
    html = client.get(f"/c/{person.badge_token}").get_data(as_text=True)
    assert workshop.title in html and f"<strong>{workshop.room.name}</strong>" in html
