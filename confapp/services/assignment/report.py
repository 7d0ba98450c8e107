"""The satisfaction report of an assignment: wishes met per slot, fill and sector mix per workshop.

Plain values, so the CLI prints them (``report_lines``) and the back office renders them as it likes.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from confapp.services.assignment.model import Problem
from confapp.services.assignment.solver import SolverFigures, Solution


@dataclass(frozen=True)
class SlotOutcome:
    slot_id: int
    label: str
    #: People who got their 1st, 2nd, … wish (index 0 is the 1st wish).
    wishes: tuple[int, ...]
    #: Seated in a workshop they did not wish (or wished nothing in this slot).
    fallback: int
    #: Without a seat in this slot.
    unplaced: int
    #: Seats kept as they were (locked, or everyone already seated when only filling).
    kept: int

    @property
    def people(self) -> int:
        return sum(self.wishes) + self.fallback + self.unplaced


@dataclass(frozen=True)
class ItemFill:
    item_id: int
    slot_label: str
    title: str
    capacity: int
    assigned: int
    #: (sector, people) most first; "" stands for people without a sector.
    sectors: tuple[tuple[str, int], ...]
    #: Sectors above the event's sector cap in this workshop.
    over_cap: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentReport:
    people: int
    slots: tuple[SlotOutcome, ...]
    items: tuple[ItemFill, ...]
    #: Objective, proof of optimality, gap and size as the solver reports them.
    solver: SolverFigures

    @property
    def wish_totals(self) -> tuple[int, ...]:
        """Over all slots: seats that were the 1st, 2nd, … wish."""
        return tuple(sum(column) for column in zip(*(slot.wishes for slot in self.slots), strict=True)) \
            if self.slots else ()

    @property
    def fallback_total(self) -> int:
        return sum(slot.fallback for slot in self.slots)

    @property
    def unplaced_total(self) -> int:
        return sum(slot.unplaced for slot in self.slots)

    @property
    def choices_total(self) -> int:
        """People × slots: every choice the assignment answers."""
        return sum(slot.people for slot in self.slots)


def wish_rank(problem: Problem, person_index: int, slot: int, item: int | None) -> int | None:
    """1 for the first wish …; 0 for an unwished seat; None for no seat."""
    if item is None:
        return None
    wishes = problem.people[person_index].wishes.get(slot, ())
    return wishes.index(item) + 1 if item in wishes else 0


def build_report(problem: Problem, solution: Solution) -> AssignmentReport:
    items = {item.key: item for item in problem.items}
    fill: Counter[int] = Counter()
    mix: dict[int, Counter[str]] = {item.key: Counter() for item in problem.items}
    slots = []
    for slot in problem.slots:
        ranks: Counter[int | None] = Counter()
        kept = 0
        for index, person in enumerate(problem.people):
            item = solution.seats.get((person.key, slot))
            ranks[wish_rank(problem, index, slot, item)] += 1
            kept += (person.key, slot) in solution.fixed
            if item is not None:
                fill[item] += 1
                mix[item][person.sector] += 1
        slots.append(SlotOutcome(
            slot_id=slot, label=problem.slot_labels.get(slot, str(slot)),
            wishes=tuple(ranks[rank] for rank in range(1, problem.ranks + 1)),
            fallback=ranks[0] + sum(n for rank, n in ranks.items() if rank is not None and rank > problem.ranks),
            unplaced=ranks[None], kept=kept,
        ))
    fills = []
    for key, item in items.items():
        cap = problem.sector_cap(item)
        sectors = tuple(sorted(mix[key].items(), key=lambda pair: (-pair[1], pair[0])))
        fills.append(ItemFill(
            item_id=key, slot_label=problem.slot_labels.get(item.slot, ""), title=item.title,
            capacity=item.capacity, assigned=fill[key], sectors=sectors,
            over_cap=tuple(sector for sector, number in sectors if sector and cap is not None and number > cap),
        ))
    return AssignmentReport(
        people=len(problem.people), slots=tuple(slots), items=tuple(fills), solver=solution.figures)


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole) if whole else 0} %"


def report_lines(report: AssignmentReport) -> list[str]:
    """The report as German text lines, for the terminal."""
    lines = [f"Zuteilung für {report.people} bestätigte Anmeldungen"]
    for slot in report.slots:
        lines.append(f"{slot.label}:")
        for rank, number in enumerate(slot.wishes, start=1):
            lines.append(f"  {rank}. Wunsch: {number} ({_share(number, slot.people)})")
        lines.append(f"  anderer Platz: {slot.fallback} ({_share(slot.fallback, slot.people)})")
        lines.append(f"  ohne Platz: {slot.unplaced} ({_share(slot.unplaced, slot.people)})")
        if slot.kept:
            lines.append(f"  unverändert gehalten: {slot.kept}")
    lines.append("Belegung und Arbeitsfelder:")
    for item in report.items:
        sectors = ", ".join(f"{sector or 'ohne Angabe'} {number}" for sector, number in item.sectors)
        lines.append(f"  {item.slot_label} · {item.title}: {item.assigned}/{item.capacity}"
                     + (f" – {sectors}" if sectors else ""))
        if item.over_cap:
            lines.append(f"    über der Obergrenze je Arbeitsfeld: {', '.join(item.over_cap)}")
    solver = report.solver
    proof = "bewiesen optimal (Lücke 0)" if solver.optimal and solver.gap == 0 else \
        f"nicht bewiesen optimal (Lücke {solver.gap:.2%})"
    lines.append(f"Zielwert {solver.objective}, {proof}; {solver.variables} Variablen, "
                 f"{solver.seconds:.2f} s".replace(".", ","))
    return lines
