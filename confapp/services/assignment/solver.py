"""Solve an assignment problem exactly: an integer program handed to HiGHS (``scipy.optimize.milp``).

Variables, all integer:
- one per wish (person, slot, wished item), costing its rank;
- the person's current seat if it is no wish (re-optimisation may keep it);
- a fallback: when no workshop repeats across slots, one variable per person and slot that draws from
  a pool per slot and sector, and pool counts per item and sector (the pool's members are seated in
  their items afterwards; which member gets which seat changes no cost, and an optimum never puts a
  pool member into a workshop they wished, since the wish is cheaper). When workshops repeat (theme
  table rounds), one variable per person and unwished item instead, so repeats can be forbidden;
  Without ``Problem.fallback`` (direct mode, unless the organiser opts in) there are no fallbacks;
- unplaced, per person and slot, so a solution always exists;
- overflow per item and sector above the sector cap, penalised.

Constraints: exactly one outcome per person and slot; seats per item; sector caps (soft); at most one
of a repeated topic per person. Without repeats the matrix is a network matrix, so the relaxation is
already integral and HiGHS proves optimality at the root.

The objective is lexicographic in one integer program: the primary cost (ranks, fallbacks, unplaced,
sector overflow, moves) is scaled by K, larger than the whole tie-break term, so the tie-break (earlier
registrations get the better outcome; in a slot with a ``Problem.queue``, those earlier in it) only
chooses among solutions with the least primary cost.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from confapp.services.assignment.model import (MOVE, SECTOR_OVER, TIE_LEVELS, WISH_STEP, AssignmentMode,
                                               Item, Problem, fallback_cost, unplaced_cost)


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


class _Program:
    """Columns and rows of the integer program, built incrementally."""

    def __init__(self) -> None:
        self.primary: list[int] = []
        self.tie: list[int] = []
        self.upper: list[float] = []
        self.entries_row: list[int] = []
        self.entries_col: list[int] = []
        self.entries_val: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def row(self, lower: float, upper: float) -> int:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        return len(self.row_lower) - 1

    def column(self, primary: int, tie: int, rows: list[tuple[int, float]], upper: float = 1) -> int:
        col = len(self.primary)
        self.primary.append(primary)
        self.tie.append(tie)
        self.upper.append(upper)
        for row, value in rows:
            self.entries_row.append(row)
            self.entries_col.append(col)
            self.entries_val.append(value)
        return col


class _Builder:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.program = _Program()
        self.items = {item.key: item for item in problem.items}
        self.slot_items: dict[int, list[Item]] = defaultdict(list)
        for item in problem.items:
            self.slot_items[item.slot].append(item)
        #: Workshops held in several slots: fallbacks must be explicit so repeats can be forbidden.
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
                if self.repeats and problem.fallback:
                    others = [item for item in self.slot_items[slot]
                              if item.key not in offered and item.topic not in blocked]
                else:  # the pool stands for every unwished item; only the current seat needs its own column
                    others = [self.items[current]] if current is not None and current not in offered else []
                for item in others:
                    col = self.add(index, slot, item.key, "fallback", fallback + moved(item.key), ranks,
                                   [(choice, 1.0), *self.seat_rows(item, person.sector)], priority)
                    topic_columns[item.topic].append((slot, col))
                if not self.repeats and problem.fallback:
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


def _integral(values: np.ndarray) -> bool:
    return bool(np.all(np.abs(values - np.rint(values)) < 1e-6))


def _solve_network(program: _Program, primary: np.ndarray) -> tuple[np.ndarray, bool, str] | None:
    """Without repeats the program is a network flow: two linear programs give an integral optimum.

    First the least primary cost. Then, on the optimal face only (complementary slackness with the
    first program's duals: columns with a positive reduced cost stay at zero, rows with a non-zero
    dual stay tight), the least tie-break. Integer costs and a totally unimodular matrix give integer
    duals and integral vertices, so thresholds of 0.5 are exact. None if anything looks otherwise.
    """
    lower, upper = np.asarray(program.row_lower), np.asarray(program.row_upper)
    matrix = csr_array((program.entries_val, (program.entries_row, program.entries_col)),
                       shape=(len(lower), len(primary)))
    equal = lower == upper
    eq_rows, ub_rows = np.flatnonzero(equal), np.flatnonzero(~equal)
    column_upper = np.asarray(program.upper, dtype=np.float64)

    def run(cost: np.ndarray, bounds: np.ndarray, tight: np.ndarray):
        rows_eq = np.concatenate([eq_rows, ub_rows[tight]])
        rows_ub = ub_rows[~tight]
        return linprog(cost, A_ub=matrix[rows_ub] if len(rows_ub) else None,
                       b_ub=upper[rows_ub] if len(rows_ub) else None,
                       A_eq=matrix[rows_eq], b_eq=upper[rows_eq], bounds=bounds, method="highs-ds")

    bounds = np.column_stack([np.zeros(len(primary)), column_upper])
    first = run(primary.astype(np.float64), bounds, np.zeros(len(ub_rows), dtype=bool))
    if first.status != 0 or not _integral(first.x):
        return None
    best = int(primary @ np.rint(first.x).astype(np.int64))
    face = bounds.copy()
    face[first.lower.marginals > 0.5, 1] = 0.0  # a positive reduced cost: at zero in every optimum
    at_upper = first.upper.marginals < -0.5  # a negative one: at its upper bound in every optimum
    face[at_upper, 0] = column_upper[at_upper]
    tight = np.abs(first.ineqlin.marginals) > 0.5
    second = run(np.asarray(program.tie, dtype=np.float64), face, tight)
    if second.status == 0 and _integral(second.x):
        values = np.rint(second.x).astype(np.int64)
        if int(primary @ values) == best:
            return values, True, str(second.message)
    return np.rint(first.x).astype(np.int64), True, str(first.message)


def _solve_integer(program: _Program, primary: np.ndarray, scale: int,
                   time_limit: float | None) -> tuple[np.ndarray, bool, float, str]:
    """The general case (workshops repeat): one integer program, primary cost scaled above the tie-break."""
    cost = primary.astype(np.float64) * scale + np.asarray(program.tie, dtype=np.float64)
    matrix = csr_array((program.entries_val, (program.entries_row, program.entries_col)),
                       shape=(len(program.row_lower), len(primary)))
    options = {"presolve": True, "mip_rel_gap": 0.0, "disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    result = milp(cost, integrality=np.ones(len(primary)), bounds=Bounds(0, np.asarray(program.upper)),
                  constraints=LinearConstraint(matrix, program.row_lower, program.row_upper), options=options)
    if result.x is None:
        raise RuntimeError(f"HiGHS found no assignment: {result.message}")
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return np.rint(result.x).astype(np.int64), result.status == 0, gap, str(result.message)


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
    builder = _Builder(problem)
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
        return Solution(seats, SolverFigures(0, True, 0.0, time.perf_counter() - started, 0, 0, "nothing to assign"),
                        fixed)
    primary = np.asarray(program.primary, dtype=np.int64)
    network = None if builder.repeats else _solve_network(program, primary)
    if network is not None:
        values, optimal, status = network
        gap = 0.0
    else:
        values, optimal, gap, status = _solve_integer(program, primary, builder.scale, time_limit)
    pools: dict[tuple[int, str], list[int]] = defaultdict(list)
    pool_seats: dict[tuple[int, str], list[int]] = defaultdict(list)
    for col in np.flatnonzero(values):
        index, slot, item_key, kind = builder.meta[col]
        if kind in ("wish", "fallback"):
            seats[(problem.people[index].key, slot)] = item_key
        elif kind == "unplaced":
            seats[(problem.people[index].key, slot)] = None
        elif kind == "pool":
            pools[(slot, problem.people[index].sector)].append(index)
        elif kind.startswith("pool-seat:"):
            pool_seats[(slot, kind.partition(":")[2])].extend([item_key] * int(values[col]))
    for key, members in pools.items():
        for index, item_key in zip(sorted(members), pool_seats[key], strict=True):
            seats[(problem.people[index].key, key[0])] = item_key
    figures = SolverFigures(objective=int(primary @ values), optimal=optimal, gap=gap,
                            seconds=time.perf_counter() - started, variables=columns,
                            constraints=len(program.row_lower), status=status)
    return Solution(seats=seats, figures=figures, fixed=fixed)
