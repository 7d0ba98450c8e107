"""Deleting a room, slot or program item that has content asks first and says what goes with it."""
import io

from sqlalchemy import func, select

from tests.conftest import csrf_token, post_form, sign_in
from tests.html_check import problems
from tests.manage_helpers import ANHALT, BASE, event_named
from confapp.extensions import db
from confapp.models import FeedbackQuestion, ItemKind, Material, ProgramItem, QuestionKind, Room, Slot, Speaker
from confapp.services.materials import storage

PROGRAM = f"{BASE}/programm"


def _empty_slot_with(client, *titles: str) -> Slot:
    event = event_named()
    slot = Slot(label="Abendrunde", starts_at=event.starts_at, ends_at=event.starts_at.replace(hour=10))
    event.slots.append(slot)
    room = Room(name="Raum 999")
    event.rooms.append(room)
    speaker = Speaker(event=event, name="Dr. Beispiel")
    for title in titles:
        slot.items.append(ProgramItem(kind=ItemKind.talk, title=title, abstract="Worum es geht.", room=room,
                                      speakers=[speaker]))
    db.session.commit()
    return slot


def _exists(model, id_: int) -> bool:
    db.session.commit()
    return db.session.scalar(select(model).where(model.id == id_)) is not None


def test_a_slot_with_items_is_deleted_only_after_confirming(client, demo, app_context):
    slot_id = _empty_slot_with(client, "Rückblick", "Ausblick").id
    sign_in(client, ANHALT)
    url = f"{PROGRAM}/zeitfenster/{slot_id}/loeschen"
    asked = post_form(client, url, {}, page_url=PROGRAM)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Zeitfenster „Abendrunde“ löschen?" in html
    assert "2 Programmpunkte gelöscht: „Rückblick“, „Ausblick“" in html and problems(html) == []
    assert _exists(Slot, slot_id)
    done = post_form(client, url, {"confirmed": "1"}, page_url=PROGRAM, follow_redirects=True)
    assert "Das Zeitfenster ist gelöscht." in done.get_data(as_text=True) and not _exists(Slot, slot_id)


def test_a_room_in_use_and_an_item_with_a_description_ask_first(client, demo, app_context):
    slot = _empty_slot_with(client, "Rückblick")
    item_id, room_id = slot.items[0].id, slot.items[0].room_id
    sign_in(client, ANHALT)
    asked = post_form(client, f"{PROGRAM}/raum/{room_id}/loeschen", {}, page_url=PROGRAM).get_data(as_text=True)
    assert "1 Programmpunkt verliert seinen Raum: „Rückblick“" in asked and _exists(Room, room_id)
    asked = post_form(client, f"{PROGRAM}/punkt/{item_id}/loeschen", {}, page_url=PROGRAM).get_data(as_text=True)
    assert "Die Beschreibung geht verloren." in asked and "Dr. Beispiel" in asked and _exists(ProgramItem, item_id)
    post_form(client, f"{PROGRAM}/punkt/{item_id}/loeschen", {"confirmed": "1"}, page_url=PROGRAM)
    assert not _exists(ProgramItem, item_id)


def test_an_empty_room_goes_at_once(client, demo, app_context):
    event = event_named()
    room = Room(name="Abstellraum")
    event.rooms.append(room)
    db.session.commit()
    room_id = room.id
    sign_in(client, ANHALT)
    done = post_form(client, f"{PROGRAM}/raum/{room_id}/loeschen", {}, page_url=PROGRAM)
    assert done.status_code == 302 and not _exists(Room, room_id)


def test_what_belonged_to_a_deleted_workshop_goes_with_it(client, demo, app_context):
    """Foreign keys hold on SQLite too: SQLite gives a new row the id of the last one deleted, and
    the slides of a deleted workshop turned up under the next new one."""
    sign_in(client, ANHALT)
    slot_id = event_named().slots[-1].id

    def new_workshop(title: str) -> int:
        response = post_form(client, f"{PROGRAM}/punkt/neu", {
            "slot_id": str(slot_id), "kind": "workshop", "title": title, "abstract": "", "room_id": "0",
            "capacity": "12", "starts_at": "", "ends_at": "", "speakers": ""})
        assert response.status_code == 302
        db.session.commit()
        return db.session.scalar(select(ProgramItem.id).where(ProgramItem.title == title))

    first = new_workshop("Erster Entwurf")
    added = post_form(client, f"{BASE}/material", {"title": "Folien vom ersten Entwurf", "program_item_id": str(first),
                                                   "url": "https://example.org/folien"})
    assert added.status_code == 302
    post_form(client, f"{PROGRAM}/punkt/{first}/loeschen", {"confirmed": "1"}, page_url=PROGRAM)
    assert not _exists(ProgramItem, first)
    second = new_workshop("Zweiter Entwurf")
    assert db.session.scalar(select(func.count()).select_from(Material).where(Material.program_item_id == second)) == 0
    assert "Folien vom ersten Entwurf" not in client.get(f"{BASE}/material").get_data(as_text=True)


def test_deleting_a_workshop_names_its_materials_and_questions_and_removes_their_files(app, client, demo, app_context):
    sign_in(client, ANHALT)
    slot_id = event_named().slots[-1].id
    post_form(client, f"{PROGRAM}/punkt/neu", {
        "slot_id": str(slot_id), "kind": "workshop", "title": "Abgesagter Workshop", "abstract": "", "room_id": "0",
        "capacity": "12", "starts_at": "", "ends_at": "", "speakers": ""})
    db.session.commit()
    item_id = db.session.scalar(select(ProgramItem.id).where(ProgramItem.title == "Abgesagter Workshop"))
    page = client.get(f"{BASE}/material").get_data(as_text=True)
    uploaded = client.post(f"{BASE}/material", data={
        "csrf_token": csrf_token(page), "title": "Folien", "program_item_id": str(item_id),
        "file": (io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), "folien.pdf")},
        content_type="multipart/form-data")
    assert uploaded.status_code == 302
    post_form(client, f"{BASE}/material", {"title": "Linkliste", "program_item_id": str(item_id),
                                           "url": "https://example.org/links"})
    db.session.commit()
    db.session.add(FeedbackQuestion(event_id=event_named().id, kind=QuestionKind.text, program_item_id=item_id,
                                    text="Was nehmen Sie aus dem Workshop mit?"))
    db.session.commit()
    key = db.session.scalar(select(Material.storage_key).where(Material.title == "Folien"))
    with app.app_context():
        assert storage.load(key) is not None

    url = f"{PROGRAM}/punkt/{item_id}/loeschen"
    asked = post_form(client, url, {}, page_url=PROGRAM)
    assert "Die 2 Materialien „Folien“, „Linkliste“ werden mit gelöscht." in asked.get_data(as_text=True)
    assert "1 Frage des Rückmeldebogens wird mit ihren Antworten gelöscht." in asked.get_data(as_text=True)
    assert _exists(ProgramItem, item_id)
    post_form(client, url, {"confirmed": "1"}, page_url=PROGRAM)
    assert not _exists(ProgramItem, item_id)
    assert db.session.scalar(select(func.count()).select_from(Material).where(Material.program_item_id == item_id)) == 0
    with app.app_context():
        assert storage.load(key) is None
