"""Access requests: the export holds every stored field of the registration."""
from sqlalchemy import inspect, select

from confapp.extensions import db
from confapp.models import Registration
from confapp.services.privacy import legal
from confapp.services.privacy.data_access import personal_data
from confapp.services.mail.outbox import queue_email


def test_the_export_contains_every_stored_field(demo, app_context):
    registration = db.session.scalars(select(Registration).where(Registration.event_id == demo[0].id)).first()
    registration.diet = "vegetarisch"
    legal.record_consent(registration, "privacy")
    queue_email(registration.email, "Bestätigung", "Hallo", registration=registration, event=demo[0])
    db.session.commit()

    data = personal_data(registration)

    # The private link and badge secrets are left out: an export file must not work as a key.
    stored = {column.key for column in inspect(Registration).mapper.column_attrs} - {"event_id", "manage_token",
                                                                                     "badge_token"}
    assert set(data["registration"]) == stored
    assert data["registration"]["email"] == registration.email and data["registration"]["diet"] == "vegetarisch"
    assert len(data["wishes"]) == 3 and data["wishes"][0]["rank"] == 1
    assert data["history"][0]["action"] == "registered"
    assert data["consents"][0]["text_version"] == legal.legal_page(demo[0].network, legal.LegalKind.privacy,
                                                                     demo[0]).version
    assert data["emails"][0]["subject"] == "Bestätigung"
    assert data["controller"]["name"] == "Lokales Netzwerk Kinderschutz Anhalt-Bitterfeld"
