"""E-mails that keep calendars right: a confirmation after changed wishes, and a cancellation whose
calendar file removes the entry the confirmation made (same UID, METHOD:CANCEL)."""
from icalendar import Calendar

from tests.conftest import outbox_messages, post_form
from tests.registration_support import form_data, item, make_event, manage_link, plain


def _calendar_part(message):
    return next(part for part in message.iter_attachments() if part.get_content_type() == "text/calendar")


def test_changing_wishes_is_confirmed_and_cancelling_removes_the_calendar_entry(client, app, app_context):
    event = make_event(mode="ranked", ranks=2)
    post_form(client, "/e/fachtag/anmelden", form_data(event))
    [confirmation] = outbox_messages(app)
    link = manage_link(confirmation)
    published = _calendar_part(confirmation)
    assert published.get_param("charset") == "utf-8" and published.get_param("method") == "PUBLISH"
    original = Calendar.from_ical(published.get_content())
    uid = str(original.walk("VEVENT")[0]["UID"])

    slot = event.choice_slots[0]
    post_form(client, link + "/aendern", {f"choice_{slot.id}_1": str(item(event, "Häusliche Gewalt").id),
                                          f"choice_{slot.id}_2": str(item(event, "Kinderschutz in der Kita").id)})
    changed = outbox_messages(app)[-1]
    assert changed["Subject"] == "Ihre Wahl ist geändert: Fachtag Kinderschutz"
    assert "1. Wahl Häusliche Gewalt" in plain(changed) and link in plain(changed)
    assert str(Calendar.from_ical(_calendar_part(changed).get_content()).walk("VEVENT")[0]["UID"]) == uid

    post_form(client, link + "/stornieren", {})
    cancelled = outbox_messages(app)[-1]
    assert cancelled["Subject"].startswith("Stornierung bestätigt")
    part = _calendar_part(cancelled)
    assert part.get_param("method") == "CANCEL" and part.get_param("charset") == "utf-8"
    calendar = Calendar.from_ical(part.get_content())
    entry = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL" and str(entry["UID"]) == uid
    assert str(entry["STATUS"]) == "CANCELLED" and int(entry["SEQUENCE"]) > int(original.walk("VEVENT")[0]["SEQUENCE"])
