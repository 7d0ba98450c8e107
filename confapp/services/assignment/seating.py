"""Seat the members of the fallback pools, without repeats, and check the result's cost.

The solver gives everyone who gets a workshop they did not wish one "pool" variable per slot and
sector, and counts per workshop and sector how many pool seats it takes (``solver``). Which member of
a pool takes which seat changes no cost; it only matters where workshops repeat across slots, since
nobody may get a topic they already have in another slot. So:

1. each pool is seated in the counted seats by a maximum flow (members → seats they may take);
2. if a pool does not fit so, all pool members are seated together by a small integer program over
   the seats the others left free (one variable per pool member, slot and free workshop; topics at
   most once per person; sector overflow as cheap as it can be);
3. the seated result is a valid assignment; its cost (``assignment_cost``) equals the pool program's
   optimum, a lower bound, exactly when it is optimal. Otherwise the solver gives these people
   explicit columns and solves again.

A pool member is never seated in a workshop they wished in that slot, nor in their current seat: in
an optimal solution that cannot happen (the wish, or keeping the seat, would be cheaper and just as
feasible), so leaving those out loses no seating.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from confapp.services.assignment.model import (MOVE, SECTOR_OVER, WISH_STEP, AssignmentMode, Item, Problem,
                                               fallback_cost, unplaced_cost)

Seats = dict[tuple[int, int], int | None]


def seat_pools(problem: Problem, items: dict[int, Item], seats: Seats, pools: dict[tuple[int, str], list[int]],
               pool_seats: dict[tuple[int, str], dict[int, int]]) -> bool:
    """Write the seat of every pool member into ``seats``; False if they could not all be seated."""
    if not pools:
        return True
    trial = dict(seats)
    topics = _topics(problem, items, trial)
    fits = True
    for slot in problem.slots:
        for (pool_slot, sector), members in sorted(pools.items()):
            if pool_slot != slot:
                continue
            placed = _match(problem, items, slot, sorted(members), pool_seats.get((slot, sector), {}), topics)
            fits = fits and len(placed) == len(members)
            for index, item_key in placed.items():
                trial[(problem.people[index].key, slot)] = item_key
                topics[index].add(items[item_key].topic)
    if not fits:
        joint = _seat_jointly(problem, items, seats, pools)
        if joint is None:
            return False
        trial = joint
    seats.update(trial)
    return True


def assignment_cost(problem: Problem, items: dict[int, Item], seats: Seats) -> int:
    """The primary cost of a complete assignment, as the solver counts it: fixed seats cost nothing and
    take their share of a sector cap first, the others pay for the overflow above what is left."""
    fill: Counter[tuple[int, str]] = Counter()
    fixed: Counter[tuple[int, str]] = Counter()
    cost = 0
    reoptimize = problem.mode == AssignmentMode.reoptimize
    for person in problem.people:
        for slot in problem.slots:
            item_key = seats.get((person.key, slot))
            if item_key is not None and person.sector:
                (fixed if slot in person.fixed else fill)[(item_key, person.sector)] += 1
            if slot in person.fixed:
                continue
            wishes = person.wishes.get(slot, ())
            if item_key is None:
                cost += unplaced_cost(problem.ranks)
            elif item_key in wishes:
                cost += WISH_STEP * wishes.index(item_key)
            else:
                cost += fallback_cost(problem.ranks)
            current = person.current.get(slot)
            if reoptimize and current is not None and item_key != current:
                cost += MOVE
    for (item_key, sector), number in fill.items():
        cap = problem.sector_cap(items[item_key])
        if cap is not None:
            cost += SECTOR_OVER * max(0, number - max(cap - fixed[(item_key, sector)], 0))
    return cost


def _topics(problem: Problem, items: dict[int, Item], seats: Seats) -> dict[int, set[str]]:
    """Person index → topics of the seats known so far."""
    topics: dict[int, set[str]] = defaultdict(set)
    index_of = {person.key: index for index, person in enumerate(problem.people)}
    for (key, _slot), item_key in seats.items():
        if item_key is not None:
            topics[index_of[key]].add(items[item_key].topic)
    return topics


def _barred(problem: Problem, index: int, slot: int) -> set[int]:
    person = problem.people[index]
    barred = set(person.wishes.get(slot, ()))
    if slot in person.current:
        barred.add(person.current[slot])
    return barred


def _match(problem: Problem, items: dict[int, Item], slot: int, members: list[int], counts: dict[int, int],
           topics: dict[int, set[str]]) -> dict[int, int]:
    """Members to counted seats, as many as possible (a maximum flow)."""
    targets = [key for key in sorted(counts) if counts[key] > 0]
    column = {key: position for position, key in enumerate(targets)}
    allowed: list[tuple[int, int]] = []  # (member position, target position)
    for position, index in enumerate(members):
        barred = _barred(problem, index, slot)
        allowed += [(position, column[key]) for key in targets
                    if key not in barred and items[key].topic not in topics[index]]
    # Nodes: 0 source, 1..m members, m+1..m+t targets, m+t+1 sink.
    m, t = len(members), len(targets)
    sink = m + t + 1
    rows = [0] * m + [1 + a for a, _ in allowed] + [1 + m + b for b in range(t)]
    cols = [1 + a for a in range(m)] + [1 + m + b for _, b in allowed] + [sink] * t
    capacity = [1] * m + [1] * len(allowed) + [counts[key] for key in targets]
    graph = csr_array((np.asarray(capacity, dtype=np.int32), (rows, cols)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, 0, sink).flow.tocoo()
    placed = {}
    for row, col, value in zip(flow.row, flow.col, flow.data, strict=True):
        if value > 0 and 1 <= row <= m and m < col < sink:
            placed[members[row - 1]] = targets[col - 1 - m]
    return placed


def _seat_jointly(problem: Problem, items: dict[int, Item], seats: Seats,
                  pools: dict[tuple[int, str], list[int]]) -> Seats | None:
    """All pool members at once, in the seats everyone else left free; None if that is impossible."""
    pooled = {(index, slot) for (slot, _sector), members in pools.items() for index in members}
    taken: Counter[int] = Counter()
    mix: Counter[tuple[int, str]] = Counter()
    for person in problem.people:
        for slot in problem.slots:
            item_key = seats.get((person.key, slot))
            if item_key is not None:
                taken[item_key] += 1
                mix[(item_key, person.sector)] += 1
    topics = _topics(problem, items, seats)
    columns: list[tuple[int, int, int]] = []  # (person index, slot, item key)
    for index, slot in sorted(pooled):
        barred = _barred(problem, index, slot)
        columns += [(index, slot, item.key) for item in items.values()
                    if item.slot == slot and item.capacity > taken[item.key] and item.key not in barred
                    and item.topic not in topics[index]]
    rows, cols, values, lower, upper, cost = [], [], [], [], [], [0.0] * len(columns)

    def row_of(keys: dict, key, lo: float, hi: float) -> int:
        if key not in keys:
            keys[key] = len(lower)
            lower.append(lo)
            upper.append(hi)
        return keys[key]

    one, seat_rows, topic_rows, sector_rows = {}, {}, {}, {}
    for col, (index, slot, item_key) in enumerate(columns):
        item, sector = items[item_key], problem.people[index].sector
        entries = [row_of(one, (index, slot), 1, 1),
                   row_of(seat_rows, item_key, -np.inf, item.capacity - taken[item_key]),
                   row_of(topic_rows, (index, item.topic), -np.inf, 1)]
        cap = problem.sector_cap(item)
        if cap is not None and sector:
            fresh = (item_key, sector) not in sector_rows
            entries.append(row_of(sector_rows, (item_key, sector), -np.inf, cap - mix[(item_key, sector)]))
            if fresh:  # the overflow above the cap, at its price
                rows.append(sector_rows[(item_key, sector)])
                cols.append(len(cost))
                values.append(-1.0)
                cost.append(float(SECTOR_OVER))
        rows += entries
        cols += [col] * len(entries)
        values += [1.0] * len(entries)
    if len(one) < len(pooled):
        return None  # someone has no seat they may take
    matrix = csr_array((values, (rows, cols)), shape=(len(lower), len(cost)))
    upper_bounds = np.ones(len(cost))
    upper_bounds[len(columns):] = np.inf
    result = milp(np.asarray(cost), integrality=np.ones(len(cost)), bounds=Bounds(0, upper_bounds),
                  constraints=LinearConstraint(matrix, lower, upper), options={"disp": False, "mip_rel_gap": 0.0})
    if result.status != 0 or result.x is None:
        return None
    joint = dict(seats)
    for col in np.flatnonzero(np.rint(result.x[:len(columns)])):
        index, slot, item_key = columns[col]
        joint[(problem.people[index].key, slot)] = item_key
    return joint
