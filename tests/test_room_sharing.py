"""Theme tables share a room (the Magdeburg forum's hall); workshops only when marked, with a warning."""
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.manage_helpers import ANHALT, MAGDEBURG, event_named, workshops
from confapp.extensions import db
from confapp.models import ItemKind, ProgramItem, Slot, Event

FORUM = "netzwerkforum-magdeburg"


def _tables(slug: str = FORUM) -> list[ProgramItem]:
    db.session.commit()
    return list(db.session.scalars(select(ProgramItem).join(Slot).join(Event).where(
        Event.slug == slug, ProgramItem.kind == ItemKind.theme_table).order_by(ProgramItem.id)))


def _item_form(item, **changes):
    data = {"slot_id": str(item.slot_id), "kind": item.kind.value, "title": item.title,
            "abstract": item.abstract, "room_id": str(item.room_id or 0),
            "capacity": str(item.capacity or ""), "starts_at": "", "ends_at": "",
            "speakers": "\n".join(s.name for s in item.speakers)}
    return {**data, **changes}


def test_the_forum_saves_a_theme_table_and_a_slot_although_tables_share_the_hall(client, demo, app_context):
    table = _tables()[0]
    together = [t for t in _tables() if t.slot_id == table.slot_id and t.room_id == table.room_id]
    assert table.room_id and len(together) > 1  # the demo's tables sit together in one hall
    sign_in(client, MAGDEBURG)
    base = f"/manage/e/{FORUM}"
    response = post_form(client, f"{base}/programm/punkt/{table.id}", _item_form(table, capacity="11"),
                         follow_redirects=True)
    assert response.status_code == 200 and "Der Programmpunkt ist gespeichert" in response.get_data(as_text=True)
    assert "teilen sich" not in response.get_data(as_text=True)  # tables sharing needs no warning
    assert _tables()[0].capacity == 11
    slot = table.slot
    saved = post_form(client, f"{base}/programm/zeitfenster/{slot.id}",
                      {"label": slot.label, "starts_at": f"{slot.starts_at:%Y-%m-%dT%H:%M}",
                       "ends_at": f"{slot.ends_at:%Y-%m-%dT%H:%M}"})
    assert saved.status_code == 302


def test_the_forums_copy_saves_too(client, demo, app_context):
    sign_in(client, MAGDEBURG)
    event = event_named(FORUM)
    copied = post_form(client, f"/manage/e/{FORUM}/kopieren",
                       {"title": "Netzwerkforum 2027", "slug": "forum-2027",
                        "starts_on": (event.starts_at.date() + timedelta(days=364)).isoformat()})
    assert copied.status_code == 302
    table = _tables("forum-2027")[0]
    response = post_form(client, f"/manage/e/forum-2027/programm/punkt/{table.id}", _item_form(table, capacity="9"))
    assert response.status_code == 302 and _tables("forum-2027")[0].capacity == 9


def test_a_workshop_shares_a_room_only_when_marked_and_is_warned(client, demo, app_context):
    sign_in(client, ANHALT)
    first, second = workshops()[:2]
    url = f"/manage/e/stark-fuer-familien/programm/punkt/{second.id}"
    refused = post_form(client, url, _item_form(second, room_id=str(first.room_id)))
    assert refused.status_code == 422 and "ist zu dieser Zeit schon belegt" in refused.get_data(as_text=True)
    first_form = _item_form(first, shares_room="y")
    assert post_form(client, f"/manage/e/stark-fuer-familien/programm/punkt/{first.id}", first_form).status_code == 302
    marked = post_form(client, url, _item_form(second, room_id=str(first.room_id), shares_room="y"),
                       follow_redirects=True)
    html = marked.get_data(as_text=True)
    assert "Der Programmpunkt ist gespeichert" in html
    assert f"teilen sich zur selben Zeit den Raum „{first.room.name}“" in html
    assert workshops()[1].room_id == first.room_id and workshops()[1].shares_room
