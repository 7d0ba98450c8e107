"""Check-ins per second through HTTP: several door devices scanning badges at once.

Serves the app (werkzeug, threaded) on a free local port over a fresh database, loads the demo with
``--people`` registrations, signs in ``--devices`` door clients and lets them scan every badge
through the scanner's JSON endpoint, first each device its own share, then all devices the same
badges (the double-scan case: still exactly one check-in per person).

    python benchmarks/checkin.py [--people 300] [--devices 4]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python benchmarks/checkin.py
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import func, select, text, update
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from confapp import create_app  # noqa: E402
from confapp.extensions import db  # noqa: E402
from confapp.models import Event, Registration, RegistrationHistory, RegistrationStatus  # noqa: E402
from confapp.services.events.demo import DEMO_PASSWORD, load_demo  # noqa: E402

EVENT = "stark-fuer-familien"
DOOR = "einlass@anhalt-bitterfeld.example"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build_app(people: int):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "TESTING": True, "RATELIMIT_ENABLED": False, "WTF_CSRF_SSL_STRICT": False})
    with app.app_context():
        from flask_migrate import upgrade
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        event = load_demo(registrations=people)[0]
        event.capacity = None
        db.session.commit()
    return app, url


def badges(app) -> list[str]:
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == EVENT))
        return list(db.session.scalars(select(Registration.badge_token).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.confirmed)))


def reset(app) -> None:
    with app.app_context():
        db.session.execute(update(Registration).values(checked_in_at=None, checked_in_by=None))
        db.session.execute(RegistrationHistory.__table__.delete().where(RegistrationHistory.action == "checked_in"))
        db.session.commit()


def checked_in(app) -> tuple[int, int]:
    with app.app_context():
        people = db.session.scalar(select(func.count()).where(Registration.checked_in_at.is_not(None)))
        rows = db.session.scalar(select(func.count()).where(RegistrationHistory.action == "checked_in"))
        return people, rows


def device(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/manage/anmelden").text
    session.post(f"{base}/manage/anmelden?next=/checkin/{EVENT}/scanner",
                 data={"csrf_token": CSRF.search(page).group(1), "email": DOOR, "password": DEMO_PASSWORD})
    scanner = session.get(f"{base}/checkin/{EVENT}/scanner").text
    return session, CSRF.search(scanner).group(1)


def run(base: str, devices: list, share: list[list[str]]) -> tuple[float, list[float], dict]:
    outcomes: dict[str, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()

    def scan_all(number: int) -> None:
        session, token = devices[number]
        for badge in share[number]:
            started = time.perf_counter()
            answer = session.post(f"{base}/checkin/{EVENT}/scanner", headers={"Accept": "application/json"},
                                  data={"csrf_token": token, "code": f"{base}/c/{badge}"}).json()
            with lock:
                latencies.append(time.perf_counter() - started)
                outcomes[answer["outcome"]] = outcomes.get(answer["outcome"], 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(len(devices)) as pool:
        list(pool.map(scan_all, range(len(devices))))
    return time.perf_counter() - started, latencies, outcomes


def report(label: str, seconds: float, latencies: list[float], outcomes: dict, people: int) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label}: {len(latencies)} scans in {seconds:.2f} s = {len(latencies) / seconds:.0f} scans/s, "
          f"{people / seconds:.0f} check-ins/s; latency median {statistics.median(ordered) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms; outcomes {outcomes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--devices", type=int, default=4)
    args = parser.parse_args()

    app, url = build_app(args.people)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    tokens = badges(app)
    devices = [device(base) for _ in range(args.devices)]
    print(f"database {url.split(':')[0]}, {len(tokens)} confirmed people, {args.devices} devices, werkzeug threaded")

    seconds, latencies, outcomes = run(base, devices, [tokens[n::args.devices] for n in range(args.devices)])
    report("each badge once", seconds, latencies, outcomes, len(tokens))
    assert checked_in(app) == (len(tokens), len(tokens))

    reset(app)
    seconds, latencies, outcomes = run(base, devices, [tokens] * args.devices)
    report("every badge on every device", seconds, latencies, outcomes, len(tokens))
    people, rows = checked_in(app)
    print(f"  -> {people} people checked in, {rows} check-in history rows (expected {len(tokens)} each)")
    server.shutdown()


if __name__ == "__main__":
    main()
