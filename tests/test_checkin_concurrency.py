"""Several devices at the door at the same moment: one badge makes one check-in, one mark."""
import threading
from collections import Counter

from confapp.models import RegistrationHistory
from tests.conftest import csrf_token, sign_in
from tests.test_checkin import DOOR, EVENT, ORGANISER, fresh, history, people
from tests.test_checkin_attendance import assign, attended_items

DEVICES = 6


def at_once(app, prepare, send) -> list:
    """Sign in DEVICES separate clients, prepare each, then fire ``send`` from all at the same moment."""
    clients = []
    for number in range(DEVICES):
        client = app.test_client()
        sign_in(client, DOOR if number % 2 else ORGANISER)
        clients.append((client, prepare(client)))
    start = threading.Barrier(DEVICES)
    answers: list = [None] * DEVICES

    def device(number: int) -> None:
        client, prepared = clients[number]
        start.wait()
        answers[number] = send(client, prepared)

    threads = [threading.Thread(target=device, args=(number,)) for number in range(DEVICES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_the_same_badge_scanned_on_several_devices_at_once_checks_in_once(app, demo, app_context):
    person = people(demo[0])[0]
    code = f"http://confapp.test/c/{person.badge_token}"  # the threads must not touch this session's objects

    def prepare(client):
        return csrf_token(client.get(f"/checkin/{EVENT}/scanner").get_data(as_text=True))

    def send(client, token):
        response = client.post(f"/checkin/{EVENT}/scanner", headers={"Accept": "application/json"},
                               data={"csrf_token": token, "code": code})
        return response.status_code, response.get_json()["outcome"]

    answers = at_once(app, prepare, send)
    assert Counter(answers) == {(200, "checked_in"): 1, (200, "already"): DEVICES - 1}
    assert [action for action, _ in history(person.id)].count("checked_in") == 1
    assert fresh(person.id).checked_in_by in (DOOR, ORGANISER)


def test_undo_pressed_on_several_devices_at_once_undoes_once(app, demo, app_context):
    person = people(demo[0])[0]
    url = f"/checkin/{EVENT}/person/{person.id}"
    first = app.test_client()
    sign_in(first, DOOR)
    first.post(f"{url}/einchecken", data={"csrf_token": csrf_token(first.get(url).get_data(as_text=True))})

    def prepare(client):
        return csrf_token(client.get(url).get_data(as_text=True))

    def send(client, token):
        html = client.post(f"{url}/rueckgaengig", data={"csrf_token": token}).get_data(as_text=True)
        return "Check-in zurückgenommen" in html, "War nicht eingecheckt" in html

    answers = at_once(app, prepare, send)
    assert Counter(answers) == {(True, False): 1, (False, True): DEVICES - 1}
    assert [action for action, _ in history(person.id)].count("checkin_undone") == 1


def test_one_person_marked_present_on_several_devices_at_once_has_one_mark(app, demo, app_context):
    person = people(demo[0])[0]
    workshop = assign(demo[0], [person])
    page = f"/checkin/{EVENT}/workshop/{workshop.id}/{person.id}"
    workshop_id = workshop.id  # the threads must not touch this session's objects

    def prepare(client):
        return csrf_token(client.get(page.rsplit("/", 1)[0]).get_data(as_text=True))

    def send(client, token):
        response = client.post(f"{page}/anwesend", data={"csrf_token": token})
        return response.status_code

    assert at_once(app, prepare, send) == [302] * DEVICES
    assert [item.id for item in attended_items(person)] == [workshop_id]
    marks = [h for h in fresh(person.id).history if h.action == "attendance_marked"]
    assert len(marks) == 1 and isinstance(marks[0], RegistrationHistory)
