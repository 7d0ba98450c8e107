"""Filling the workshop waitlists of a direct-mode event: the back-office page "Zuteilung" over HTTP
with CSRF, and ``flask assign``. Attendees register through the public form."""
import json
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from confapp.extensions import db
from confapp.models import Assignment, AuditEntry, Event, OutboxMessage, ProgramItem, Registration, RegistrationStatus
from confapp.services.registration import change as registrations
from confapp.services.events.file_io import import_event
from tests.conftest import axe_violations, post_form, sign_in, sign_in_browser
from tests.test_assignment_backoffice import apply, apply_form, finished
from tests.manage_helpers import send_confirmed, ANHALT, MAGDEBURG, event_named

SLUG = "werkstatt-direkt"
PAGE = f"/manage/e/{SLUG}/zuteilung"
KITA, ELTERN = "Kinderschutz in der Kita", "Gespräche mit Eltern"


def direct_event(capacity: int = 20, kita: int = 2, eltern: int = 3) -> Event:
    """A published direct-mode event of the demo network Anhalt-Bitterfeld, registration open."""
    day = (datetime.now() + timedelta(days=28)).replace(hour=9, minute=0, second=0, microsecond=0)
    at = lambda hours: (day + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    now = datetime.now()
    data = {"network": "anhalt-bitterfeld", "slug": SLUG, "title": "Werkstatt Kinderschutz", "status": "published",
            "capacity": capacity, "starts_at": at(0), "ends_at": at(6), "contact_email": "netzwerk@example.org",
            "venue": {"name": "Kreishaus", "address": "Markt 1"},
            "registration": {"opens_at": (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
                             "closes_at": (now + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
                             "choice_mode": "direct", "ranks": 1},
            "slots": [{"label": "Workshops", "starts_at": at(1), "ends_at": at(3), "items": [
                {"kind": "workshop", "title": KITA, "capacity": kita},
                {"kind": "workshop", "title": ELTERN, "capacity": eltern}]}]}
    event, _ = import_event(json.dumps(data))
    db.session.commit()
    return event


def item(title: str) -> ProgramItem:
    db.session.commit()  # ends the read transaction: SQLite WAL would keep showing an old snapshot
    return db.session.scalar(select(ProgramItem).where(ProgramItem.title == title)
                             .join(ProgramItem.slot).where(ProgramItem.slot.has(event_id=event_named(SLUG).id)))


def register(client, name: str, workshop: str) -> None:
    """Register through the public form, choosing ``workshop``."""
    chosen = item(workshop)
    response = post_form(client, f"/e/{SLUG}/anmelden", {
        "first_name": name, "last_name": "Test", "email": f"{name.lower()}@example.org",
        "organisation": "Jugendamt", "sector": "Kita", "privacy_consent": "y",
        f"choice_{chosen.slot_id}_1": str(chosen.id)})
    assert response.status_code == 302, response.get_data(as_text=True)


def seats() -> dict[str, tuple[int, str]]:
    """Assignment id and workshop per first name."""
    db.session.commit()
    return {first: (seat_id, title) for first, seat_id, title in db.session.execute(
        select(Registration.first_name, Assignment.id, ProgramItem.title)
        .join(Assignment, Assignment.registration_id == Registration.id)
        .join(ProgramItem, ProgramItem.id == Assignment.program_item_id))}


def set_capacity(title: str, capacity: int) -> None:
    workshop = item(title)
    workshop.capacity = capacity
    db.session.commit()


def outbox() -> list[OutboxMessage]:
    db.session.commit()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def outbox_to() -> list[str]:
    return [message.to_address for message in outbox()]


def crowded(client) -> Event:
    """Kita (2 seats) is full: Paula and Peter sit, Quirin, Rosa and Sven wait (in that order); Eltern
    (3 seats) has Tom and two free seats."""
    event = direct_event()
    for name, workshop in (("Paula", KITA), ("Peter", KITA), ("Quirin", KITA), ("Tom", ELTERN), ("Rosa", KITA),
                           ("Sven", KITA)):
        register(client, name, workshop)
    return event


def preview(client, fallback: bool = False) -> str:
    data = {"mode": "fill", **({"fallback": "y"} if fallback else {})}
    return finished(client, post_form(client, f"{PAGE}/vorschau", data, page_url=PAGE))


def changes_table(html: str) -> str:
    return html[html.index('id="aenderungen"'):html.index("Technische Angaben zur Berechnung")]


def test_the_page_shows_each_workshops_waitlist_in_order(client, demo):
    crowded(client)
    sign_in(client, ANHALT)

    html = client.get(PAGE).get_data(as_text=True)

    assert "Wartelisten der Workshops" in html
    assert "1. Quirin Test; 2. Rosa Test; 3. Sven Test" in html
    assert "Warteliste: Kinderschutz in der Kita" in html
    assert 'name="fallback"' in html and "Neu optimieren" not in html


def test_raised_capacity_seats_the_first_waiting_who_alone_gets_an_email(client, app, demo):
    crowded(client)
    before = seats()
    mails_before = len(outbox_to())
    set_capacity(KITA, 3)
    sign_in(client, ANHALT)

    html = preview(client)

    table = changes_table(html)
    assert "1 Platz ändert sich" in table
    assert "Quirin Test" in table and "Rosa" not in table and "Sven" not in table
    assert f"Warteliste: {KITA}" in table and "Ausweichplatz" not in table
    assert seats() == before  # a preview stores nothing

    response = apply(client, html)

    assert "Die Zuteilung ist gespeichert: 1 neu, 0 verschoben, 0 entfernt." in response.get_data(as_text=True)
    after = seats()
    assert after["Quirin"][1] == KITA and "Rosa" not in after and "Sven" not in after
    assert {name: after[name] for name in before} == before  # nobody seated moved, same rows
    assert item(KITA).seats_taken == 3 == item(KITA).capacity
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "assignment.applied"))

    response = send_confirmed(client, f"{PAGE}/benachrichtigen", PAGE, follow_redirects=True)

    assert "1 E-Mails mit der Zuteilung sind im Postausgang." in response.get_data(as_text=True)
    assert outbox_to()[mails_before:] == ["quirin@example.org"]
    response = post_form(client, f"{PAGE}/benachrichtigen", {}, page_url=PAGE)
    assert "Niemand bekommt jetzt eine E-Mail" in response.get_data(as_text=True)


def test_the_notification_is_the_waitlist_mail_with_the_new_workshop(client, demo):
    crowded(client)
    set_capacity(KITA, 3)
    sign_in(client, ANHALT)
    apply(client, preview(client))
    count = len(outbox())

    send_confirmed(client, f"{PAGE}/benachrichtigen", PAGE)

    [message] = outbox()[count:]
    assert message.to_address == "quirin@example.org"
    assert message.subject == "Ein Platz ist frei geworden: Werkstatt Kinderschutz"
    assert f"({KITA})" in message.text_body and "von der Warteliste nachgerückt" in message.text_body
    assert f"Workshops: {KITA}" in message.text_body and message.attachments  # the calendar file


def test_fallbacks_only_on_request_and_then_earlier_registrations_first(client, demo):
    crowded(client)
    sign_in(client, ANHALT)

    assert "Keine Änderungen: niemand von den Wartelisten kann einen Platz bekommen." in preview(client)
    html = preview(client, fallback=True)

    table = changes_table(html)
    assert table.index("Quirin Test") < table.index("Rosa Test") and "Sven" not in table
    assert table.count("(Ausweichplatz)") == 2
    response = apply(client, html)
    assert "2 neu, 0 verschoben" in response.get_data(as_text=True)
    after = seats()
    assert after["Quirin"][1] == after["Rosa"][1] == ELTERN and "Sven" not in after
    assert (item(KITA).seats_taken, item(ELTERN).seats_taken) == (2, 3)
    assert "mit Ausweichplätzen" in db.session.scalar(select(AuditEntry.summary))


def test_a_stale_preview_is_refused_and_stores_nothing(client, demo):
    crowded(client)
    set_capacity(KITA, 3)
    sign_in(client, ANHALT)
    html = preview(client)
    register(client, "Ute", ELTERN)  # takes a free seat meanwhile
    before = seats()

    response = apply(client, html)

    assert "haben sich seit der Vorschau geändert" in response.get_data(as_text=True)
    assert seats() == before and db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_reoptimising_a_direct_event_is_refused_in_german(client, demo):
    crowded(client)
    before = seats()
    sign_in(client, ANHALT)

    response = post_form(client, f"{PAGE}/vorschau", {"mode": "reoptimize"}, page_url=PAGE, follow_redirects=True)

    assert "wählen die Teilnehmenden ihren Workshop selbst; niemand wird verschoben" in response.get_data(as_text=True)
    assert seats() == before


def test_an_organiser_of_another_network_gets_404(client, other_client, demo):
    crowded(client)
    set_capacity(KITA, 3)
    sign_in(client, ANHALT)
    html = preview(client)
    sign_in(other_client, MAGDEBURG)
    own = other_client.get("/manage/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', own).group(1)

    assert other_client.get(PAGE).status_code == 404
    assert other_client.post(f"{PAGE}/vorschau", data={"csrf_token": token, "mode": "fill"}).status_code == 404
    action, _data = apply_form(html)
    assert other_client.get(action.removesuffix("/anwenden")).status_code == 404
    assert other_client.get(action.replace("/anwenden", "/stand")).status_code == 404
    assert other_client.post(action, data={"csrf_token": token}).status_code == 404
    assert other_client.post(action.replace("/anwenden", "/verwerfen"), data={"csrf_token": token}).status_code == 404
    assert other_client.post(f"{PAGE}/benachrichtigen", data={"csrf_token": token}).status_code == 404
    assert "Quirin" not in seats()


def test_the_events_own_waitlist_gets_no_workshop_seat(client, demo):
    direct_event(capacity=2, kita=1, eltern=5)
    for name in ("Paula", "Peter", "Wanda"):
        register(client, name, ELTERN)
    wanda = db.session.scalar(select(Registration).where(Registration.first_name == "Wanda"))
    assert wanda.status == RegistrationStatus.waitlisted
    sign_in(client, ANHALT)

    html = preview(client, fallback=True)

    assert "1 Anmeldung steht auf der Warteliste der Veranstaltung" in html
    assert "Keine Änderungen" in html and "Wanda" not in changes_table(html)
    apply(client, html)
    assert "Wanda" not in seats() and event_named(SLUG).seats_taken == 2


def test_a_cancellation_moves_the_next_up_at_once_and_the_page_shows_who_still_waits(client, demo):
    crowded(client)
    paula = db.session.scalar(select(Registration).where(Registration.first_name == "Paula"))

    registrations.cancel(paula)

    assert seats()["Quirin"][1] == KITA  # the registration service promotes at once, as before
    sign_in(client, ANHALT)
    assert "1. Rosa Test; 2. Sven Test" in client.get(PAGE).get_data(as_text=True)
    table = changes_table(preview(client, fallback=True))
    assert "Rosa Test" in table and "Sven Test" in table  # the two free Eltern seats, with fallback


# --- flask assign -------------------------------------------------------------------------

def test_flask_assign_fills_a_direct_event_from_its_waitlists_and_notifies(client, cli, demo):
    crowded(client)
    set_capacity(KITA, 4)
    before = seats()
    mails = len(outbox())

    dry = cli.invoke(args=["assign", SLUG, "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "Direkte Wahl: freie Plätze werden aus den Wartelisten gefüllt" in dry.output
    assert "ohne Ausweichplätze" in dry.output
    lines = [line.strip() for line in dry.output.splitlines() if "→" in line]
    assert lines == [f"Quirin Test, Workshops: Warteliste {KITA} → {KITA}",
                     f"Rosa Test, Workshops: Warteliste {KITA} → {KITA}"]
    assert "Probelauf: nichts wurde gespeichert." in dry.output and seats() == before

    result = cli.invoke(args=["assign", SLUG, "--notify"])

    assert result.exit_code == 0, result.output
    assert "Gespeichert: 2 neu, 0 verschoben, 0 entfernt." in result.output
    assert "E-Mails mit der Zuteilung: 2" in result.output
    after = seats()
    assert {name: after[name] for name in before} == before and "Sven" not in after
    assert item(KITA).seats_taken == 4 == item(KITA).capacity
    assert sorted(outbox_to()[mails:]) == ["quirin@example.org", "rosa@example.org"]


def test_flask_assign_orders_a_direct_waitlist_by_when_people_joined_it(client, cli, demo):
    direct_event(kita=2, eltern=3)
    for name, workshop in (("Anton", ELTERN), ("Paula", KITA), ("Peter", KITA), ("Quirin", KITA)):
        register(client, name, workshop)
    anton = db.session.scalar(select(Registration).where(Registration.first_name == "Anton"))
    kita = item(KITA)
    registrations.change_choices(anton, {kita.slot_id: [kita.id]})  # registered first, joins Kita's waitlist last
    set_capacity(KITA, 3)

    result = cli.invoke(args=["assign", SLUG])

    assert result.exit_code == 0, result.output
    after = seats()
    assert after["Quirin"][1] == KITA and "Anton" not in after
    assert (item(KITA).seats_taken, item(ELTERN).seats_taken) == (3, 0)

    result = cli.invoke(args=["assign", SLUG, "--fallback"])

    assert "Gespeichert: 1 neu" in result.output and seats()["Anton"][1] == ELTERN


def test_flask_assign_fallback_is_for_direct_events_only(cli, demo):
    result = cli.invoke(args=["assign", "stark-fuer-familien", "--fallback"])

    assert result.exit_code != 0 and "--fallback gilt nur für Veranstaltungen mit direkter Wahl" in result.output


def test_the_direct_pages_pass_axe(client, page, demo, live_server):
    crowded(client)
    sign_in_browser(page, live_server, ANHALT)
    page.get_by_role("heading", name="Übersicht").wait_for()
    page.goto(live_server.url + PAGE)
    page.get_by_role("heading", name="Wartelisten der Workshops").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("Ausweichplatz", exact=False).check()
    page.get_by_role("button", name="Vorschau berechnen").click()
    page.get_by_role("heading", name="Vorschau der Zuteilung").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Zuteilung übernehmen").click()
    page.get_by_text("Die Zuteilung ist gespeichert: 2 neu").wait_for()
    assert axe_violations(page) == []
