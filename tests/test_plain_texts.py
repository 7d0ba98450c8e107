"""Texts that say what is true: descriptions as typed, counts in proper German, wishes after the
assignment, e-mails that name theme tables and walk-ins without "noch offen", a favicon."""
from tests.conftest import outbox_messages, post_form, sign_in
from tests.html_check import problems
from tests.manage_helpers import ANHALT, BASE, EVENT, event_named, registrations_of
from tests.registration_support import form_data, item, make_event, manage_link, registration_of
from tests.test_checkin_walk_in import URL as WALK_IN_URL
from tests.test_checkin_walk_in import WALK_IN
from confapp.extensions import db
from confapp.models import Assignment, AssignmentSource


def _mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_description_keeps_paragraphs_line_breaks_and_links_and_stays_text(client, demo, app_context):
    event = event_named()
    event.description = ("Ein Tag für alle Fachkräfte.\r\nMit Mittagessen.\r\n\r\n"
                         "Mehr unter https://www.anhalt-bitterfeld.de/kinderschutz. <script>x</script>")
    db.session.commit()
    html = client.get(f"/e/{EVENT}").get_data(as_text=True)
    assert "<p>Ein Tag für alle Fachkräfte.<br>\nMit Mittagessen.</p>" in html
    assert ('<a href="https://www.anhalt-bitterfeld.de/kinderschutz" class="breakable">'
            'https://www.anhalt-bitterfeld.de/kinderschutz</a>.') in html
    assert "&lt;script&gt;" in html and "<script>x" not in html and problems(html) == []


def test_one_registration_found_is_singular(client, demo):
    sign_in(client, ANHALT)
    person = registrations_of()[0]
    html = client.get(f"{BASE}/anmeldungen?q={person.email}").get_data(as_text=True)
    assert "1 Anmeldung gefunden." in html and "1 Anmeldungen" not in html


def test_after_the_assignment_wishes_are_not_offered_and_the_page_says_why(client, app_context):
    event = make_event(mode="ranked")
    post_form(client, "/e/fachtag/anmelden", form_data(event))
    person = registration_of("anna1@example.org")
    link = f"/e/fachtag/anmeldung/{person.manage_token}"
    assert "Wahl ändern" in client.get(link).get_data(as_text=True)
    workshop = item(event, "Kinderschutz in der Kita")
    db.session.add(Assignment(registration_id=person.id, slot_id=workshop.slot_id, program_item_id=workshop.id,
                              source=AssignmentSource.auto))
    db.session.commit()
    page = client.get(link).get_data(as_text=True)
    assert "Wahl ändern" not in page and "Ihre Plätze sind zugeteilt" in page and "netzwerk@example.org" in page
    refused = post_form(client, f"{link}/aendern", {}, page_url=f"{link}/stornieren",
                        follow_redirects=True).get_data(as_text=True)
    assert "die Plätze sind schon zugeteilt" in refused
    assert "Ihre Änderung ist gespeichert" not in refused


def test_the_theme_table_confirmation_names_theme_tables(app, client, demo):
    event = event_named("netzwerkforum-magdeburg")
    chosen, choices = set(), {}
    for slot in event.choice_slots:  # each theme table once over the rounds
        fresh = [table for table in slot.choice_items if table.title not in chosen][:event.ranks]
        chosen |= {table.title for table in fresh}
        choices |= {f"choice_{slot.id}_{rank}": str(table.id) for rank, table in enumerate(fresh, start=1)}
    response = post_form(client, f"/e/{event.slug}/anmelden", form_data(event, 7, choices))
    html = response.get_data(as_text=True)
    assert response.status_code == 302, html[html.find('error-summary'):][:1500]
    text = _mail_text(outbox_messages(app)[-1])
    assert "welchen Workshop" not in text and "Thementisch" in text

    # A change of wishes through the private link is confirmed in the same words.
    first = event.choice_slots[0]
    swapped = dict(choices, **{f"choice_{first.id}_1": choices[f"choice_{first.id}_2"],
                               f"choice_{first.id}_2": choices[f"choice_{first.id}_1"]})
    changed = post_form(client, manage_link(outbox_messages(app)[-1]) + "/aendern", swapped)
    assert changed.status_code == 302, changed.get_data(as_text=True)[:1500]
    text = _mail_text(outbox_messages(app)[-1])
    assert "geändert" in text and "welchen Workshop" not in text and "an welchen Thementischen" in text


def test_a_walk_in_confirmation_does_not_say_noch_offen(app, client, demo):
    sign_in(client, "einlass@anhalt-bitterfeld.example")
    post_form(client, WALK_IN_URL, WALK_IN)
    mail = next(m for m in outbox_messages(app) if m["To"] == "greta.spontan@example.org")
    text = _mail_text(mail)
    assert "noch offen" not in text and "Workshops: kein Workshop gewählt" in text


def test_every_page_has_a_favicon(client, demo):
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert client.get("/static/favicon.svg").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/png"



def test_the_attendees_data_page_reads_in_words_and_local_time(client, app_context):
    from tests.test_plain_words import code_names_in, visible_text
    event = make_event(mode="ranked")
    post_form(client, "/e/fachtag/anmelden", form_data(event))
    person = registration_of("anna1@example.org")
    html = client.get(f"/e/fachtag/anmeldung/{person.manage_token}/daten").get_data(as_text=True)
    text = visible_text(html)
    assert "Vorname" in text and "bestätigt" in text and "Angemeldet" in text
    assert code_names_in(text) == set() and "first_name" not in text and "T0" not in text
    assert problems(html) == []
