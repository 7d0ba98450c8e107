"""The public event page and program widget are served from a cache: what an organiser changes
shows at once, a browser that has the page gets 304, and each language gets its own page."""
from tests.conftest import post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, EVENT, event_named, workshops
from tests.registration_support import form_data, item, make_event
from tests.test_event_editor import _form_of, _item_form


def test_an_organisers_changes_show_on_the_event_page_and_widget_at_once(client, other_client, demo, app_context):
    assert "Stark für Familien" in other_client.get(f"/e/{EVENT}").get_data(as_text=True)  # now in the cache
    assert "Stark für Familien" in other_client.get(f"/e/{EVENT}/widget").get_data(as_text=True)
    sign_in(client, ANHALT)

    post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), title="Stark für Familien – neu"))
    assert "Stark für Familien – neu" in other_client.get(f"/e/{EVENT}").get_data(as_text=True)
    assert "Stark für Familien – neu" in other_client.get(f"/e/{EVENT}/widget").get_data(as_text=True)

    workshop = workshops()[0]
    post_form(client, f"{BASE}/programm/punkt/{workshop.id}", _item_form(workshop, title="Kinderschutz im Sportverein"))
    assert "Kinderschutz im Sportverein" in other_client.get(f"/e/{EVENT}").get_data(as_text=True)
    assert "Kinderschutz im Sportverein" in other_client.get(f"/e/{EVENT}/widget").get_data(as_text=True)

    post_form(client, f"{BASE}/programm/raum/{workshop.room_id}",
              {"name": "Aula im Neubau", "capacity": "", "access_notes": ""})
    assert "Aula im Neubau" in other_client.get(f"/e/{EVENT}").get_data(as_text=True)

    post_form(client, f"{BASE}/status/closed", {}, page_url=f"{BASE}/")
    assert "Die Anmeldung ist geschlossen." in other_client.get(f"/e/{EVENT}").get_data(as_text=True)
    post_form(client, f"{BASE}/status/archived", {}, page_url=f"{BASE}/")
    assert other_client.get(f"/e/{EVENT}").status_code == 404


def test_free_seats_on_the_page_follow_registrations(client, other_client, app_context):
    event = make_event(capacity=2, workshop_capacity=3)
    workshop = item(event, "Gespräche mit Eltern")
    assert "noch 3 Plätze frei" in client.get("/e/fachtag").get_data(as_text=True)

    choice = {f"choice_{workshop.slot_id}_1": str(workshop.id)}
    post_form(other_client, "/e/fachtag/anmelden", form_data(event, 1, choices=choice))
    assert "noch 2 Plätze frei" in client.get("/e/fachtag").get_data(as_text=True)

    post_form(other_client, "/e/fachtag/anmelden", form_data(event, 2))
    assert "neue Anmeldungen kommen auf die Warteliste" in client.get("/e/fachtag").get_data(as_text=True)


def test_a_browser_that_has_the_page_gets_304_until_it_changes(client, other_client, app_context):
    event = make_event()
    first = client.get("/e/fachtag")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"

    again = client.get("/e/fachtag", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag

    post_form(other_client, "/e/fachtag/anmelden", form_data(event, 1))  # a seat fewer on the page
    changed = client.get("/e/fachtag", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Fachtag Kinderschutz" in changed.get_data(as_text=True)


def test_the_language_switch_gets_the_page_in_the_chosen_language(client, other_client, app_context):
    make_event()
    german = client.get("/e/fachtag")
    assert '<html lang="de">' in german.get_data(as_text=True) and "Cookie" in german.headers["Vary"]

    client.get("/sprache/en?next=/e/fachtag")
    english = client.get("/e/fachtag", headers={"If-None-Match": german.headers["ETag"]})
    assert english.status_code == 200 and english.headers["ETag"] != german.headers["ETag"]
    html = english.get_data(as_text=True)
    assert '<html lang="en">' in html and 'hreflang="de">Deutsch</a>' in html

    still_german = other_client.get("/e/fachtag").get_data(as_text=True)
    assert '<html lang="de">' in still_german and 'hreflang="en">English</a>' in still_german
    client.get("/sprache/de?next=/e/fachtag")
    assert '<html lang="de">' in client.get("/e/fachtag").get_data(as_text=True)
