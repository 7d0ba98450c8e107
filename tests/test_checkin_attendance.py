"""Per-workshop attendance: marked in the room, counted live, listed for certificates."""
from confapp.extensions import db
from confapp.models import Assignment, AssignmentSource, Event, ItemKind, ProgramItem, Registration
from confapp.services.checkin import attendance
from tests.conftest import csrf_token, post_form, sign_in
from tests.test_checkin import DOOR, EVENT, ORGANISER, OTHER_NETWORK, history, people


def attended_items(registration: Registration) -> list[ProgramItem]:
    """What certificates will list; after ending the test's read transaction to see the requests' marks."""
    db.session.commit()
    return attendance.attended_items(registration)


def workshops(event: Event) -> list[ProgramItem]:
    return [item for slot in event.slots for item in slot.items if item.kind == ItemKind.workshop]


def assign(event: Event, registrations: list[Registration], index: int = 0) -> ProgramItem:
    """Assign people to the event's ``index``-th workshop, as the assignment would."""
    item = workshops(event)[index]
    for registration in registrations:
        db.session.add(Assignment(registration=registration, slot=item.slot, program_item=item,
                                  source=AssignmentSource.manual))
        item.seats_taken += 1
    db.session.commit()
    return item


def mark(client, item: ProgramItem, registration: Registration, action: str = "anwesend"):
    page = f"/checkin/{EVENT}/workshop/{item.id}"
    return post_form(client, f"{page}/{registration.id}/{action}", {}, page_url=page, follow_redirects=True)


def test_staff_mark_who_is_in_the_workshop_and_certificates_see_it(client, demo, app_context):
    first, second, third = people(demo[0])[:3]
    workshop = assign(demo[0], [first, second])
    sign_in(client, DOOR)
    page = client.get(f"/checkin/{EVENT}/workshop/{workshop.id}").get_data(as_text=True)
    assert first.full_name in page and second.full_name in page and third.full_name not in page
    assert page.count("Nicht markiert") == 2

    after = mark(client, workshop, first).get_data(as_text=True)
    assert after.count("Nicht markiert") == 1 and "Anwesend</span>" in after
    assert [item.title for item in attended_items(first)] == [workshop.title]
    assert attended_items(second) == []
    assert history(first.id)[-1] == ("attendance_marked", DOOR)

    counts = client.get(f"/checkin/{EVENT}/zahlen").get_json()["items"][str(workshop.id)]
    assert counts == {"assigned": 2, "checked_in": 0, "present": 1}
    overview = client.get(f"/checkin/{EVENT}/").get_data(as_text=True)
    assert f'data-item-count="{workshop.id}:present">1<' in overview


def test_marking_twice_makes_one_mark_and_it_can_be_taken_back(client, other_client, demo, app_context):
    first = people(demo[0])[0]
    workshop = assign(demo[0], [first])
    sign_in(client, DOOR)
    sign_in(other_client, ORGANISER)
    mark(client, workshop, first)
    twice = mark(other_client, workshop, first).get_data(as_text=True)
    assert "War schon als anwesend markiert." in twice
    assert len(attended_items(first)) == 1

    removed = mark(client, workshop, first, "abwesend").get_data(as_text=True)
    assert "Nicht markiert" in removed
    assert attended_items(first) == []
    assert "War nicht als anwesend markiert." in mark(client, workshop, first, "abwesend").get_data(as_text=True)
    assert [a for a, _ in history(first.id)][-2:] == ["attendance_marked", "attendance_unmarked"]


def test_attendance_stays_within_the_event_and_its_workshops(client, demo, app_context):
    first = people(demo[0])[0]
    stranger = people(demo[1])[0]
    workshop = assign(demo[0], [first])
    talk = next(item for slot in demo[0].slots for item in slot.items if item.kind == ItemKind.talk)
    theme_table = next(item for slot in demo[1].slots for item in slot.items if item.kind == ItemKind.theme_table)
    sign_in(client, DOOR)
    token = csrf_token(client.get(f"/checkin/{EVENT}/workshop/{workshop.id}").get_data(as_text=True))
    assert client.get(f"/checkin/{EVENT}/workshop/{talk.id}").status_code == 404
    assert client.get(f"/checkin/{EVENT}/workshop/{theme_table.id}").status_code == 404
    assert client.post(f"/checkin/{EVENT}/workshop/{workshop.id}/{stranger.id}/anwesend",
                       data={"csrf_token": token}).status_code == 404
    assert attended_items(stranger) == []


def test_other_networks_and_anonymous_visitors_cannot_mark_attendance(client, demo, app_context):
    first = people(demo[0])[0]
    workshop = assign(demo[0], [first])
    assert client.get(f"/checkin/{EVENT}/workshop/{workshop.id}").status_code == 302
    sign_in(client, OTHER_NETWORK)
    assert client.get(f"/checkin/{EVENT}/workshop/{workshop.id}").status_code == 404
    token = csrf_token(client.get("/manage/").get_data(as_text=True))
    assert client.post(f"/checkin/{EVENT}/workshop/{workshop.id}/{first.id}/anwesend",
                       data={"csrf_token": token}).status_code == 404
    assert attended_items(first) == []


def test_workshop_leaders_without_a_leader_link_cannot_mark(client, demo, app_context):
    """The back office has no link from a leader's account to a workshop yet, so door roles mark."""
    from confapp.services.networks import accounts
    from confapp.services.events.demo import DEMO_PASSWORD
    accounts.grant_role("leitung@anhalt-bitterfeld.example", "anhalt-bitterfeld", "workshop_leader",
                        password_hash=accounts.hash_password(DEMO_PASSWORD))
    first = people(demo[0])[0]
    workshop = assign(demo[0], [first])
    sign_in(client, "leitung@anhalt-bitterfeld.example")
    assert client.get(f"/checkin/{EVENT}/workshop/{workshop.id}").status_code == 404
    assert client.get(f"/c/{first.badge_token}").status_code == 404  # nor check people in
