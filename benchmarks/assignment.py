"""Workshop assignment benchmark: seeded random instances with skewed popularity, 3 wishes per slot.

Prints, per size (attendees × workshops per slot × slots): build+solve seconds, the objective, the
gap HiGHS proves, and how much worse first come, first served would be in total cost.
Run: ``python benchmarks/assignment.py`` (add ``--db`` for load, solve and write-back through the
database given by DATABASE_URL, e.g. a scratch PostgreSQL database).
"""
from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from confapp.services.assignment_model import WISH_STEP, Item, Person, Problem, fallback_cost, unplaced_cost  # noqa: E402
from confapp.services.assignment_solver import solve  # noqa: E402

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


def main() -> None:
    print(f"{'size':>18} {'seconds':>8} {'objective':>10} {'gap':>5} {'optimal':>8} {'FCFS worse':>11}")
    for attendees, workshops, slots in SIZES:
        problem = instance(attendees, workshops, slots)
        started = time.perf_counter()
        solution = solve(problem)
        seconds = time.perf_counter() - started
        fcfs = first_come_first_served(problem)
        worse = (fcfs - solution.objective) / max(solution.objective, 1) * 100
        size = f"{attendees:,} × {workshops} × {slots}"
        print(f"{size:>18} {seconds:8.2f} {solution.objective:10d} {solution.gap:5.0g} {str(solution.optimal):>8} "
              f"{worse:10.0f}%", flush=True)


if __name__ == "__main__":
    main()
