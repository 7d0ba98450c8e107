"""The solver's compact program against a straightforward one written here, on small instances of every shape.

The straightforward model has one binary per person, slot and workshop (what the solver avoids), so it
needs no pools and no seating afterwards; solved lexicographically (least cost, then the tie-break) it
is the oracle. Shapes: different workshops per slot, the same workshops in 2 and 3 rounds, with and
without sector caps, with locked and current seats, re-optimising and filling, and without fallbacks.
"""
import random
from collections import defaultdict

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from confapp.services.assignment.model import SECTOR_OVER, AssignmentMode, Item, Person, Problem
from confapp.services.assignment.solver import solve
from tests.test_assignment_solver import evaluate, level, person_cost


def oracle(problem: Problem) -> tuple[int, int]:
    """(least primary cost, least tie-break among those) of the straightforward model."""
    items = defaultdict(list)
    for item in problem.items:
        items[item.slot].append(item)
    primary, tie, columns, bounds, lower, upper = [], [], [], [], [], []

    def row(lo: float, hi: float) -> int:
        lower.append(lo)
        upper.append(hi)
        return len(lower) - 1

    def column(cost: int, level_cost: int, entries: list[tuple[int, float]], bound: float = 1) -> None:
        primary.append(cost)
        tie.append(level_cost)
        columns.append(entries)
        bounds.append(bound)

    seat = {item.key: row(-np.inf, item.capacity) for item in problem.items}
    sector_rows: dict[tuple[int, str], int] = {}
    count = len(problem.people)
    for index, person in enumerate(problem.people):
        topics: dict[str, int] = {}
        for slot in problem.slots:
            one = row(1, 1)
            options = [item for item in items[slot] if slot not in person.fixed or item.key == person.fixed[slot]]
            for item in options:
                wished = item.key in person.wishes.get(slot, ())
                if not problem.fallback and not wished and item.key != person.current.get(slot) \
                        and slot not in person.fixed:
                    continue
                entries = [(one, 1.0), (seat[item.key], 1.0)]
                if item.topic not in topics:
                    topics[item.topic] = row(-np.inf, 1)
                entries.append((topics[item.topic], 1.0))
                cap = problem.sector_cap(item)
                if cap is not None and person.sector:
                    key = (item.key, person.sector)
                    if key not in sector_rows:
                        sector_rows[key] = row(-np.inf, cap)
                        column(SECTOR_OVER, 0, [(sector_rows[key], -1.0)], bound=np.inf)  # overflow above the cap
                    entries.append((sector_rows[key], 1.0))
                free = slot in person.fixed
                column(0 if free else person_cost(problem, person, slot, item.key),
                       0 if free else level(problem, person, slot, item.key) * (count - index), entries)
            if slot not in person.fixed:
                column(person_cost(problem, person, slot, None), level(problem, person, slot, None) * (count - index),
                       [(one, 1.0)])
    matrix = csr_array(([v for entries in columns for _, v in entries],
                        ([r for entries in columns for r, _ in entries],
                         [c for c, entries in enumerate(columns) for _ in entries])), shape=(len(lower), len(columns)))
    bounds = Bounds(0, bounds)
    options = {"mip_rel_gap": 0.0}
    first = milp(primary, integrality=np.ones(len(columns)), bounds=bounds,
                 constraints=LinearConstraint(matrix, lower, upper), options=options)
    best = round(first.fun)
    second = milp(tie, integrality=np.ones(len(columns)), bounds=bounds,
                  constraints=[LinearConstraint(matrix, lower, upper),
                               LinearConstraint(np.asarray([primary], dtype=float), -np.inf, best)],
                  options=options)
    return best, round(second.fun)


def instance(rng: random.Random, shape: str) -> Problem:
    slots = {"plain": 2, "rounds2": 2, "rounds3": 3}[shape.split("+")[0]]
    per_slot = rng.randint(3, 5)
    items = []
    for slot in range(1, slots + 1):
        for n in range(per_slot):
            topic = f"t{n}" if shape.startswith("rounds") else f"t{slot}-{n}"
            items.append(Item(key=slot * 10 + n, slot=slot, title=topic, topic=topic, capacity=rng.randint(1, 5)))
    people = []
    for key in range(1, rng.randint(8, 14) + 1):
        wishes, fixed, current = {}, {}, {}
        for slot in range(1, slots + 1):
            keys = [item.key for item in items if item.slot == slot]
            if rng.random() > 0.1:
                wishes[slot] = tuple(rng.sample(keys, 2))
            if "seats" in shape and rng.random() < 0.25:
                current[slot] = rng.choice(keys)
                if rng.random() < 0.4:
                    fixed[slot] = current[slot]
        if fixed:  # a locked topic only once
            taken = [next(i.topic for i in items if i.key == k) for k in fixed.values()]
            if len(taken) != len(set(taken)):
                fixed = {}
        people.append(Person(key=key, sector=rng.choice("AB "), wishes=wishes, current=current, fixed=fixed))
    return Problem(slots=tuple(range(1, slots + 1)), slot_labels={}, items=tuple(items), people=tuple(people),
                   ranks=2, sector_cap_percent=50 if "cap" in shape else None,
                   mode=AssignmentMode.fill if "fill" in shape else AssignmentMode.reoptimize,
                   fallback="nofallback" not in shape)


SHAPES = ("plain", "plain+cap", "plain+seats", "rounds2", "rounds2+cap", "rounds2+seats+cap", "rounds3",
          "rounds3+cap", "rounds3+seats", "rounds3+seats+fill", "rounds2+nofallback", "rounds3+cap+seats+nofallback")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", SHAPES)
def test_the_compact_program_finds_the_straightforward_models_optimum(shape, seed):
    case = instance(random.Random(f"{shape}-{seed}"), shape)
    fill = defaultdict(int)
    for person in case.people:
        for item in person.fixed.values():
            fill[item] += 1
    if any(fill[item.key] > item.capacity for item in case.items):
        pytest.skip("locks overfill a workshop")

    solution = solve(case)

    assert solution.figures.optimal and solution.figures.gap == 0
    assert evaluate(case, solution.seats) == oracle(case)
    assert solution.figures.objective == oracle(case)[0]


def test_pools_that_cannot_be_seated_without_repeats_still_give_the_optimum():
    # One free workshop in each of three rounds, the same topic: pool counts alone would seat the
    # same person there three times. Everyone wished the full workshops only.
    items = [Item(key=slot * 10 + n, slot=slot, title=f"T{n}", topic=f"t{n}", capacity=cap)
             for slot in (1, 2, 3) for n, cap in enumerate((1, 1, 3))]
    people = [Person(key=key, sector="A", wishes={slot: (slot * 10, slot * 10 + 1) for slot in (1, 2, 3)})
              for key in range(1, 4)]
    case = Problem(slots=(1, 2, 3), slot_labels={}, items=tuple(items), people=tuple(people), ranks=2,
                   sector_cap_percent=None)

    solution = solve(case)

    assert evaluate(case, solution.seats) == oracle(case)
    for person in people:
        topics = [solution.seats[(person.key, slot)] % 10 for slot in (1, 2, 3)
                  if solution.seats[(person.key, slot)] is not None]
        assert len(topics) == len(set(topics))
