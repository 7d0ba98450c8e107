"""After a full day of actions, no back-office page shows "UTC" or a code name (an enum value).

The day: people register through the public form, change their wishes and cancel through their
private link, the organiser corrects a name, moves someone, publishes and assigns workshops, the
door checks people in and undoes one. Then every back-office and door page is read as a person
reads it (the text, not the markup).
"""
import re

from tests.conftest import post_form, sign_in
from tests.html_check import problems
from tests.manage_helpers import ANHALT, BASE, EVENT, event_named, registrations_of
from tests.registration_support import form_data
from tests.test_accessibility_sweep import _pages
from tests.test_assignment_backoffice import apply, preview
from confapp import labels
from confapp.models import (AssignmentSource, ChoiceMode, EventStatus, ItemKind, RegistrationStatus, Role)

CODE_NAMES = ({m.value for e in (AssignmentSource, ChoiceMode, EventStatus, ItemKind, RegistrationStatus, Role)
               for m in e} | set(labels._HISTORY_ACTIONS) | set(labels._AUDIT_ACTIONS) | set(labels._FIELDS)
              | {"attendee", "system"})
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", TAGS.sub(" ", html))


def code_names_in(text: str) -> set[str]:
    """Code names standing alone (not inside an e-mail address, a URL or a longer word)."""
    return {name for name in CODE_NAMES if re.search(rf"(?<![\w@./-]){re.escape(name)}(?![\w@/-])", text)}


def _a_day_of_actions(client, door) -> None:
    event = event_named()
    for number in range(1, 4):
        response = post_form(client, f"/e/{EVENT}/anmelden", form_data(event, number))
        assert response.status_code == 302, response.get_data(as_text=True)
    people = {r.email: r for r in registrations_of()}
    changer, leaver = people["anna1@example.org"], people["anna2@example.org"]
    slot = event.choice_slots[0]
    wishes = {f"choice_{slot.id}_{rank}": str(item.id)
              for rank, item in enumerate(reversed(slot.choice_items[:event.ranks]), start=1)}
    post_form(client, f"/e/{EVENT}/anmeldung/{changer.manage_token}/aendern", wishes)
    post_form(client, f"/e/{EVENT}/anmeldung/{leaver.manage_token}/stornieren", {})

    sign_in(door, ANHALT)
    detail = f"{BASE}/anmeldungen/{changer.id}"
    post_form(door, f"{detail}/bearbeiten", {"first_name": "Anne", "last_name": changer.last_name,
                                            "organisation": changer.organisation, "sector": changer.sector})
    post_form(door, f"{BASE}/status/closed", {}, page_url=f"{BASE}/")
    apply(door, preview(door))
    checked = [r for r in registrations_of() if r.status == RegistrationStatus.confirmed][:2]
    for person in checked:
        post_form(door, f"/checkin/{EVENT}/person/{person.id}/einchecken", {}, page_url=f"/c/{person.badge_token}")
    post_form(door, f"/checkin/{EVENT}/person/{checked[1].id}/rueckgaengig", {},
              page_url=f"/checkin/{EVENT}/person/{checked[1].id}")
    actions = {entry.action for r in registrations_of() for entry in r.history}
    assert {"registered", "choices_changed", "cancelled", "edited", "assigned", "checked_in",
            "checkin_undone"} <= actions
    assert event_named().status == EventStatus.closed


def test_no_back_office_page_shows_utc_or_a_code_name_after_a_day(app, client, other_client, demo):
    _a_day_of_actions(client, other_client)
    person = registrations_of()[0]
    urls = _pages(app, ("/manage", "/checkin")) + [f"{BASE}/anmeldungen/{r.id}" for r in registrations_of()[:6]] \
        + [f"/c/{person.badge_token}", "/manage/n/anhalt-bitterfeld/protokoll"]
    found = {}
    for url in sorted(set(urls)):
        response = other_client.get(url)
        assert response.status_code < 400, url
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        text = visible_text(html)
        shown = code_names_in(text) | ({"UTC"} if "UTC" in text else set())
        if shown:
            found[url] = sorted(shown)
        assert problems(html) == [], url
    assert found == {}


def test_the_check_finds_code_names():
    assert code_names_in("Status von „draft“ auf „published“ · choices_changed · 9:00 UTC") == {
        "draft", "published", "choices_changed"}
    assert code_names_in("organisation@anhalt-bitterfeld.example · /manage/e/x/workshop") == set()


def test_the_history_reads_as_sentences(client, demo, app_context):
    sign_in(client, ANHALT)
    person = registrations_of()[0]
    html = client.get(f"{BASE}/anmeldungen/{person.id}").get_data(as_text=True)
    assert "Angemeldet (" in html and "Demo-Daten" in html
    assert "Zeiten in deutscher Zeit." in html


def test_entries_written_before_they_had_words_read_in_words(app_context):
    from types import SimpleNamespace
    old_undo = SimpleNamespace(action="checkin_undone", from_status=None, to_status=None,
                               note="checked in 2024-06-05 07:12 UTC by einlass@example.org")
    assert labels.history_text(old_undo) == ("Check-in zurückgenommen: war eingecheckt am 05.06.2024, 09:12 "
                                            "von einlass@example.org")
    old_status = SimpleNamespace(action="event.status", summary="Status von „draft“ auf „published“ gesetzt.")
    assert labels.audit_summary(old_status) == "Status von „Entwurf“ auf „Veröffentlicht“ gesetzt."
    unknown = SimpleNamespace(action="something_new", from_status="confirmed", to_status="cancelled", note="")
    assert labels.history_text(unknown) == "Geändert (bestätigt → storniert)"
