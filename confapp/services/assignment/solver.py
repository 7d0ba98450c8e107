"""Solve an assignment problem exactly: an integer program handed to HiGHS (``scipy.optimize.milp``).

Variables, all integer:
- one per wish (person, slot, wished item), costing its rank;
- the person's current seat if it is no wish (re-optimisation may keep it);
- a fallback per person and slot that draws from a pool per slot and sector, and pool counts per item
  and sector: the program grows with people × wishes, never with people × items, also when workshops
  repeat across slots. The pool's members are seated in their items afterwards (``seating``): which
  member takes which seat changes no cost. Without ``Problem.fallback`` (direct mode, unless the
  organiser opts in) there are no fallbacks;
- unplaced, per person and slot, so a solution always exists;
- overflow per item and sector above the sector cap, penalised.

Constraints: exactly one outcome per person and slot; seats per item; sector caps (soft); at most one
of a repeated topic per person among the person's own columns.

Repeated workshops (theme-table rounds): the pool knows no topics, so the program is a relaxation of
the full problem (nobody twice in the same topic), and its optimum a lower bound. Seating the pools
without repeats turns the solution into one of the full problem with the same cost, which proves it
optimal. Where a pool cannot be seated so, the people left over get explicit columns (one per unwished
item, inside their topic rows) and the program is solved again; at worst everyone is explicit, which
is the full problem itself.

Solving: the linear relaxation first (HiGHS dual simplex). Without repeats the matrix is a network
matrix, so that optimum is integral; with repeats it nearly always is. An integral optimum of the
relaxation is an optimum of the integer program, and the tie-break is a second linear program on its
optimal face (or, if that is fractional, an integer program on the face). Only when the relaxation is
fractional does HiGHS branch and bound the whole program (``scipy.optimize.milp``, gap 0), the primary
cost scaled by K, larger than the whole tie-break term.

The tie-break: earlier registrations get the better outcome (in a slot with a ``Problem.queue``, those
earlier in it); it only chooses among solutions with the least primary cost.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from confapp.services.assignment.model import (MOVE, SECTOR_OVER, TIE_LEVELS, WISH_STEP, AssignmentMode,
                                               Item, Problem, fallback_cost, unplaced_cost)
from confapp.services.assignment.highs import Program, solve_integer, solve_relaxation
from confapp.services.assignment.seating import assignment_cost, seat_pools


@dataclass(frozen=True)
class SolverFigures:
    #: Primary cost of the solution (ranks, fallbacks, unplaced, sector overflow, moves).
    objective: int
    #: HiGHS reports the optimum proven (gap 0) rather than stopped by a limit.
    optimal: bool
    #: Relative gap between solution and bound, as HiGHS reports it (0 when proven optimal).
    gap: float
    seconds: float
    variables: int
    constraints: int
    status: str = ""


@dataclass
class Solution:
    #: The item per (person key, slot), None where the person has no seat in that slot.
    seats: dict[tuple[int, int], int | None]
    figures: SolverFigures
    #: (person key, slot) kept as they were.
    fixed: set[tuple[int, int]] = field(default_factory=set)


class _Builder:
    def __init__(self, problem: Problem, explicit: frozenset[int] = frozenset()) -> None:
        self.problem = problem
        #: Person indices with one fallback column per unwished item instead of the pool.
        self.explicit = explicit
        self.program = Program()
        self.items = {item.key: item for item in problem.items}
        self.slot_items: dict[int, list[Item]] = defaultdict(list)
        for item in problem.items:
            self.slot_items[item.slot].append(item)
        #: Workshops held in several slots: pools are seated afterwards, avoiding repeats.
        self.repeats = _repeats(problem)
        self.fixed_count: dict[int, int] = defaultdict(int)
        self.fixed_sector: dict[tuple[int, str], int] = defaultdict(int)
        for person in problem.people:
            for item_key in person.fixed.values():
                self.fixed_count[item_key] += 1
                self.fixed_sector[(item_key, person.sector)] += 1
        self.free_capacity = {key: max(item.capacity - self.fixed_count[key], 0) for key, item in self.items.items()}
        self.capacity_row = {key: self.program.row(-np.inf, self.free_capacity[key]) for key in self.items}
        self.sector_rows: dict[tuple[int, str], int] = {}
        self.pool_rows: dict[tuple[int, str], int] = {}
        people_count = max(len(problem.people), 1)
        self.levels = min(people_count, TIE_LEVELS)
        free_pairs = sum(len(problem.slots) - len(p.fixed) for p in problem.people)
        # K exceeds the largest possible tie-break sum, so the tie-break never outweighs one primary unit.
        self.scale = (problem.ranks + 1) * self.levels * max(free_pairs, 1) + 1
        self.meta: list[tuple[int, int, int, str]] = []  # (person index, slot, item key or -1, kind)

    def sector_row(self, item: Item, sector: str) -> int | None:
        cap = self.problem.sector_cap(item)
        if cap is None or not sector:
            return None
        key = (item.key, sector)
        if key not in self.sector_rows:
            row = self.program.row(-np.inf, max(cap - self.fixed_sector[key], 0))
            self.sector_rows[key] = row
            self.program.column(SECTOR_OVER, 0, [(row, -1.0)], upper=np.inf)
            self.meta.append((-1, item.slot, item.key, "overflow"))
        return self.sector_rows[key]

    def seat_rows(self, item: Item, sector: str) -> list[tuple[int, float]]:
        rows = [(self.capacity_row[item.key], 1.0)]
        sector_row = self.sector_row(item, sector)
        if sector_row is not None:
            rows.append((sector_row, 1.0))
        return rows

    def add(self, index: int, slot: int, item_key: int, kind: str, primary: int, level: int,
            rows: list[tuple[int, float]], priority: int) -> int:
        self.meta.append((index, slot, item_key, kind))
        return self.program.column(primary, level * priority, rows)

    def build(self) -> None:
        problem = self.problem
        ranks, fallback, unplaced = problem.ranks, fallback_cost(problem.ranks), unplaced_cost(problem.ranks)
        keep_bonus = problem.mode == AssignmentMode.reoptimize
        count = max(len(problem.people), 1)
        # Where the free seats of a slot suffice for everyone, the pool seats them all more cheaply than
        # "unplaced" could, so those columns are left out (a fifth of the program, and its time).
        seekers = {slot: sum(slot not in person.fixed for person in problem.people) for slot in problem.slots}
        roomy = {slot for slot in problem.slots if not self.repeats and problem.fallback
                 and sum(self.free_capacity[item.key] for item in self.slot_items[slot]) >= seekers[slot]}
        # Where a slot has a queue (direct mode's waitlists), it comes first and everyone else follows.
        positions: dict[int, dict[int, int]] = {}
        for slot, queue in problem.queue.items():
            order = dict.fromkeys(queue)
            order.update(dict.fromkeys(person.key for person in problem.people))
            positions[slot] = {key: position for position, key in enumerate(order)}
        for index, person in enumerate(problem.people):
            in_order = self.levels - (index * self.levels) // count
            blocked = {self.items[key].topic for key in person.fixed.values()}
            topic_columns: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for slot in problem.slots:
                if slot in person.fixed:
                    continue
                current = person.current.get(slot)

                def moved(item_key: int | None) -> int:
                    return MOVE if keep_bonus and current is not None and item_key != current else 0

                priority = (self.levels - (positions[slot][person.key] * self.levels) // count
                            if slot in positions else in_order)

                choice = self.program.row(1, 1)
                offered: set[int] = set()
                for rank, item_key in enumerate(person.wishes.get(slot, ()), start=1):
                    item = self.items.get(item_key)
                    if item is None or item.slot != slot or item.topic in blocked or item_key in offered:
                        continue
                    offered.add(item_key)
                    col = self.add(index, slot, item_key, "wish", WISH_STEP * (rank - 1) + moved(item_key),
                                   rank - 1, [(choice, 1.0), *self.seat_rows(item, person.sector)], priority)
                    topic_columns[item.topic].append((slot, col))
                pooled = problem.fallback and index not in self.explicit
                if pooled:  # the pool stands for every unwished item; only the current seat needs its own column
                    others = [self.items[current]] if current is not None and current not in offered else []
                else:
                    others = [item for item in self.slot_items[slot] if item.key not in offered and (
                        problem.fallback or item.key == current)]
                others = [item for item in others if item.topic not in blocked]
                for item in others:
                    col = self.add(index, slot, item.key, "fallback", fallback + moved(item.key), ranks,
                                   [(choice, 1.0), *self.seat_rows(item, person.sector)], priority)
                    topic_columns[item.topic].append((slot, col))
                if pooled:
                    pool = self.pool_row(slot, person.sector)
                    self.add(index, slot, -1, "pool", fallback + moved(-1), ranks, [(choice, 1.0), (pool, 1.0)],
                             priority)
                if slot not in roomy:
                    self.add(index, slot, -1, "unplaced", unplaced + moved(None), ranks + 1, [(choice, 1.0)],
                             priority)
            for columns in topic_columns.values():
                if len({slot for slot, _ in columns}) > 1:
                    row = self.program.row(-np.inf, 1)
                    for _, col in columns:
                        self.program.entries_row.append(row)
                        self.program.entries_col.append(col)
                        self.program.entries_val.append(1.0)
        for (slot, sector), pool in list(self.pool_rows.items()):
            for item in self.slot_items[slot]:
                if self.free_capacity[item.key] > 0:
                    rows = [(pool, -1.0), *self.seat_rows(item, sector)]  # may add an overflow column first
                    self.meta.append((-1, slot, item.key, f"pool-seat:{sector}"))
                    self.program.column(0, 0, rows, upper=self.free_capacity[item.key])

    def pool_row(self, slot: int, sector: str) -> int:
        key = (slot, sector)
        if key not in self.pool_rows:
            self.pool_rows[key] = self.program.row(0, 0)
        return self.pool_rows[key]

def _repeats(problem: Problem) -> bool:
    slots_of_topic: dict[str, set[int]] = defaultdict(set)
    for item in problem.items:
        slots_of_topic[item.topic].add(item.slot)
    return any(len(slots) > 1 for slots in slots_of_topic.values())


def _one_slot(problem: Problem, slot: int) -> Problem:
    people = tuple(replace(person, wishes={slot: person.wishes[slot]} if slot in person.wishes else {},
                           current={slot: person.current[slot]} if slot in person.current else {},
                           fixed={slot: person.fixed[slot]} if slot in person.fixed else {})
                   for person in problem.people)
    return replace(problem, slots=(slot,), items=tuple(item for item in problem.items if item.slot == slot),
                   people=people, queue={slot: problem.queue[slot]} if slot in problem.queue else {})


#: Rounds of explicit columns for people a pool could not seat before everyone gets them.
EXPLICIT_ROUNDS = 3


def solve(problem: Problem, time_limit: float | None = None) -> Solution:
    """The assignment with the least cost, proven optimal by HiGHS (unless ``time_limit`` stops it).

    Without repeated workshops nothing links the slots (each cost belongs to one person in one slot),
    so each slot is solved on its own: the sum of the slots' optima is the optimum, and smaller
    programs solve faster.
    """
    if len(problem.slots) > 1 and not _repeats(problem):
        parts = [_solve_whole(_one_slot(problem, slot), time_limit) for slot in problem.slots]
        figures = [part.figures for part in parts]
        return Solution(
            seats={key: item for part in parts for key, item in part.seats.items()},
            figures=SolverFigures(
                objective=sum(f.objective for f in figures), optimal=all(f.optimal for f in figures),
                gap=max(f.gap for f in figures), seconds=sum(f.seconds for f in figures),
                variables=sum(f.variables for f in figures), constraints=sum(f.constraints for f in figures),
                status="; ".join(sorted({f.status for f in figures}))),
            fixed=set().union(*(part.fixed for part in parts)))
    return _solve_whole(problem, time_limit)


def _solve_whole(problem: Problem, time_limit: float | None) -> Solution:
    started = time.perf_counter()
    explicit: frozenset[int] = frozenset()
    for attempt in range(EXPLICIT_ROUNDS + 2):
        solution, unseated = _solve_once(problem, explicit, time_limit)
        if solution is not None:
            break
        # Explicit columns for those a pool could not seat; in the last round for everyone.
        explicit = explicit | unseated if attempt < EXPLICIT_ROUNDS else frozenset(range(len(problem.people)))
    else:  # pragma: no cover - with everyone explicit there is no pool left to seat
        raise RuntimeError("pools could not be seated")
    solution.figures = replace(solution.figures, seconds=time.perf_counter() - started)
    return solution


def _solve_once(problem: Problem, explicit: frozenset[int],
                time_limit: float | None) -> tuple[Solution | None, frozenset[int]]:
    """One program with these people explicit: the solution, or None and the pool members to make
    explicit where the pools could not be seated at the program's cost."""
    builder = _Builder(problem, explicit)
    builder.build()
    program = builder.program
    seats: dict[tuple[int, int], int | None] = {}
    fixed = set()
    for person in problem.people:
        for slot, item_key in person.fixed.items():
            seats[(person.key, slot)] = item_key
            fixed.add((person.key, slot))
    columns = len(program.primary)
    if columns == 0:
        return Solution(seats, SolverFigures(0, True, 0.0, 0.0, 0, 0, "nothing to assign"), fixed), frozenset()
    primary = np.asarray(program.primary, dtype=np.int64)
    relaxed = solve_relaxation(program, primary, time_limit)
    if relaxed is not None:
        (values, status), optimal, gap = relaxed, True, 0.0
    else:
        values, optimal, gap, status = solve_integer(program, primary, builder.scale, time_limit)
    pools: dict[tuple[int, str], list[int]] = defaultdict(list)
    pool_seats: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for col in np.flatnonzero(values):
        index, slot, item_key, kind = builder.meta[col]
        if kind in ("wish", "fallback"):
            seats[(problem.people[index].key, slot)] = item_key
        elif kind == "unplaced":
            seats[(problem.people[index].key, slot)] = None
        elif kind == "pool":
            pools[(slot, problem.people[index].sector)].append(index)
        elif kind.startswith("pool-seat:"):
            pool_seats[(slot, kind.partition(":")[2])][item_key] = int(values[col])
    objective = int(primary @ values)
    # Seated, the pools' result is a valid assignment; it costs the program's optimum (a lower bound)
    # exactly when nothing was lost in seating them, and then it is optimal.
    if pools and not (seat_pools(problem, builder.items, seats, pools, pool_seats)
                      and assignment_cost(problem, builder.items, seats) == objective):
        return None, frozenset(index for members in pools.values() for index in members)
    figures = SolverFigures(objective=objective, optimal=optimal, gap=gap, seconds=0.0,
                            variables=columns, constraints=len(program.row_lower), status=status)
    return Solution(seats=seats, figures=figures, fixed=fixed), frozenset()
