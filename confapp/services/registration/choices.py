"""Workshop choices: what an attendee may wish for (ranked mode) or take (direct mode) per slot.

Choices travel as ``{slot_id: [item_id for rank 1, rank 2, …]}``; in direct mode each list holds
one item. The rules live here once, so the form, the manage page and organisers' tools agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from confapp.models import ChoiceMode, Event, ItemKind, Slot

#: ``{slot_id: [item_id, …]}`` in rank order; ``None`` marks a rank left empty.
Choices = dict[int, list[int | None]]


@dataclass(frozen=True)
class ChoiceProblem:
    """A broken rule, pinned to the slot and rank (1-based) whose field shows it."""

    slot_id: int
    rank: int
    message: str
    #: Nothing chosen (organisers may leave wishes open; attendees may not).
    missing: bool = False


def ranks_in(event: Event, slot: Slot) -> int:
    """How many choices the attendee gives in this slot: one in direct mode, else the event's ranks
    (fewer when the slot has fewer items)."""
    if event.choice_mode == ChoiceMode.direct:
        return 1
    return min(event.ranks, len(slot.choice_items))


def of_theme_tables(slot: Slot) -> bool:
    """The slot's choices are theme tables (a forum), not workshops, as its first item says."""
    items = slot.choice_items
    return bool(items) and items[0].kind == ItemKind.theme_table


def noun(slot: Slot) -> str:
    """"Workshop" or "Thementisch", as the slot's items are called."""
    return _("Thementisch") if of_theme_tables(slot) else _("Workshop")


def choice_problems(event: Event, choices: Choices) -> list[ChoiceProblem]:
    """Every broken rule of ``choices`` for ``event``; an empty list means they are fine.

    A choice must be an item of its slot; the ranks of one slot name different items; and where a
    workshop repeats in several slots (same title, e.g. theme-table rounds) it is chosen once.
    """
    problems: list[ChoiceProblem] = []
    chosen_titles: dict[str, str] = {}
    for slot in event.choice_slots:
        items = {item.id: item for item in slot.choice_items}
        wanted = list(choices.get(slot.id) or [])
        seen: set[int] = set()
        # Where rounds repeat the same workshops, later rounds may have fewer left to wish for.
        required = min(ranks_in(event, slot), sum(item.title not in chosen_titles for item in items.values()))
        for rank in range(1, ranks_in(event, slot) + 1):
            item_id = wanted[rank - 1] if rank <= len(wanted) else None
            if item_id is None and rank > required:
                continue
            if item_id is None:
                problems.append(ChoiceProblem(slot.id, rank, _missing(event, slot, rank), missing=True))
                continue
            item = items.get(item_id)
            if item is None:
                problems.append(ChoiceProblem(slot.id, rank, _("Bitte wählen Sie einen Eintrag aus der Liste.")))
            elif item_id in seen:
                problems.append(ChoiceProblem(slot.id, rank, _(
                    "Bitte wählen Sie für jede Wahl einen anderen %(noun)s.", noun=noun(slot))))
            elif item.title in chosen_titles:
                problems.append(ChoiceProblem(slot.id, rank, _(
                    "„%(title)s“ haben Sie schon in „%(slot)s“ gewählt. Bitte wählen Sie hier etwas anderes.",
                    title=item.title, slot=chosen_titles[item.title])))
            else:
                seen.add(item_id)
        for item_id in seen:
            chosen_titles.setdefault(items[item_id].title, slot.label)
    return problems


def _missing(event: Event, slot: Slot, rank: int) -> str:
    if event.choice_mode == ChoiceMode.direct:
        return _("Bitte wählen Sie einen %(noun)s.", noun=noun(slot))
    return _("Bitte wählen Sie Ihre %(rank)s. Wahl.", rank=rank)


def normalised(event: Event, choices: Choices) -> dict[int, list[int]]:
    """Valid choices trimmed to the slots and ranks the event asks for."""
    return {slot.id: [item_id for item_id in (choices.get(slot.id) or [])[:ranks_in(event, slot)]
                      if item_id is not None]
            for slot in event.choice_slots}
