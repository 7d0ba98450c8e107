"""The integer program as columns and rows, and how HiGHS solves it (``scipy.optimize``).

``Program`` collects columns (primary cost, tie-break cost, upper bound) and rows; ``solve_relaxation``
tries the linear relaxation first (and the tie-break on its optimal face), ``solve_integer`` is branch and
bound on the whole program when the relaxation is fractional. ``solver`` explains why this is exact.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array


class Program:
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


def _integral(values: np.ndarray) -> bool:
    return bool(np.all(np.abs(values - np.rint(values)) < 1e-6))


def _matrix(program: Program) -> csr_array:
    return csr_array((program.entries_val, (program.entries_row, program.entries_col)),
                     shape=(len(program.row_lower), len(program.primary)))


def solve_relaxation(program: Program, primary: np.ndarray,
                      time_limit: float | None) -> tuple[np.ndarray, str] | None:
    """Two linear programs, when the first has an integral optimum: then it is an integral optimum.

    First the least primary cost. Then, on the optimal face only (complementary slackness with the
    first program's duals: columns with a positive reduced cost stay at zero, rows with a non-zero
    dual stay tight), the least tie-break. Integer costs give integer duals where the matrix is
    totally unimodular (no repeats), so thresholds of 0.5 are exact there; with repeats the face is
    taken with a small tolerance and the result is checked against the first optimum. If the second
    program is fractional, an integer program on the face breaks the ties (its integral points are
    exactly the optimal assignments). None if the first program is fractional.
    """
    lower, upper = np.asarray(program.row_lower), np.asarray(program.row_upper)
    matrix = _matrix(program)
    equal = lower == upper
    eq_rows, ub_rows = np.flatnonzero(equal), np.flatnonzero(~equal)
    column_upper = np.asarray(program.upper, dtype=np.float64)

    def run(cost: np.ndarray, bounds: np.ndarray, tight: np.ndarray):
        rows_eq = np.concatenate([eq_rows, ub_rows[tight]])
        rows_ub = ub_rows[~tight]
        options = {} if time_limit is None else {"time_limit": time_limit}
        return linprog(cost, A_ub=matrix[rows_ub] if len(rows_ub) else None,
                       b_ub=upper[rows_ub] if len(rows_ub) else None,
                       A_eq=matrix[rows_eq], b_eq=upper[rows_eq], bounds=bounds, method="highs-ds",
                       options=options)

    bounds = np.column_stack([np.zeros(len(primary)), column_upper])
    first = run(primary.astype(np.float64), bounds, np.zeros(len(ub_rows), dtype=bool))
    if first.status != 0 or not _integral(first.x):
        return None
    values = np.rint(first.x).astype(np.int64)
    best = int(primary @ values)
    face = bounds.copy()
    face[first.lower.marginals > 1e-6, 1] = 0.0  # a positive reduced cost: at zero in every optimum
    at_upper = first.upper.marginals < -1e-6  # a negative one: at its upper bound in every optimum
    face[at_upper, 0] = column_upper[at_upper]
    tight = np.abs(first.ineqlin.marginals) > 1e-6
    tie = np.asarray(program.tie, dtype=np.float64)
    second = run(tie, face, tight)
    if second.status == 0 and _integral(second.x):
        candidate = np.rint(second.x).astype(np.int64)
        if int(primary @ candidate) == best:
            return candidate, str(second.message)
    elif second.status == 0:  # fractional ties: the integer points of the face are the optimal assignments
        rows_eq = np.concatenate([eq_rows, ub_rows[tight]])
        row_lower, row_upper = lower.copy(), upper.copy()
        row_lower[rows_eq] = upper[rows_eq]
        options = {"presolve": True, "mip_rel_gap": 0.0, "disp": False}
        if time_limit is not None:
            options["time_limit"] = time_limit
        third = milp(tie, integrality=np.ones(len(primary)), bounds=Bounds(face[:, 0], face[:, 1]),
                     constraints=LinearConstraint(matrix, row_lower, row_upper), options=options)
        if third.status == 0 and third.x is not None:
            candidate = np.rint(third.x).astype(np.int64)
            if int(primary @ candidate) == best:
                return candidate, str(third.message)
    return values, str(first.message)


def solve_integer(program: Program, primary: np.ndarray, scale: int,
                   time_limit: float | None) -> tuple[np.ndarray, bool, float, str]:
    """The general case: one integer program, primary cost scaled above the tie-break."""
    cost = primary.astype(np.float64) * scale + np.asarray(program.tie, dtype=np.float64)
    options = {"presolve": True, "mip_rel_gap": 0.0, "disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    result = milp(cost, integrality=np.ones(len(primary)), bounds=Bounds(0, np.asarray(program.upper)),
                  constraints=LinearConstraint(_matrix(program), program.row_lower, program.row_upper),
                  options=options)
    if result.x is None:
        raise RuntimeError(f"HiGHS found no assignment: {result.message}")
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return np.rint(result.x).astype(np.int64), result.status == 0, gap, str(result.message)
