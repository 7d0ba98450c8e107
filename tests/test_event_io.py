"""Event import and export: the JSON contract of DESIGN.md, through the CLI."""
import json

import pytest

from confapp.extensions import db
from confapp.models import Event, Network, Preference, ProgramItem, Registration, RegistrationStatus
from confapp.services.events.file_io import EventFileError, export_event, import_event


@pytest.fixture
def network(app_context):
    network = Network(slug="anhalt-bitterfeld", name="Netzwerk Anhalt-Bitterfeld")
    db.session.add(network)
    db.session.commit()
    return network


def event_file(**changes) -> dict:
    data = {
        "network": "anhalt-bitterfeld", "slug": "stark-fuer-familien", "title": "Stark für Familien",
        "subtitle": "Fachtagung", "status": "published", "capacity": 200, "teaching_units": 6,
        "starts_at": "2024-06-05T09:00", "ends_at": "2024-06-05T16:00", "timezone": "Europe/Berlin",
        "venue": {"name": "Berufsbildende Schule Bitterfeld", "address": "Bitterfeld"},
        "registration": {"opens_at": "2024-04-01T08:00", "closes_at": "2024-05-29T23:59",
                         "choice_mode": "ranked", "ranks": 3},
        "slots": [
            {"label": "Vormittag", "starts_at": "2024-06-05T09:00", "ends_at": "2024-06-05T12:00", "items": [
                {"kind": "talk", "title": "Interdisziplinäre Netzwerkarbeit", "speakers": ["Dr. A"], "room": "Aula"}]},
            {"label": "Workshops", "starts_at": "2024-06-05T13:00", "ends_at": "2024-06-05T15:00", "items": [
                {"kind": "workshop", "title": "Kinderschutz in der Kita", "capacity": 25, "room": "Raum 101",
                 "abstract": "Anhaltspunkte erkennen"},
                {"kind": "workshop", "title": "Häusliche Gewalt", "capacity": 20, "room": "Raum 102"}]}],
    }
    data.update(changes)
    return data


def write(tmp_path, data, name="event.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_import_creates_the_event_with_its_program(cli, network, tmp_path):
    result = cli.invoke(args=["event", "import", write(tmp_path, event_file())])

    assert result.exit_code == 0, result.output
    assert "Angelegt: stark-fuer-familien" in result.output
    event = db.session.query(Event).filter_by(slug="stark-fuer-familien").one()
    assert [slot.label for slot in event.slots] == ["Vormittag", "Workshops"]
    workshops = event.slots[1].items
    assert [(w.title, w.capacity, w.room.name) for w in workshops] == [
        ("Kinderschutz in der Kita", 25, "Raum 101"), ("Häusliche Gewalt", 20, "Raum 102")]
    assert event.slots[0].items[0].speakers[0].name == "Dr. A"
    assert event.teaching_units == 6


def test_export_then_import_round_trips(cli, network, tmp_path):
    cli.invoke(args=["event", "import", write(tmp_path, event_file())])
    out = tmp_path / "out.json"
    first = cli.invoke(args=["event", "export", "stark-fuer-familien", "-o", str(out)])
    assert first.exit_code == 0, first.output
    exported = json.loads(out.read_text(encoding="utf-8"))

    again = cli.invoke(args=["event", "import", str(out)])
    assert "Aktualisiert" in again.output
    db.session.expire_all()
    assert export_event(db.session.query(Event).one()) == exported
    assert exported["teaching_units"] == 6
    assert exported["slots"][1]["items"][0] == {"kind": "workshop", "title": "Kinderschutz in der Kita",
                                                "room": "Raum 101", "capacity": 25, "abstract": "Anhaltspunkte erkennen"}


def test_import_is_idempotent_by_slug(cli, network, tmp_path):
    path = write(tmp_path, event_file())
    cli.invoke(args=["event", "import", path])
    cli.invoke(args=["event", "import", path])
    assert db.session.query(Event).count() == 1
    assert db.session.query(ProgramItem).count() == 3


def test_reimport_keeps_wishes_on_unchanged_workshops(cli, network, tmp_path):
    cli.invoke(args=["event", "import", write(tmp_path, event_file())])
    event = db.session.query(Event).one()
    kita = event.slots[1].items[0]
    registration = Registration(event=event, first_name="Anna", last_name="Müller", email="a@example.org",
                                status=RegistrationStatus.confirmed)
    registration.preferences.append(Preference(slot=event.slots[1], rank=1, program_item=kita))
    db.session.add(registration)
    db.session.commit()
    kita_id = kita.id

    changed = event_file()
    changed["slots"][1]["items"][0]["capacity"] = 30
    result = cli.invoke(args=["event", "import", write(tmp_path, changed)])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(ProgramItem, kita_id).capacity == 30
    assert db.session.query(Preference).one().program_item_id == kita_id


def test_reimport_refuses_to_drop_a_workshop_with_wishes(cli, network, tmp_path):
    cli.invoke(args=["event", "import", write(tmp_path, event_file())])
    event = db.session.query(Event).one()
    registration = Registration(event=event, first_name="A", last_name="B", email="a@example.org",
                                status=RegistrationStatus.confirmed)
    registration.preferences.append(Preference(slot=event.slots[1], rank=1, program_item=event.slots[1].items[1]))
    db.session.add(registration)
    db.session.commit()

    changed = event_file()
    del changed["slots"][1]["items"][1]
    result = cli.invoke(args=["event", "import", write(tmp_path, changed)])

    assert result.exit_code == 1
    assert "Häusliche Gewalt" in result.output and "Wünsche" in result.output
    db.session.expire_all()
    assert db.session.query(ProgramItem).count() == 3


def test_a_broken_file_names_each_problem_and_changes_nothing(cli, network, tmp_path):
    broken = event_file(colour="blau", capacity="viele", status="geheim", timezone="Mars/Olympus")
    broken["registration"]["choice_mode"] = "lotterie"
    broken["slots"][0]["starts_at"] = "5. Juni"
    broken["slots"][1]["ends_at"] = "2024-06-05T18:00"
    broken["slots"][1]["items"][0]["capacity"] = 0
    broken["slots"][1]["items"][1]["kind"] = "party"
    broken["slots"][1]["items"].append({"kind": "workshop"})

    result = cli.invoke(args=["event", "import", write(tmp_path, broken)])

    assert result.exit_code == 1
    for expected in ("colour: unbekannter Schlüssel", "capacity: muss eine ganze Zahl",
                     "status: \"geheim\" ist nicht erlaubt", "timezone: \"Mars/Olympus\" ist keine bekannte Zeitzone",
                     "registration.choice_mode: \"lotterie\"", "slots[0].starts_at: \"5. Juni\" ist kein Zeitpunkt",
                     "slots[1].ends_at: liegt nach dem Ende der Veranstaltung",
                     "slots[1].items[0].capacity: muss eine ganze Zahl", "slots[1].items[1].kind: \"party\"",
                     "slots[1].items[2].title: fehlt, ist aber Pflicht", "nichts wurde geändert"):
        assert expected in result.output
    assert db.session.query(Event).count() == 0


def test_an_update_with_problems_changes_nothing(cli, network, tmp_path):
    cli.invoke(args=["event", "import", write(tmp_path, event_file())])
    broken = event_file(title="Neuer Titel")
    broken["slots"][1]["items"][0]["room"] = 42

    result = cli.invoke(args=["event", "import", write(tmp_path, broken)])

    assert result.exit_code == 1 and "slots[1].items[0].room: muss ein Text sein" in result.output
    db.session.expire_all()
    assert db.session.query(Event).one().title == "Stark für Familien"


@pytest.mark.parametrize("raw, message", [
    ("{not json", "kein gültiges JSON"),
    ("[1, 2]", "muss ein Objekt"),
    (json.dumps(event_file(network="unbekannt")), "das Netzwerk \"unbekannt\" gibt es nicht"),
    (json.dumps(event_file(ends_at="2024-06-04T09:00")), "ends_at: liegt vor dem Beginn"),
    (json.dumps(event_file(slug="Stark für Familien")), "slug: darf nur Kleinbuchstaben"),
    (json.dumps(event_file(title="x" * 201)), "title: ist zu lang (201 Zeichen, höchstens 200)"),
    (json.dumps(event_file(capacity=True)), "capacity: muss eine ganze Zahl"),
    (json.dumps(event_file(teaching_units=101)), "teaching_units: muss eine ganze Zahl von 1 bis 100"),
    (json.dumps(event_file(starts_at="2024-06-05T09:00+02:00")), "ohne Zeitzone angeben"),
])
def test_import_explains_what_is_wrong(network, raw, message):
    with pytest.raises(EventFileError) as error:
        import_event(raw)
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_talks_have_no_seats_and_rooms_must_be_listed(network):
    data = event_file(rooms=[{"name": "Aula"}])
    data["slots"][0]["items"][0]["capacity"] = 10
    with pytest.raises(EventFileError) as error:
        import_event(json.dumps(data))
    problems = "\n".join(error.value.problems)
    assert "slots[0].items[0].capacity: nur Workshops und Thementische haben Plätze" in problems
    assert "slots[1].items[0].room: Raum \"Raum 101\" steht nicht in \"rooms\"" in problems


def test_export_of_an_unknown_event_says_so(cli, app_context):
    result = cli.invoke(args=["event", "export", "gibt-es-nicht"])
    assert result.exit_code == 1 and "gibt es nicht" in result.output


def test_demo_files_import_cleanly(cli, app_context):
    result = cli.invoke(args=["demo", "--registrations", "3"])
    assert result.exit_code == 0, result.output
    assert "stark-fuer-familien" in result.output and "netzwerkforum-magdeburg" in result.output
