"""Workshop assignment benchmark: seeded random instances with skewed popularity, 3 wishes per slot.

Prints, per size (attendees × workshops per slot × slots): build+solve seconds, the objective, the
gap HiGHS proves, and how much worse first come, first served would be in total cost.
Run: ``python benchmarks/assignment.py``; ``python benchmarks/assignment.py --db URL`` also times
loading from, solving and writing back to a database (5,000 × 40 × 2). URL names a scratch database:
its schema is dropped and rebuilt, e.g. ``postgresql://postgres@127.0.0.1:5432/bench_assignment``.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from confapp.services.assignment.model import (WISH_STEP, Item, Person, Problem, fallback_cost,  # noqa: E402
                                               unplaced_cost)
from confapp.services.assignment.solver import solve  # noqa: E402

SIZES = ((500, 7, 1), (5_000, 40, 2), (10_000, 100, 3))
SECTORS = ("Jugendamt", "Kita", "Schule", "Gesundheit", "Polizei", "Freier Träger", "Beratung", "Sonstiges")
SECTOR_WEIGHTS = (22, 20, 16, 12, 5, 12, 8, 5)


def instance(attendees: int, workshops: int, slots: int, seed: int = 1) -> Problem:
    """Capacities add up to 110 % of the attendees per slot; a few workshops attract most wishes."""
    rng = random.Random(seed)
    items = []
    for slot in range(1, slots + 1):
        seats = attendees * 11 // 10
        for n in range(workshops):
            key = slot * 1000 + n
            items.append(Item(key=key, slot=slot, title=f"W{key}", topic=f"w{key}",
                              capacity=seats // workshops + (1 if n < seats % workshops else 0)))
    popularity = {item.key: 1 / (1 + rng.random() * 9) ** 2 for item in items}
    people = []
    for key in range(attendees):
        wishes = {}
        for slot in range(1, slots + 1):
            candidates = [item.key for item in items if item.slot == slot]
            weights = [popularity[k] for k in candidates]
            picked: list[int] = []
            while len(picked) < min(3, len(candidates)):
                choice = rng.choices(candidates, weights)[0]
                if choice not in picked:
                    picked.append(choice)
            wishes[slot] = tuple(picked)
        people.append(Person(key=key, sector=rng.choices(SECTORS, SECTOR_WEIGHTS)[0], wishes=wishes))
    return Problem(slots=tuple(range(1, slots + 1)), slot_labels={}, items=tuple(items), people=tuple(people),
                   ranks=3, sector_cap_percent=None)


def first_come_first_served(problem: Problem) -> int:
    """Total rank cost when everyone takes the best wished seat still free, in registration order."""
    free = Counter({item.key: item.capacity for item in problem.items})
    cost = 0
    for person in problem.people:
        for slot in problem.slots:
            for rank, key in enumerate(person.wishes[slot]):
                if free[key] > 0:
                    free[key] -= 1
                    cost += WISH_STEP * rank
                    break
            else:
                open_seats = [key for key, number in free.items() if number > 0 and key // 1000 == slot]
                if open_seats:
                    free[open_seats[0]] -= 1
                    cost += fallback_cost(problem.ranks)
                else:
                    cost += unplaced_cost(problem.ranks)
    return cost


def database_round_trip(url: str, attendees: int = 5_000, workshops: int = 40, slots: int = 2) -> None:
    """Time preview (load + solve) and apply (write back) through the real service on a scratch database."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from confapp import create_app
    from confapp.extensions import db
    from confapp.models import (Event, ItemKind, Network, Preference, ProgramItem, Registration,
                                RegistrationStatus, Slot)
    from confapp.services.assignment import workflow as assignment

    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX_DIR": tempfile.mkdtemp()})
    problem = instance(attendees, workshops, slots)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        start = datetime(2030, 6, 5, 9, 0)
        event = Event(network=Network(slug="bench", name="Benchmark"), slug="bench", title="Benchmark",
                      starts_at=start, ends_at=start + timedelta(hours=8), sector_cap_percent=None)
        keys = {}
        for slot_number in problem.slots:
            slot = Slot(event=event, label=f"Runde {slot_number}", starts_at=start + timedelta(hours=slot_number),
                        ends_at=start + timedelta(hours=slot_number, minutes=50))
            for item in problem.items:
                if item.slot == slot_number:
                    row = ProgramItem(kind=ItemKind.workshop, title=item.title, capacity=item.capacity)
                    slot.items.append(row)
                    keys[item.key] = row
        db.session.add(event)
        db.session.commit()
        slot_ids = {number: keys[next(i.key for i in problem.items if i.slot == number)].slot_id
                    for number in problem.slots}
        db.session.execute(insert(Registration), [
            {"event_id": event.id, "first_name": "P", "last_name": str(p.key), "email": f"p{p.key}@example.org",
             "sector": p.sector, "status": RegistrationStatus.confirmed, "manage_token": f"m{p.key}",
             "badge_token": f"b{p.key}", "created_at": start - timedelta(days=30, seconds=-p.key)}
            for p in problem.people])
        ids = dict(db.session.execute(text("SELECT last_name, id FROM registration")).all())
        db.session.execute(insert(Preference), [
            {"registration_id": ids[str(p.key)], "slot_id": slot_ids[slot], "rank": rank,
             "program_item_id": keys[item].id}
            for p in problem.people for slot, wished in p.wishes.items() for rank, item in enumerate(wished, 1)])
        db.session.commit()
        db.session.expire_all()

        started = time.perf_counter()
        event = db.session.get(Event, event.id)
        result = assignment.preview(event)
        solved = time.perf_counter()
        applied = assignment.apply(event, result)
        done = time.perf_counter()
        dialect = db.engine.dialect.name
    print(f"{dialect} {attendees:,} × {workshops} × {slots}: load+solve {solved - started:.2f} s, "
          f"write back {done - solved:.2f} s, total {done - started:.2f} s ({applied.created} seats, "
          f"solver {result.report.solver.seconds:.2f} s, optimal {result.report.solver.optimal})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", metavar="URL", help="also time load, solve and write-back on this scratch database")
    arguments = parser.parse_args()
    # Wall-clock seconds depend on what else the machine runs; CPU seconds of this process less so.
    print(f"{'size':>18} {'seconds':>8} {'CPU s':>6} {'objective':>10} {'gap':>5} {'optimal':>8} {'FCFS worse':>11}")
    for attendees, workshops, slots in SIZES:
        problem = instance(attendees, workshops, slots)
        started, cpu = time.perf_counter(), time.process_time()
        solution = solve(problem)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        figures = solution.figures
        worse = (first_come_first_served(problem) - figures.objective) / max(figures.objective, 1) * 100
        size = f"{attendees:,} × {workshops} × {slots}"
        print(f"{size:>18} {seconds:8.2f} {cpu:6.2f} {figures.objective:10d} {figures.gap:5.0g} "
              f"{str(figures.optimal):>8} {worse:10.0f}%", flush=True)
    if arguments.db:
        database_round_trip(arguments.db)


if __name__ == "__main__":
    main()
