"""The retention date follows the event's dates unless an organiser set it, and is edited in the back office."""
import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import AuditEntry
from confapp.services.events.file_io import export_event, import_event
from confapp.services.privacy.retention import add_months, due_events
from tests.conftest import post_form, sign_in
from tests.manage_helpers import ANHALT, BASE, event_named
from tests.test_event_editor import _form_of


def _shifted(data: dict, days: int) -> dict:
    """An event file with every date moved by ``days``."""
    def move(value):
        return (datetime.fromisoformat(value) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M") if value else value
    data = json.loads(json.dumps(data))
    data["starts_at"], data["ends_at"] = move(data["starts_at"]), move(data["ends_at"])
    data["registration"]["opens_at"] = move(data["registration"]["opens_at"])
    data["registration"]["closes_at"] = move(data["registration"]["closes_at"])
    for slot in data["slots"]:
        slot["starts_at"], slot["ends_at"] = move(slot["starts_at"]), move(slot["ends_at"])
    return data


def test_the_retention_date_follows_a_later_end_set_in_the_editor(client, demo, app_context):
    event = event_named()
    assert event.retention_until == add_months(event.ends_at.date(), 3)  # the network's rule
    sign_in(client, ANHALT)
    later_end = event.ends_at + timedelta(days=365)

    saved = post_form(client, f"{BASE}/bearbeiten", _form_of(event, ends_at=f"{later_end:%Y-%m-%dT%H:%M}"))

    assert saved.status_code == 302
    assert event_named().retention_until == add_months(later_end.date(), 3)


def test_postponed_by_re_import_the_event_is_not_purged_and_its_date_moves(demo, app_context):
    event = event_named()
    data = export_event(event)
    assert "retention_until" not in data  # it follows the rule: nothing to carry along
    import_event(json.dumps(_shifted(data, 365)))
    event = event_named()
    assert event.retention_until == add_months(event.ends_at.date(), 3)
    assert event not in due_events(today=add_months(date.today(), 5))  # the old date would have purged it

    moved_earlier = _shifted(export_event(event), -365 - 60)
    import_event(json.dumps(moved_earlier))
    assert event_named().retention_until == add_months(event_named().ends_at.date(), 3)  # not kept longer


def test_an_organisers_date_stays_when_the_dates_change_and_the_rule_can_be_restored(client, demo, app_context):
    event = event_named()
    sign_in(client, ANHALT)
    page = client.get(f"{BASE}/datenschutz").get_data(as_text=True)
    rule_day = add_months(event.ends_at.date(), 3)
    assert "Regel des Netzwerks: 3 Monate nach dem Ende" in page and f"{rule_day:%d.%m.%Y}" in page

    too_early = post_form(client, f"{BASE}/datenschutz/loeschdatum",
                          {"retention_until": f"{event.ends_at.date() - timedelta(days=1)}", "save": "1"},
                          page_url=f"{BASE}/datenschutz")
    assert too_early.status_code == 422 and "nicht vor dem Ende" in too_early.get_data(as_text=True)
    nonsense = post_form(client, f"{BASE}/datenschutz/loeschdatum", {"retention_until": "99999-1-1", "save": "1"},
                         page_url=f"{BASE}/datenschutz")
    assert nonsense.status_code == 422 and "gültiges Datum" in nonsense.get_data(as_text=True)
    assert event_named().retention_until == rule_day

    chosen = event.ends_at.date() + timedelta(days=365)
    post_form(client, f"{BASE}/datenschutz/loeschdatum", {"retention_until": f"{chosen}", "save": "1"},
              page_url=f"{BASE}/datenschutz")
    assert event_named().retention_until == chosen and event_named().retention_explicit
    later_end = event_named().ends_at + timedelta(days=30)
    post_form(client, f"{BASE}/bearbeiten", _form_of(event_named(), ends_at=f"{later_end:%Y-%m-%dT%H:%M}"))
    assert event_named().retention_until == chosen  # set by hand: it stays
    assert json.loads(json.dumps(export_event(event_named())))["retention_until"] == chosen.isoformat()
    assert f"{chosen:%d.%m.%Y}" in client.get(f"{BASE}/datenschutz").get_data(as_text=True)

    post_form(client, f"{BASE}/datenschutz/loeschdatum", {"retention_until": "", "follow_rule": "1"},
              page_url=f"{BASE}/datenschutz")
    assert event_named().retention_until == add_months(later_end.date(), 3)
    assert not event_named().retention_explicit
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "event.retention")))
    assert len(actions) == 2
