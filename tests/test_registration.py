"""Attendee registration through the real HTTP path (CSRF on): form, rules, e-mails, waitlists."""
import re
from datetime import timedelta
from html import unescape

import pytest
from icalendar import Calendar
from sqlalchemy import delete, event as sqlalchemy_event, func, select

from confapp.extensions import db
from confapp.models import (ConsentRecord, OutboxMessage, OutboxStatus, ProgramItem, Registration, RegistrationStatus,
                            utcnow)
from confapp.services.mail.outbox import deliver_pending
from tests.conftest import outbox_messages, post_form
from tests.test_mail import smtp_app, start_smtp  # noqa: F401 (smtp_app is a fixture)
from tests.registration_support import form_data, item, make_event, manage_link, plain, registration_of


def register(client, event, number=1, follow_redirects=False, **overrides):
    return post_form(client, f"/e/{event.slug}/anmelden", form_data(event, number, **overrides),
                     follow_redirects=follow_redirects)


def errors_of(response) -> list[str]:
    """The error summary's entries, as a screen reader reads them."""
    summary = re.search(r'<div class="error-summary".*?</div>', response.get_data(as_text=True), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", entry)).strip()
            for entry in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)] if summary else []


def field_error(response, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Fehler:", "").strip() if match else ""


def count_registrations() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


# --- the form ----------------------------------------------------------------------------

def test_the_event_page_leads_to_a_form_with_german_labels_and_autocomplete(client, app_context):
    event = make_event(mode="ranked", ranks=3)
    assert f'href="/e/{event.slug}/anmelden">Jetzt anmelden' in client.get(f"/e/{event.slug}").get_data(as_text=True)

    html = client.get(f"/e/{event.slug}/anmelden").get_data(as_text=True)

    for label, autocomplete in (("Vorname", "given-name"), ("Nachname", "family-name"),
                                ("E-Mail-Adresse", "email"), ("Einrichtung / Träger", "organization")):
        field = re.search(rf'<label for="(\w+)">{re.escape(label)}</label>', html)
        assert field, label
        assert re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*id="{field.group(1)}"|'
                         rf'<input[^>]*id="{field.group(1)}"[^>]*autocomplete="{autocomplete}"', html), label
    for text in ("Arbeitsfeld", "Jugendamt/ASD", "Verpflegung", "Barrierefreiheit / Unterstützungsbedarf",
                 "Datenschutzhinweise", "Fotos der Veranstaltung", "1. Wahl", "2. Wahl", "3. Wahl",
                 "Nach Anmeldeschluss teilen wir die Plätze"):
        assert text in html, text
    assert f'href="/e/{event.slug}/datenschutz"' in html
    slot = event.choice_slots[0]
    assert re.search(rf"<fieldset class=\"choice-slot\">\s*<legend>{slot.label} ", html)


def test_a_registration_is_confirmed_and_mailed_with_summary_manage_link_and_calendar(client, app, app_context):
    event = make_event(mode="ranked", ranks=2)
    response = register(client, event, follow_redirects=True)

    assert "Bitte sehen Sie in Ihr Postfach" in response.get_data(as_text=True)
    assert "anna1@example.org" in response.get_data(as_text=True)
    [message] = outbox_messages(app)
    assert message["Subject"] == "Anmeldung bestätigt: Fachtag Kinderschutz"
    text = plain(message)
    assert "Ihr Platz ist bestätigt" in text and "1. Wahl Kinderschutz in der Kita" in text
    assert "nach Anmeldeschluss" in text
    assert manage_link(message) in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    entry = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == "Fachtag Kinderschutz"
    assert entry.decoded("DTSTART").replace(tzinfo=None) == event.starts_at
    registration = registration_of("anna1@example.org")
    assert registration.status == RegistrationStatus.confirmed
    assert [(p.rank, p.program_item.title) for p in registration.preferences] == [
        (1, "Kinderschutz in der Kita"), (2, "Gespräche mit Eltern")]
    assert [h.action for h in registration.history] == ["registered"]
    assert {c.kind for c in db.session.scalars(select(ConsentRecord))} == {"privacy"}


def test_missing_input_is_named_in_a_summary_and_next_to_each_field_and_typed_values_stay(client, app_context):
    event = make_event(mode="ranked")
    response = post_form(client, "/e/fachtag/anmelden", {"first_name": "Anna", "email": "kein-at-zeichen"})

    assert response.status_code == 422
    errors = errors_of(response)
    assert "Nachname: Bitte geben Sie Ihren Nachnamen an." in errors
    assert "E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de." in errors
    assert "Datenschutz: Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben." in errors
    assert f"Workshops 1 – 1. Wahl: Bitte wählen Sie Ihre 1. Wahl." in errors
    assert 'href="#last_name"' in response.get_data(as_text=True)
    assert field_error(response, "last_name") == "Bitte geben Sie Ihren Nachnamen an."
    assert 'value="Anna"' in response.get_data(as_text=True) and 'value="kein-at-zeichen"' in response.get_data(as_text=True)
    assert count_registrations() == 0


def test_ranked_wishes_must_differ_within_a_slot_and_across_repeated_rounds(client, app_context):
    event = make_event(mode="ranked", ranks=2, rounds=2)
    first, second = event.choice_slots
    kita = item(event, "Kinderschutz in der Kita")
    response = register(client, event, choices={f"choice_{first.id}_1": str(kita.id), f"choice_{first.id}_2": str(kita.id),
                                                f"choice_{second.id}_1": str(item(event, "Kinderschutz in der Kita", 2).id),
                                                f"choice_{second.id}_2": ""})
    assert response.status_code == 422
    assert field_error(response, f"choice_{first.id}_2") == "Bitte wählen Sie für jede Wahl einen anderen Workshop."
    assert field_error(response, f"choice_{second.id}_1") == (
        "„Kinderschutz in der Kita“ haben Sie schon in „Workshops 1“ gewählt. Bitte wählen Sie hier etwas anderes.")

    # Three workshops, two rounds of two wishes: the second round needs only the one left.
    ok = register(client, event, choices={
        f"choice_{first.id}_1": str(kita.id), f"choice_{first.id}_2": str(item(event, "Gespräche mit Eltern").id),
        f"choice_{second.id}_1": str(item(event, "Häusliche Gewalt", 2).id), f"choice_{second.id}_2": ""})
    assert ok.status_code == 302


def test_a_choice_that_is_not_in_the_list_is_refused(client, app_context):
    event = make_event(mode="direct")
    other = make_event(slug="anderer-fachtag", mode="direct")
    slot = event.choice_slots[0]
    for value in (str(item(other, "Häusliche Gewalt").id), "abc", "9" * 30):
        response = register(client, event, choices={f"choice_{slot.id}_1": value})
        assert response.status_code == 422
        assert field_error(response, f"choice_{slot.id}_1") == "Bitte wählen Sie einen Eintrag aus der Liste."


def test_direct_mode_shows_free_seats_and_puts_the_attendee_on_a_full_workshops_waitlist(client, app, app_context):
    event = make_event(mode="direct", workshop_capacity=1)
    slot = event.choice_slots[0]
    talk = str(item(event, "Gespräche mit Eltern").id)
    html = client.get("/e/fachtag/anmelden").get_data(as_text=True)
    assert "noch 1 Platz frei" in html and 'type="radio"' in html

    register(client, event, 1, choices={f"choice_{slot.id}_1": talk})
    html = client.get("/e/fachtag/anmelden").get_data(as_text=True)
    assert re.search(r"Gespräche mit Eltern\s*<span class=\"seats seats-full\">\s*ausgebucht – Sie kommen auf die Warteliste", html)
    register(client, event, 2, choices={f"choice_{slot.id}_1": talk})

    second = registration_of("anna2@example.org")
    assert second.status == RegistrationStatus.confirmed and second.assignments == []
    assert "Warteliste für Gespräche mit Eltern" in plain(outbox_messages(app)[-1])
    manage = client.get(manage_link(outbox_messages(app)[-1])).get_data(as_text=True)
    assert "Warteliste für" in manage


def test_a_new_registrations_rows_carry_every_default_the_models_give(client, app_context):
    """Each row a new registration writes has every default its model gives."""
    event = make_event(mode="direct")
    slot = event.choice_slots[0]
    register(client, event, 1, choices={f"choice_{slot.id}_1": str(item(event, "Gespräche mit Eltern").id)})

    registration = registration_of("anna1@example.org")
    [seat] = registration.assignments
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
    rows = [registration, seat, message, *registration.preferences, *registration.history,
            *db.session.scalars(select(ConsentRecord).where(ConsentRecord.registration_id == registration.id))]
    assert {type(row).__name__ for row in rows} >= {"Registration", "Assignment", "OutboxMessage", "Preference",
                                                   "RegistrationHistory", "ConsentRecord"}
    for row in rows:
        for column in type(row).__table__.columns:
            default = column.default
            if default is None or column.primary_key:
                continue
            stored = getattr(row, column.key)
            if default.is_scalar:
                assert stored is not None, (type(row).__name__, column.key)
            else:
                assert stored not in (None, ""), (type(row).__name__, column.key)
    assert len(registration.badge_token) >= 32 and registration.badge_token != registration.manage_token
    assert message.last_error == "" and message.attempts <= 1  # sent at once on the embedded default
    assert not seat.locked and seat.source.value == "direct"
    assert [entry.action for entry in registration.history] == ["registered"]


def test_a_full_event_waitlists_and_a_cancellation_promotes_the_next_who_is_told_by_email(client, app, app_context):
    event = make_event(mode="ranked", capacity=1)
    register(client, event, 1)
    register(client, event, 2)
    register(client, event, 3)
    first_mail, second_mail, third_mail = outbox_messages(app)
    assert second_mail["Subject"] == "Warteliste: Fachtag Kinderschutz"
    assert "Sie stehen auf der Warteliste (Platz 1)" in plain(second_mail)
    assert "Platz 2" in plain(third_mail)
    assert "Alle Plätze sind vergeben" in client.get("/e/fachtag/anmelden").get_data(as_text=True)

    first_link = manage_link(first_mail)
    page = client.get(first_link + "/stornieren")
    assert "wirklich stornieren" in page.get_data(as_text=True)
    assert registration_of("anna1@example.org").status == RegistrationStatus.confirmed  # asking changes nothing
    done = post_form(client, first_link + "/stornieren", {}, follow_redirects=True)

    assert "Diese Anmeldung ist storniert." in done.get_data(as_text=True)
    mails = {m["To"]: m for m in outbox_messages(app)[3:]}
    assert mails["anna1@example.org"]["Subject"] == "Stornierung bestätigt: Fachtag Kinderschutz"
    assert mails["anna2@example.org"]["Subject"] == "Ein Platz ist frei geworden: Fachtag Kinderschutz"
    assert "anna3@example.org" not in mails
    assert list(mails["anna2@example.org"].iter_attachments())  # the calendar file comes with the seat
    db.session.expire_all()
    assert registration_of("anna2@example.org").status == RegistrationStatus.confirmed
    assert registration_of("anna3@example.org").status == RegistrationStatus.waitlisted
    assert [h.action for h in registration_of("anna1@example.org").history] == ["registered", "cancelled"]
    assert "an Stelle 1" in client.get(manage_link(third_mail)).get_data(as_text=True)


def test_the_same_address_twice_creates_nothing_says_the_same_and_resends_the_link(client, app, app_context):
    event = make_event()
    first = register(client, event, 1, follow_redirects=True)
    again = register(client, event, 1, email="ANNA1@example.org ", first_name="Eve", follow_redirects=True)

    assert again.get_data(as_text=True).replace("ANNA1@example.org", "anna1@example.org") == first.get_data(as_text=True)
    assert count_registrations() == 1 and registration_of("anna1@example.org").first_name == "Anna"
    confirmation, resent = outbox_messages(app)
    assert resent["To"] == "anna1@example.org"
    assert "bereits" in plain(resent) and manage_link(resent) == manage_link(confirmation)
    # The reminder shows what is registered, workshops included: the person has likely forgotten.
    label = event.choice_slots[0].label
    chosen = next(line for line in plain(confirmation).splitlines() if line.startswith(f"{label}: "))
    assert chosen == f"{label}: Kinderschutz in der Kita"  # the seat, not "Warteliste für …"
    assert chosen in plain(resent).splitlines()


def test_a_freed_workshop_seat_goes_to_who_waited_for_it_longest_not_to_who_moves_up(client, app, app_context):
    event = make_event(capacity=2, workshop_capacity=1, rounds=2)
    first, second = event.choice_slots
    kita, eltern = first.choice_items[0], second.choice_items[1]
    choices = {f"choice_{first.id}_1": str(kita.id), f"choice_{second.id}_1": str(eltern.id)}
    for number in (1, 2, 3):  # 1 seated; 2 in the event, waiting for both workshops; 3 on the event's waitlist
        assert register(client, event, number, choices=choices).status_code == 302

    post_form(client, manage_link(outbox_messages(app)[0]) + "/stornieren", {})

    db.session.expire_all()
    waited, moved_up = registration_of("anna2@example.org"), registration_of("anna3@example.org")
    assert {a.program_item_id for a in waited.assignments} == {kita.id, eltern.id}
    assert moved_up.status == RegistrationStatus.confirmed and moved_up.assignments == []
    assert [h.note for h in moved_up.history if h.action == "workshop_waitlisted"] == [kita.title, eltern.title]
    mails = {m["To"]: plain(m) for m in outbox_messages(app)[3:]}
    assert f"ist ein Platz frei geworden ({kita.title}, {eltern.title})" in mails["anna2@example.org"]
    assert f"Sie stehen auf der Warteliste und bekommen eine E-Mail, sobald ein Platz frei wird: {kita.title}, " \
           f"{eltern.title}" in mails["anna3@example.org"]


def test_someone_who_cancelled_can_register_again(client, app, app_context):
    event = make_event()
    register(client, event, 1)
    link = manage_link(outbox_messages(app)[0])
    post_form(client, link + "/stornieren", {})
    register(client, event, 1)
    db.session.expire_all()
    registration = registration_of("anna1@example.org")
    assert registration.status == RegistrationStatus.confirmed and count_registrations() == 1
    assert [h.action for h in registration.history] == ["registered", "cancelled", "registered"]


# --- consents and needs ---------------------------------------------------------------------

def test_diet_and_access_needs_are_stored_only_with_explicit_consent(client, app_context):
    event = make_event()
    refused = register(client, event, 1, diet="vegan", access_needs="Rollstuhl")
    assert refused.status_code == 422
    assert "Bitte willigen Sie ein" in field_error(refused, "needs_consent")
    assert count_registrations() == 0

    register(client, event, 1, diet="vegan", access_needs="Rollstuhl", needs_consent="y", photo_consent="y")
    registration = registration_of("anna1@example.org")
    assert (registration.diet, registration.access_needs, registration.photo_consent) == ("vegan", "Rollstuhl", True)
    assert registration.needs_consent_at is not None
    kinds = sorted(c.kind for c in db.session.scalars(select(ConsentRecord)))
    assert kinds == ["needs", "photo", "privacy"]


def test_every_field_has_a_length_limit(client, app_context):
    event = make_event()
    response = register(client, event, first_name="A" * 101, organisation="B" * 201, access_needs="C" * 501,
                        needs_consent="y")
    assert response.status_code == 422
    assert field_error(response, "first_name") == "Bitte höchstens 100 Zeichen eingeben."
    assert field_error(response, "organisation") == "Bitte höchstens 200 Zeichen eingeben."
    assert field_error(response, "access_needs") == "Bitte höchstens 500 Zeichen eingeben."
    assert 'maxlength="100"' in response.get_data(as_text=True)


# --- hostile input and abuse -------------------------------------------------------------

def test_markup_and_formulas_in_names_stay_plain_text_in_pages_and_emails(client, app, app_context):
    event = make_event()
    name = "<img src=x onerror=alert(1)>"  # no link: names with links are refused (test_privacy_details)
    register(client, event, 1, first_name=name, last_name="=HYPERLINK(\"evil\")",
             organisation="<script>alert(1)</script>")
    [message] = outbox_messages(app)
    html_mail = message.get_body(("html",)).get_content()
    assert "<img src=x" not in html_mail and "&lt;img src=x onerror=alert(1)&gt;" in html_mail
    assert name in plain(message)
    page = client.get(manage_link(message)).get_data(as_text=True)
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "=HYPERLINK(" in unescape(page)
    assert registration_of("anna1@example.org").last_name == "=HYPERLINK(\"evil\")"


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, app, app_context):
    event = make_event()
    response = register(client, event, website="http://spam.example", follow_redirects=True)
    assert "Bitte sehen Sie in Ihr Postfach" in response.get_data(as_text=True)
    assert count_registrations() == 0 and outbox_messages(app) == []


def test_a_post_without_csrf_token_is_refused_clearly(client, app_context):
    event = make_event()
    response = client.post("/e/fachtag/anmelden", data=form_data(event))
    assert response.status_code == 400 and "Formular ist abgelaufen" in response.get_data(as_text=True)
    assert count_registrations() == 0


@pytest.fixture
def limited_client(app):
    """A client of the same app with rate limits on (the suite turns them off)."""
    from confapp.extensions import limiter

    saved = (limiter.enabled, limiter.initialized)
    limited = type(app)(app.import_name)
    limited.config.update(app.config, RATELIMIT_ENABLED=True)
    limiter.init_app(limited)
    limiter.reset()
    yield app.test_client()
    limiter.reset()
    limiter.enabled, limiter.initialized = saved


# --- closed, draft, unknown --------------------------------------------------------------

@pytest.mark.parametrize("kind", ["not_yet_open", "closed", "closed_status"])
def test_closed_registration_says_so_clearly(client, app_context, kind):
    options = {"not_yet_open": {"opens_in_days": 3}, "closed": {"closes_in_days": -1},
               "closed_status": {"status": "closed"}}[kind]
    event = make_event(**options)
    page = client.get("/e/fachtag/anmelden")
    text = page.get_data(as_text=True)
    event_page = client.get("/e/fachtag").get_data(as_text=True)
    if kind == "not_yet_open":  # says when it opens, not that it is closed
        assert page.status_code == 200 and "Die Anmeldung hat noch nicht begonnen" in text and "beginnt am" in text
        assert "geschlossen" not in text and "Die Anmeldung beginnt am" in event_page
    else:
        assert page.status_code == 200 and "Die Anmeldung ist geschlossen" in text
    assert "Jetzt anmelden" not in event_page
    response = client.post("/e/fachtag/anmelden", data=form_data(event))
    assert response.status_code in (200, 400) and count_registrations() == 0


@pytest.mark.parametrize("path", ["/e/entwurf/anmelden", "/e/gibt-es-nicht/anmelden", "/e/gibt-es-nicht/anmelden/danke"])
def test_draft_and_unknown_events_answer_a_clear_404(client, app_context, path):
    make_event(slug="entwurf", status="draft")
    response = client.get(path)
    assert response.status_code == 404 and "Seite nicht gefunden" in response.get_data(as_text=True)


# --- the manage page ---------------------------------------------------------------------

def test_the_manage_link_shows_the_registration_changes_wishes_and_offers_the_calendar(client, app, app_context):
    event = make_event(mode="ranked", ranks=2)
    register(client, event, 1)
    link = manage_link(outbox_messages(app)[0])

    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Ihr Platz ist bestätigt." in html and "1. Wahl: Kinderschutz in der Kita" in html
    slot = event.choice_slots[0]
    form = client.get(link + "/aendern").get_data(as_text=True)
    assert re.search(rf'<option value="{item(event, "Kinderschutz in der Kita").id}" selected>', form)

    same = post_form(client, link + "/aendern", {f"choice_{slot.id}_1": str(item(event, "Häusliche Gewalt").id),
                                                 f"choice_{slot.id}_2": str(item(event, "Häusliche Gewalt").id)})
    assert same.status_code == 422 and "einen anderen Workshop" in same.get_data(as_text=True)
    changed = post_form(client, link + "/aendern", {f"choice_{slot.id}_1": str(item(event, "Häusliche Gewalt").id),
                                                    f"choice_{slot.id}_2": str(item(event, "Kinderschutz in der Kita").id)},
                        follow_redirects=True)
    assert "Ihre Änderung ist gespeichert." in changed.get_data(as_text=True)
    assert "1. Wahl: Häusliche Gewalt" in changed.get_data(as_text=True)
    assert registration_of("anna1@example.org").history[-1].action == "choices_changed"

    ics = client.get(link + "/kalender.ics")
    assert ics.mimetype == "text/calendar"
    assert str(Calendar.from_ical(ics.data).walk("VEVENT")[0]["SUMMARY"]) == "Fachtag Kinderschutz"


def test_changing_the_workshop_in_direct_mode_frees_the_seat_for_the_next_in_line(client, app, app_context):
    event = make_event(mode="direct", workshop_capacity=1)
    slot = event.choice_slots[0]
    parents, violence = (str(item(event, t).id) for t in ("Gespräche mit Eltern", "Häusliche Gewalt"))
    register(client, event, 1, choices={f"choice_{slot.id}_1": parents})
    register(client, event, 2, choices={f"choice_{slot.id}_1": parents})

    post_form(client, manage_link(outbox_messages(app)[0]) + "/aendern", {f"choice_{slot.id}_1": violence})

    db.session.expire_all()
    assert [a.program_item.title for a in registration_of("anna1@example.org").assignments] == ["Häusliche Gewalt"]
    assert [a.program_item.title for a in registration_of("anna2@example.org").assignments] == ["Gespräche mit Eltern"]
    promoted = outbox_messages(app)[-1]
    assert promoted["To"] == "anna2@example.org" and "Gespräche mit Eltern" in plain(promoted)


def test_wishes_cannot_change_once_registration_has_closed(client, app, app_context):
    event = make_event()
    register(client, event, 1)
    link = manage_link(outbox_messages(app)[0])
    event.registration_closes_at = event.local_now().replace(microsecond=0)
    db.session.commit()
    assert "Wahl ändern" not in client.get(link).get_data(as_text=True)
    response = post_form(client, link + "/aendern", {}, page_url=link + "/stornieren", follow_redirects=True)
    assert "lässt sich nicht mehr ändern" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["falsch", "x" * 200])
def test_an_unknown_or_expired_manage_link_gets_a_clear_page(client, app, app_context, token):
    event = make_event()
    register(client, event, 1)
    real = manage_link(outbox_messages(app)[0])
    for path in (f"/e/{event.slug}/anmeldung/{token}", real.replace("/fachtag/", "/anderer/"),
                 f"/e/{event.slug}/anmeldung/{token}/stornieren"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Dieser Link ist ungültig oder abgelaufen" in response.get_data(as_text=True)


def test_too_many_posts_from_one_address_are_refused_with_a_clear_page(limited_client, app_context):
    event = make_event()
    statuses = [register(limited_client, event, number).status_code for number in range(1, 22)]
    assert statuses == [302] * 20 + [429]
    refused = register(limited_client, event, 99)
    assert "Bitte warten Sie einen Moment" in refused.get_data(as_text=True)
    assert count_registrations() == 20
    assert limited_client.get("/e/fachtag/anmelden").status_code == 200  # reading the form is not limited


def test_the_confirmation_waits_in_the_outbox_while_the_smtp_server_is_down(smtp_app, client, app_context):
    app, port = smtp_app
    event = make_event()
    assert register(client, event).status_code == 302  # the attendee is not kept waiting by a dead server

    assert deliver_pending().retrying == 1
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.queued
    controller, inbox = start_smtp(port)
    try:
        assert deliver_pending(now=utcnow() + timedelta(minutes=1)).sent == 1
    finally:
        controller.stop()
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["anna1@example.org"]
    content = envelope.content.decode()
    assert "text/calendar" in content and "/e/fachtag/anmeldung/" in content


def test_a_workshop_deleted_while_someone_registers_for_it_asks_for_another_choice(client, app_context):
    """The organiser deletes a workshop just after the attendee's request read the program (the
    attendee's organisation is then looked up in the partner directory): the form comes back with the program as it is now and a clear word, not a server error."""
    event = make_event(mode="direct")
    slot = event.choice_slots[0]
    doomed = item(event, "Häusliche Gewalt")
    doomed_id, engine, seen, done = doomed.id, db.engine, [], []

    def delete_meanwhile(_connection, _cursor, statement, *_):
        # The directory is read by the form page (its suggestions), then by the POST after the
        # program and before anything is written.
        if "FROM partner" in statement:
            seen.append(statement)
        if not done and len(seen) == 2:
            done.append(True)
            with engine.begin() as other:
                other.execute(delete(ProgramItem.__table__).where(ProgramItem.__table__.c.id == doomed_id))

    sqlalchemy_event.listen(engine, "after_cursor_execute", delete_meanwhile)
    try:
        response = register(client, event, choices={f"choice_{slot.id}_1": str(doomed_id)})
    finally:
        sqlalchemy_event.remove(engine, "after_cursor_execute", delete_meanwhile)
    assert done and response.status_code == 422
    assert field_error(response, f"choice_{slot.id}_1") == "Bitte wählen Sie einen Eintrag aus der Liste."
    assert "Häusliche Gewalt" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
