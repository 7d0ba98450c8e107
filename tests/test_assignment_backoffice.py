"""Workshop assignment in the back office, over HTTP with CSRF: preview, apply, lock, seat by hand, notify."""
import re
import time

from sqlalchemy import delete, func, select

from tests.conftest import axe_violations, csrf_token, post_form, sign_in
from tests.manage_helpers import send_confirmed, ANHALT, BASE, EVENT, registrations_of, workshops
from confapp.extensions import db
from confapp.models import (Assignment, AssignmentSource, AuditEntry, OutboxMessage, Preference, Registration,
                            RegistrationStatus)
from confapp.services.events.demo import DEMO_PASSWORD

PAGE = f"{BASE}/zuteilung"


def seats() -> list[Assignment]:
    db.session.rollback()  # end the test's read transaction: SQLite would keep showing its snapshot
    return list(db.session.scalars(select(Assignment).join(Registration).order_by(Assignment.id)))


def outbox_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def preview(client, mode: str = "reoptimize") -> str:
    """Start a preview and wait for its report, as the page's script would."""
    return finished(client, post_form(client, f"{PAGE}/vorschau", {"mode": mode}, page_url=PAGE))


def finished(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    url = response.headers["Location"]
    for _ in range(200):
        html = client.get(url).get_data(as_text=True)
        if "Die Zuteilung wird berechnet" not in html or "Fortschritt" not in html:
            return html
        time.sleep(0.1)
    raise AssertionError("the preview did not finish")


def apply_form(html: str) -> tuple[str, dict]:
    """The action and fields of the report's apply form, as the browser would post them."""
    match = re.search(r'action="([^"]*/zuteilung/lauf/\d+/anwenden)"', html)
    form = html[match.start():]
    return match.group(1), {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]*)"', form).group(1)}


def apply(client, html: str):
    action, data = apply_form(html)
    return client.post(action, data=data, follow_redirects=True)


def confirmed() -> list[Registration]:
    return [r for r in registrations_of() if r.status == RegistrationStatus.confirmed]


def test_the_preview_shows_report_and_changes_and_stores_nothing(client, demo):
    sign_in(client, ANHALT)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{PAGE}"' in page and "Zuteilung" in page

    html = preview(client)

    people = len(confirmed())
    assert "Vorschau der Zuteilung" in html and "Noch ist nichts gespeichert." in html
    assert f"{people} Plätze ändern sich" in html
    assert "1. Wunsch" in html and "ohne Platz" in html and "Alle haben in jedem Zeitfenster einen Platz." in html
    assert workshops()[0].title in html and "Personen je Arbeitsfeld in jedem Workshop" in html
    assert confirmed()[0].full_name in html
    assert seats() == []
    # Summary first, then the buttons, then the changes; solver terms only in the details at the end.
    assert html.index("Zusammenfassung") < html.index("Zuteilung übernehmen") < html.index('id="aenderungen"')
    details = html.index("Technische Angaben zur Berechnung")
    assert html.index("Zielwert") > details and html.index("Bewiesen optimal (Lücke 0)") > details
    assert "Variablen" not in html[:details]


def test_applying_the_preview_stores_every_seat_and_notes_it_in_the_audit_log(client, demo):
    sign_in(client, ANHALT)

    response = apply(client, preview(client))

    people = len(confirmed())
    assert f"Die Zuteilung ist gespeichert: {people} neu, 0 verschoben, 0 entfernt." in response.get_data(as_text=True)
    assert len(seats()) == people
    assert db.session.scalar(select(AuditEntry.action)) == "assignment.applied"
    for item in workshops():
        assert item.seats_taken == sum(seat.program_item_id == item.id for seat in seats()) <= item.capacity


def test_a_preview_gone_stale_is_refused_in_german(client, demo):
    sign_in(client, ANHALT)
    html = preview(client)
    someone = confirmed()[0]
    db.session.execute(delete(Preference).where(Preference.registration_id == someone.id))
    db.session.commit()

    response = apply(client, html)

    assert "haben sich seit der Vorschau geändert" in response.get_data(as_text=True)
    assert seats() == []


def test_a_notified_attendee_moved_by_reoptimising_is_listed_prominently_and_fill_moves_nobody(client, demo):
    sign_in(client, ANHALT)
    apply(client, preview(client))
    send_confirmed(client, f"{PAGE}/benachrichtigen", PAGE)
    moved = confirmed()[0]
    seat = next(s for s in seats() if s.registration_id == moved.id)
    elsewhere = next(item for item in workshops() if item.id != seat.program_item_id
                     and item.slot_id == seat.slot_id and item.seats_taken < item.capacity)
    db.session.execute(delete(Preference).where(Preference.registration_id == moved.id))
    db.session.add(Preference(registration_id=moved.id, slot_id=seat.slot_id, rank=1, program_item_id=elsewhere.id))
    db.session.commit()

    assert "bereits benachrichtigte" not in preview(client, "fill")
    html = preview(client, "reoptimize")

    assert "1 bereits benachrichtigte Person wird verschoben" in html
    alert = html[html.index('role="alert"'):html.index("</div>", html.index('role="alert"'))]
    assert moved.full_name in alert and f"{seat.program_item.title} → {elsewhere.title}" in alert


def test_locking_and_unlocking_one_seat(client, demo):
    sign_in(client, ANHALT)
    apply(client, preview(client))
    seat = seats()[0]
    url = f"{PAGE}/platz/{seat.id}/sperre"

    response = post_form(client, url, {"locked": "1"}, page_url=PAGE, follow_redirects=True)
    assert "ist gesperrt" in response.get_data(as_text=True)
    assert seats()[0].locked
    assert "Entsperren" in client.get(PAGE).get_data(as_text=True)

    response = post_form(client, url, {"locked": "0"}, page_url=PAGE, follow_redirects=True)
    assert "wieder frei für die Optimierung" in response.get_data(as_text=True)
    assert not seats()[0].locked


def test_seating_one_person_by_hand_and_a_full_workshop_is_refused(client, demo):
    sign_in(client, ANHALT)
    person, first, second = confirmed()[0], workshops()[0], workshops()[1]

    response = post_form(client, f"{PAGE}/von-hand",
                         {"hand-registration_id": person.id, "hand-item_id": first.id},
                         page_url=PAGE, follow_redirects=True)
    assert f"{person.full_name} hat jetzt einen festen Platz in „{first.title}“." in response.get_data(as_text=True)
    [seat] = seats()
    assert (seat.program_item_id, seat.locked, seat.source) == (first.id, True, AssignmentSource.manual)
    assert person.last_name in db.session.scalar(select(AuditEntry.summary).where(
        AuditEntry.action == "assignment.by_hand"))

    second.capacity = second.seats_taken = 1
    db.session.commit()
    other = confirmed()[1]
    response = post_form(client, f"{PAGE}/von-hand",
                         {"hand-registration_id": other.id, "hand-item_id": second.id}, page_url=PAGE)
    assert response.status_code == 422
    assert f"„{second.title}“ ist voll." in response.get_data(as_text=True)
    assert len(seats()) == 1
    # Only what was done is logged: the refused seat is not, nor a lock of a seat that does not exist.
    post_form(client, f"{PAGE}/platz/999999/sperre", {"locked": "1"}, page_url=PAGE)
    db.session.commit()
    logged = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.in_(["assignment.by_hand", "assignment.locked"]))).all()
    assert logged == ["assignment.by_hand"]


def test_seating_by_hand_without_a_choice_gets_a_german_error(client, demo):
    sign_in(client, ANHALT)

    response = post_form(client, f"{PAGE}/von-hand", {"hand-registration_id": "", "hand-item_id": "x"},
                         page_url=PAGE)

    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in response.get_data(as_text=True)
    assert seats() == []


def test_notify_queues_one_email_per_seated_attendee_once(client, demo):
    sign_in(client, ANHALT)
    apply(client, preview(client))
    before = outbox_count()

    response = send_confirmed(client, f"{PAGE}/benachrichtigen", PAGE, follow_redirects=True)

    people = len(confirmed())
    assert f"{people} E-Mails mit der Zuteilung sind im Postausgang." in response.get_data(as_text=True)
    assert outbox_count() == before + people
    response = post_form(client, f"{PAGE}/benachrichtigen", {}, page_url=PAGE)
    assert "Niemand bekommt jetzt eine E-Mail" in response.get_data(as_text=True)
    assert outbox_count() == before + people


def test_the_assignment_pages_pass_axe(page, demo, live_server):
    page.goto(live_server.url + "/manage/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(ANHALT)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", name="Übersicht").wait_for()
    page.goto(f"{live_server.url}/manage/e/{EVENT}/")
    page.get_by_role("link", name="Zuteilung").click()
    assert axe_violations(page) == []

    page.get_by_label("Neu optimieren", exact=False).check()
    page.get_by_role("button", name="Vorschau berechnen").click()
    page.get_by_role("heading", name="Vorschau der Zuteilung").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Zuteilung übernehmen").click()
    page.get_by_text("Die Zuteilung ist gespeichert").wait_for()
    assert axe_violations(page) == []


def test_notifying_shows_how_many_and_one_email_and_sends_only_when_confirmed(client, demo):
    sign_in(client, ANHALT)
    apply(client, preview(client))
    before = outbox_count()
    people = len(confirmed())

    step = post_form(client, f"{PAGE}/benachrichtigen", {}, page_url=PAGE).get_data(as_text=True)
    assert f"Diese E-Mail geht an {people} Personen." in step and "haben wir Ihnen diese Plätze zugeteilt" in step
    assert f"Ja, {people} E-Mails senden" in step
    assert outbox_count() == before
    stale = post_form(client, f"{PAGE}/benachrichtigen", {"confirmed": "0" * 32}, page_url=PAGE,
                      follow_redirects=True)
    assert "Seit der Vorschau haben sich" in stale.get_data(as_text=True) and outbox_count() == before
