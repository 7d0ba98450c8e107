"""The door: a short code under the badge's QR code that scanner and search accept; checkin-only
staff land on the scanner; the door's event list puts today first."""
from datetime import timedelta

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Event, Registration
from confapp.services.checkin.door_codes import door_code
from tests.conftest import csrf_token, post_form, sign_in
from tests.manage_helpers import ANHALT, DOOR, MAGDEBURG, event_named

EVENT = "stark-fuer-familien"


def test_the_door_search_finds_the_door_code_shown_on_the_person_page(client, demo, app_context):
    person = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    sign_in(client, DOOR)
    code = door_code(person.badge_token)
    found = client.get(f"/checkin/{EVENT}/", query_string={"q": code.lower()}).get_data(as_text=True)
    assert person.full_name in found
    assert code in client.get(f"/checkin/{EVENT}/person/{person.id}").get_data(as_text=True)


def test_checkin_only_staff_land_on_the_scanner_others_on_the_overview(client, other_client, demo):
    landed = sign_in(client, DOOR)
    assert landed.headers["Location"].endswith(f"/checkin/{EVENT}/scanner")
    organiser = sign_in(other_client, ANHALT)
    assert organiser.headers["Location"].endswith("/manage/")


def test_the_door_lists_todays_event_first_then_upcoming_then_past(client, demo, app_context):
    forum = event_named("netzwerkforum-magdeburg")
    today = forum.local_now().replace(hour=9, minute=0, second=0, microsecond=0)
    forum.starts_at, forum.ends_at = today, today + timedelta(hours=6)
    forum.registration_opens_at = forum.registration_closes_at = None
    for slug, days in (("spaeter", 30), ("frueher", -30)):
        db.session.add(Event(network=forum.network, slug=slug, title=f"Treffen {slug}",
                             starts_at=today + timedelta(days=days), ends_at=today + timedelta(days=days, hours=3)))
    db.session.commit()
    sign_in(client, MAGDEBURG)
    html = client.get("/checkin/").get_data(as_text=True)
    assert html.index(forum.title) < html.index("Treffen spaeter") < html.index("Treffen frueher")
    assert html.index("Heute") < html.index("Treffen spaeter")
