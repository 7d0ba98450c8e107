"""Helpers for the registration tests: small events to register for, form data, reading e-mails."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from confapp.extensions import db
from confapp.models import Event, Network, ProgramItem, Registration
from confapp.services.events.file_io import import_event

WORKSHOPS = ("Kinderschutz in der Kita", "Gespräche mit Eltern", "Häusliche Gewalt")


def make_event(slug: str = "fachtag", mode: str = "direct", capacity: int | None = 50,
               workshop_capacity: int = 20, ranks: int = 2, status: str = "published",
               rounds: int = 1, opens_in_days: int = -7, closes_in_days: int = 14) -> Event:
    """A published event four weeks ahead with ``rounds`` workshop slots of the same three workshops."""
    network = db.session.scalar(select(Network).where(Network.slug == "testnetz"))
    if network is None:
        db.session.add(Network(slug="testnetz", name="Netzwerk Kinderschutz Testkreis",
                               contact_email="netzwerk@example.org"))
        db.session.commit()
    day = (datetime.now() + timedelta(days=28)).replace(hour=9, minute=0, second=0, microsecond=0)
    moment = lambda delta_hours: (day + timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    now = datetime.now()
    slots = [{"label": "Vortrag", "starts_at": moment(0), "ends_at": moment(1),
              "items": [{"kind": "talk", "title": "Eröffnung"}]}]
    for number in range(rounds):
        slots.append({"label": f"Workshops {number + 1}", "starts_at": moment(2 + 2 * number),
                      "ends_at": moment(3 + 2 * number),
                      "items": [{"kind": "workshop", "title": title, "capacity": workshop_capacity}
                                for title in WORKSHOPS]})
    data = {"network": "testnetz", "slug": slug, "title": "Fachtag Kinderschutz", "status": status,
            "capacity": capacity, "starts_at": moment(0), "ends_at": moment(8),
            "venue": {"name": "Kreishaus", "address": "Markt 1, 06366 Köthen"},
            "contact_email": "netzwerk@example.org",
            "registration": {"opens_at": (now + timedelta(days=opens_in_days)).strftime("%Y-%m-%dT%H:%M"),
                             "closes_at": (now + timedelta(days=closes_in_days)).strftime("%Y-%m-%dT%H:%M"),
                             "choice_mode": mode, "ranks": ranks},
            "slots": slots}
    event, _ = import_event(json.dumps(data))
    db.session.commit()
    return event


def item(event: Event, title: str, round_number: int = 1) -> ProgramItem:
    slot = event.choice_slots[round_number - 1]
    return next(i for i in slot.choice_items if i.title == title)


def form_data(event: Event, number: int = 1, choices: dict | None = None, **overrides) -> dict:
    """What a browser posts for attendee ``number``: required fields filled, first workshops chosen."""
    data = {"first_name": "Anna", "last_name": f"Muster{number}", "email": f"anna{number}@example.org",
            "organisation": "Kita Sonnenschein", "sector": "Kita", "privacy_consent": "y"}
    for slot in event.choice_slots:
        items = slot.choice_items
        ranks = 1 if event.choice_mode.value == "direct" else min(event.ranks, len(items))
        for rank in range(1, ranks + 1):
            data[f"choice_{slot.id}_{rank}"] = str(items[rank - 1].id)
    data.update(choices or {})
    data.update(overrides)
    return data


def registration_of(email: str) -> Registration:
    db.session.commit()  # ends the test's read transaction: SQLite WAL would keep showing an old snapshot
    return db.session.scalar(select(Registration).where(Registration.email == email))


MANAGE_LINK = re.compile(r"http://confapp\.test(/e/[a-z0-9-]+/anmeldung/[A-Za-z0-9_-]+)")


def manage_link(message) -> str:
    """The path of the manage link in an e-mail (plain-text part)."""
    return MANAGE_LINK.search(message.get_body(("plain",)).get_content()).group(1)


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


class PooledServer:
    """The app over real HTTP with a fixed pool of request threads, like gunicorn's threaded workers.

    Hundreds of clients may connect at once: they wait in the listen queue, as they would in
    production, instead of each getting a thread (and the database pool running dry).
    """

    def __init__(self, app, threads: int = 8):
        from concurrent.futures import ThreadPoolExecutor

        from werkzeug.serving import BaseWSGIServer

        pool = ThreadPoolExecutor(threads)

        class Server(BaseWSGIServer):
            request_queue_size = 1024

            def process_request(self, request, client_address):
                pool.submit(self._handle, request, client_address)

            def _handle(self, request, client_address):
                try:
                    self.finish_request(request, client_address)
                except Exception:  # noqa: BLE001 - as socketserver does: log, keep serving
                    self.handle_error(request, client_address)
                finally:
                    self.shutdown_request(request)

        self.pool = pool
        self.server = Server("127.0.0.1", 0, app)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.pool.shutdown(wait=True)
        self.server.server_close()
