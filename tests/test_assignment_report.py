"""The assignment's report and its moment, as an organiser meets them: the named people without a seat,
filtering the changes, the report kept after applying, the progress of a run in the background, the
warning while registration is open, and seats for people promoted from the waitlist."""
from datetime import timedelta

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Assignment, AssignmentRun, Preference, Registration, RegistrationStatus, RunState, utcnow
from tests.conftest import post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, EVENT, event_named, workshops
from tests.test_assignment_backoffice import PAGE, apply, confirmed, preview, seats


def squeeze_workshops(seats_each: int = 1) -> None:
    for item in workshops():
        item.capacity = seats_each
    db.session.commit()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def test_the_people_without_a_seat_are_named_with_their_wishes(client, demo):
    squeeze_workshops()
    sign_in(client, ANHALT)

    html = preview(client)

    people, places = len(confirmed()), len(workshops())
    unplaced = section(html, "Wer keinen Platz hat", "Arbeitsfelder je Workshop")
    assert unplaced.count("<li>") == people - places
    assert "wünschte" in unplaced
    assert f"{people - places} <span" in section(html, "Wer welchen Wunsch bekommen hat", "</table>")
    apply(client, html)
    seated = {seat.registration_id for seat in seats()}
    for person in confirmed():
        assert (f">{person.full_name}</a>" in unplaced) == (person.id not in seated)


def test_the_changes_can_be_filtered_by_name(client, demo):
    sign_in(client, ANHALT)
    html = preview(client)
    run_url = client.get(PAGE).get_data(as_text=True).split('zuteilung/lauf/')[1].split('"')[0]
    someone = confirmed()[0]

    filtered = client.get(f"{PAGE}/lauf/{run_url}", query_string={"name": someone.last_name}).get_data(as_text=True)

    table = section(filtered, 'id="aenderungen"', "</table>")
    assert someone.full_name in table
    assert all(other.full_name not in table for other in confirmed() if other.last_name != someone.last_name)
    assert f"von {len(confirmed())} Änderungen angezeigt" in filtered and len(confirmed()) > 1
    assert "1. Wunsch" in html


def test_an_applied_assignments_report_stays_and_is_listed(client, demo):
    sign_in(client, ANHALT)
    html = preview(client)

    response = apply(client, html)

    report = response.get_data(as_text=True)
    assert "Bericht der Zuteilung vom" in report and "Zuteilung per E-Mail mitteilen" in report
    assert "Zuteilung übernehmen" not in report
    page = client.get(PAGE).get_data(as_text=True)
    assert "Frühere Zuteilungen" in page
    link = page.split("Frühere Zuteilungen")[1].split('href="')[1].split('"')[0]
    again = client.get(link).get_data(as_text=True)
    assert "Bericht der Zuteilung vom" in again and confirmed()[0].full_name in again
    # A second preview does not replace the kept report.
    preview(client)
    assert client.get(link).status_code == 200 and "Bericht der Zuteilung vom" in client.get(link).get_data(as_text=True)


def test_a_discarded_preview_cannot_be_applied(client, demo):
    sign_in(client, ANHALT)
    html = preview(client)
    run = db.session.scalar(select(AssignmentRun))
    response = post_form(client, f"{PAGE}/lauf/{run.id}/verwerfen", {}, page_url=f"{PAGE}/lauf/{run.id}",
                         follow_redirects=True)
    assert "Die Vorschau ist verworfen" in response.get_data(as_text=True)

    response = apply(client, html)

    assert "kann nicht mehr übernommen werden" in response.get_data(as_text=True)
    assert seats() == []


def test_a_run_in_progress_shows_its_progress_to_any_worker(client, demo):
    sign_in(client, ANHALT)
    event = event_named()
    run = AssignmentRun(event_id=event.id, mode="reoptimize", started_by=ANHALT, progress=20,
                        step="Beste Zuteilung für 12 Personen berechnen")
    db.session.add(run)
    db.session.commit()

    html = client.get(f"{PAGE}/lauf/{run.id}").get_data(as_text=True)
    status = client.get(f"{PAGE}/lauf/{run.id}/stand").get_json()

    assert "Die Zuteilung wird berechnet" in html and 'value="20"' in html and "12 Personen" in html
    assert status == {"state": "running", "progress": 20, "step": "Beste Zuteilung für 12 Personen berechnen",
                      "done": False}
    assert "Eine Vorschau wird gerade berechnet." in client.get(PAGE).get_data(as_text=True)
    run.updated_at = utcnow() - timedelta(hours=1)  # its process died
    db.session.commit()
    assert "wurde unterbrochen" in client.get(f"{PAGE}/lauf/{run.id}").get_data(as_text=True)


def test_a_slow_preview_finishes_in_the_background(client, app, demo):
    sign_in(client, ANHALT)
    app.config["ASSIGNMENT_WAIT_SECONDS"] = 0
    try:
        html = preview(client)  # follows the run page until the report is there
    finally:
        app.config.pop("ASSIGNMENT_WAIT_SECONDS")
    assert "Vorschau der Zuteilung" in html
    db.session.commit()
    run = db.session.scalar(select(AssignmentRun))
    assert run.state == RunState.ready and run.progress == 100


def test_assigning_while_registration_is_open_is_warned_about(client, demo):
    sign_in(client, ANHALT)
    assert "Die Anmeldung ist noch offen" in client.get(PAGE).get_data(as_text=True)
    assert "Die Anmeldung ist noch offen." in preview(client)

    event = event_named()
    event.registration_closes_at = event.local_now().replace(microsecond=0) - timedelta(hours=1)
    db.session.commit()

    assert "Die Anmeldung ist noch offen" not in client.get(PAGE).get_data(as_text=True)


def test_someone_promoted_after_the_assignment_gets_a_wished_free_seat_and_the_organiser_sees_it(client, demo):
    sign_in(client, ANHALT)
    apply(client, preview(client))
    event = event_named()
    event.capacity = event.seats_taken
    waiting = Registration(event=event, first_name="Wilma", last_name="Wartend", email="wilma@example.org",
                           sector="Kita", status=RegistrationStatus.waitlisted, created_at=utcnow(),
                           manage_token="wilma-manage-token-0000000000", badge_token="wilma-badge-token-000000000")
    db.session.add(waiting)
    roomy = max(workshops(), key=lambda item: item.capacity - item.seats_taken)
    db.session.add(Preference(registration=waiting, slot_id=roomy.slot_id, rank=1, program_item_id=roomy.id))
    db.session.commit()
    leaving = confirmed()[0]

    response = post_form(client, f"{BASE}/anmeldungen/{leaving.id}/stornieren", {},
                         page_url=f"{BASE}/anmeldungen/{leaving.id}", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Nachgerückt: 1." in html
    assert f"Einen Workshopplatz nach ihren Wünschen haben: Wilma Wartend ({roomy.title})." in html
    db.session.commit()
    seat = db.session.scalar(select(Assignment).where(Assignment.registration_id == waiting.id))
    assert seat.program_item_id == roomy.id and seat.notified_at is not None


def test_flask_assign_warns_while_registration_is_open(cli, demo):
    result = cli.invoke(args=["assign", EVENT, "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Die Anmeldung ist noch offen" in result.output


def test_in_the_browser_preview_names_the_unplaced_apply_and_find_the_report_again(page, demo, live_server):
    from tests.conftest import axe_violations, sign_in_browser

    squeeze_workshops()
    db.session.commit()
    sign_in_browser(page, live_server, ANHALT)
    page.goto(f"{live_server.url}{PAGE}")
    page.get_by_label("Neu optimieren", exact=False).check()
    page.get_by_role("button", name="Vorschau berechnen").click()
    page.get_by_role("heading", name="Vorschau der Zuteilung").wait_for(timeout=60_000)

    unplaced = page.locator("ul.unplaced li")
    names = unplaced.all_inner_texts()
    assert len(names) == len(confirmed()) - len(workshops())
    first = names[0].split(" (")[0]
    assert page.get_by_role("link", name=first).first.is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Zuteilung übernehmen").click()
    page.get_by_text("Die Zuteilung ist gespeichert").wait_for()
    page.get_by_role("link", name="Zur Seite „Zuteilung“").click()
    page.get_by_role("heading", name="Frühere Zuteilungen").wait_for()
    page.get_by_role("link", name="Bericht der Zuteilung vom", exact=False).first.click()
    page.get_by_role("heading", name="Bericht der Zuteilung vom", exact=False).wait_for()
    assert first in page.locator("ul.unplaced").inner_text()
    assert page.get_by_role("button", name="Zuteilung per E-Mail mitteilen").is_visible()
    page.screenshot(path="/tmp/assignment-report.png", full_page=True)
    assert axe_violations(page) == []
