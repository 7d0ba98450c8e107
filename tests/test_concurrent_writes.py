"""Forms sent while others write: on SQLite a transaction that read and then writes fails at once
if anybody committed since its first read, so a request that changes things takes the write lock
with its first statement and waits its turn instead."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import event as sqlalchemy_event, update

from tests.conftest import csrf_token, sign_in
from tests.manage_helpers import ANHALT, BASE, workshops
from tests.test_event_editor import _item_form
from confapp.extensions import db
from confapp.models import LegalBasis, Partner, PartnerContact, Registration


def test_an_organisers_save_waits_for_a_registration_committed_meanwhile_instead_of_failing(client, demo, app_context):
    sign_in(client, ANHALT)
    workshop = workshops()[0]
    url = f"{BASE}/programm/punkt/{workshop.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    someone = db.session.scalar(db.select(Registration.id).limit(1))
    form = {**_item_form(workshop, title="Kinderschutz in der Kita (neu)"), "csrf_token": token}
    engine, done = db.engine, []

    def written_elsewhere():  # as a registration, a check-in or the mail worker would
        with engine.begin() as other:
            other.execute(update(Registration).where(Registration.id == someone).values(organisation="Woanders e. V."))

    def meanwhile(_connection, _cursor, statement, *_):
        if not done and statement.lstrip().startswith("SELECT"):  # the request's first read
            done.append(threading.Thread(target=written_elsewhere))
            done[0].start()
            done[0].join(timeout=1)  # it waits while the request holds the write lock

    sqlalchemy_event.listen(engine, "after_cursor_execute", meanwhile)
    try:
        response = client.post(url, data=form)
    finally:
        sqlalchemy_event.remove(engine, "after_cursor_execute", meanwhile)
        if done:
            done[0].join()
    assert done and response.status_code == 302
    db.session.expire_all()
    assert workshops()[0].title == "Kinderschutz in der Kita (neu)"
    assert db.session.get(Registration, someone).organisation == "Woanders e. V."


def test_the_nightly_contact_purge_waits_for_a_write_committed_meanwhile(app, demo, app_context):
    """``flask purge-contacts`` runs from cron beside the app: a registration committed while it
    reads must not make it fail."""
    partner = db.session.scalar(db.select(Partner).limit(1))
    db.session.add(PartnerContact(partner=partner, name="Frau Ehemalig", legal_basis=LegalBasis.public_task,
                                  keep_until=date.today() - timedelta(days=1)))
    db.session.commit()
    someone = db.session.scalar(db.select(Registration.id).limit(1))
    engine, done = db.engine, []

    def written_elsewhere():
        with engine.begin() as other:
            other.execute(update(Registration).where(Registration.id == someone).values(organisation="Woanders e. V."))

    def meanwhile(_connection, _cursor, statement, *_):
        if not done and "FROM partner_contact" in statement:
            done.append(threading.Thread(target=written_elsewhere))
            done[0].start()
            done[0].join(timeout=1)

    sqlalchemy_event.listen(engine, "after_cursor_execute", meanwhile)
    try:
        result = app.test_cli_runner().invoke(args=["purge-contacts"])
    finally:
        sqlalchemy_event.remove(engine, "after_cursor_execute", meanwhile)
        if done:
            done[0].join()
    assert done and result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(db.select(PartnerContact).where(PartnerContact.name == "Frau Ehemalig")) is None
