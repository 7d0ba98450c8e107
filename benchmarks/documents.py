"""Benchmark: 1,000 badges on A4 2 × 5 labels and the demo flyer.

Targets on the 2-core reference machine: 1,000 badges ≤ 5 s, flyer ≤ 1 s, with WeasyPrint and
qrcode through their public APIs only (parts of the badge sheets render in parallel processes).
Prints wall seconds, CPU seconds (this process and its render workers), pages per second, peak
memory, and the machine's load: on a shared machine compare CPU seconds, and wall seconds only
from runs at a load below the number of cores.

    python benchmarks/documents.py [--badges 1000]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from confapp import create_app  # noqa: E402
from confapp.extensions import db  # noqa: E402
from confapp.models import Assignment, Registration, RegistrationStatus  # noqa: E402
from confapp.services.documents import printing as documents  # noqa: E402
from confapp.services.events.demo import load_demo  # noqa: E402
from tests.pdf_helpers import page_count  # noqa: E402


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest worker, in MB."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def prepare(count: int):
    """The demo event with ``count`` confirmed attendees, each assigned a workshop."""
    event = load_demo(registrations=count)[0]
    # The demo caps the event at 200 seats; for the benchmark everyone gets a badge.
    db.session.execute(update(Registration).where(Registration.event_id == event.id)
                       .values(status=RegistrationStatus.confirmed))
    items = [item for slot in event.choice_slots for item in slot.choice_items]
    registrations = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    for number, registration in enumerate(registrations):
        item = items[number % len(items)]
        db.session.add(Assignment(registration_id=registration.id, slot_id=item.slot_id, program_item_id=item.id))
    db.session.commit()
    return event


def measure(label: str, make, target: float) -> None:
    wall, cpu = time.perf_counter(), cpu_seconds()
    pdf = make()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    pages = page_count(pdf)
    verdict = "ok" if wall <= target else "OVER TARGET"
    print(f"{label}: {wall:.2f} s wall (target ≤ {target:g} s, {verdict}), {cpu:.2f} s CPU, "
          f"{pages} pages, {pages / wall:.1f} pages/s, {len(pdf) / 1024:.0f} KB, "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                          "BASE_URL": "https://tagung.example.org"})
        with app.app_context():
            upgrade()
            event = prepare(args.badges)
            documents.flyer_pdf(event)  # warm up: fonts and templates load once per process
            measure(f"{args.badges} badges (A4 2 × 5, 80 × 50 mm)",
                    lambda: documents.badges_pdf(event, layout="a4-80x50").pdf, 5)
            measure("flyer A4", lambda: documents.flyer_pdf(event, "a4"), 1)
            measure("flyer DIN lang", lambda: documents.flyer_pdf(event, "dinlang"), 1)
    own, worker = peak_mb()
    print(f"peak memory: {own:.0f} MB main process, {worker:.0f} MB largest render worker")


if __name__ == "__main__":
    main()
