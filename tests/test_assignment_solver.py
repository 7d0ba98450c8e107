"""The solver on plain problems: optimal against brute force, capacities, locks, sector caps, determinism."""
import itertools
import random
from collections import Counter

import pytest

from confapp.services.assignment.model import (MOVE, SECTOR_OVER, WISH_STEP, AssignmentMode, Item, Person, Problem,
                                               fallback_cost, unplaced_cost)
from confapp.services.assignment.solver import solve


def workshops(slot: int, capacities: list[int], first_key: int = 1, topics: list[str] | None = None) -> list[Item]:
    return [Item(key=first_key + n, slot=slot, title=f"W{first_key + n}",
                 topic=(topics[n] if topics else f"w{first_key + n}"), capacity=capacity)
            for n, capacity in enumerate(capacities)]


def problem(items, people, slots=(1,), **settings) -> Problem:
    return Problem(slots=tuple(slots), slot_labels={s: f"Slot {s}" for s in slots}, items=tuple(items),
                   people=tuple(people), **settings)


def person_cost(problem: Problem, person: Person, slot: int, item: int | None) -> int:
    wishes = person.wishes.get(slot, ())
    if item is None:
        cost = unplaced_cost(problem.ranks)
    elif item in wishes:
        cost = WISH_STEP * wishes.index(item)
    else:
        cost = fallback_cost(problem.ranks)
    current = person.current.get(slot)
    if problem.mode == AssignmentMode.reoptimize and current is not None and item != current:
        cost += MOVE
    return cost


def level(problem: Problem, person: Person, slot: int, item: int | None) -> int:
    wishes = person.wishes.get(slot, ())
    if item is None:
        return problem.ranks + 1
    return wishes.index(item) if item in wishes else problem.ranks


def evaluate(problem: Problem, seats: dict) -> tuple[int, int] | None:
    """(primary cost, tie-break) of a complete assignment, or None if it breaks a hard rule."""
    items = {item.key: item for item in problem.items}
    fill, mix = Counter(), Counter()
    primary = tie = 0
    count = len(problem.people)
    for index, person in enumerate(problem.people):
        topics = []
        for slot in problem.slots:
            item = seats[(person.key, slot)]
            if slot in person.fixed:
                if item != person.fixed[slot]:
                    return None
            else:
                primary += person_cost(problem, person, slot, item)
                tie += level(problem, person, slot, item) * (count - index)
            if item is not None:
                if items[item].slot != slot:
                    return None
                fill[item] += 1
                mix[(item, person.sector)] += 1
                topics.append(items[item].topic)
        if len(topics) != len(set(topics)):
            return None
    if any(fill[key] > item.capacity for key, item in items.items()):
        return None
    for (key, sector), number in mix.items():
        cap = problem.sector_cap(items[key])
        if cap is not None and sector:
            primary += SECTOR_OVER * max(0, number - cap)
    return primary, tie


def brute_force(problem: Problem) -> tuple[tuple[int, int], dict]:
    options = {slot: [item.key for item in problem.items if item.slot == slot] + [None] for slot in problem.slots}
    pairs = [(person.key, slot) for person in problem.people for slot in problem.slots]
    best = None
    for choice in itertools.product(*(options[slot] for _, slot in pairs)):
        seats = dict(zip(pairs, choice))
        value = evaluate(problem, seats)
        if value is not None and (best is None or value < best[0]):
            best = (value, seats)
    return best


def random_problem(rng: random.Random, people: int, slots: int, per_slot: int, repeats: bool, **settings) -> Problem:
    items = []
    for slot in range(1, slots + 1):
        topics = [f"t{n}" for n in range(per_slot)] if repeats else None
        items += workshops(slot, [rng.randint(1, 3) for _ in range(per_slot)], first_key=slot * 10, topics=topics)
    crowd = []
    for key in range(1, people + 1):
        wishes = {}
        for slot in range(1, slots + 1):
            keys = [item.key for item in items if item.slot == slot]
            wishes[slot] = tuple(rng.sample(keys, min(2, len(keys))))
        fixed, current = {}, {}
        if rng.random() < 0.2:
            slot = rng.randint(1, slots)
            fixed[slot] = current[slot] = rng.choice([item.key for item in items if item.slot == slot])
        elif rng.random() < 0.3:  # a seat from an earlier run, movable at a cost
            slot = rng.randint(1, slots)
            current[slot] = rng.choice([item.key for item in items if item.slot == slot])
        if rng.random() < 0.15:  # wished nothing in the first slot
            wishes.pop(1)
        crowd.append(Person(key=key, sector=rng.choice("AB"), wishes=wishes, fixed=fixed, current=current))
    return problem(items, crowd, slots=range(1, slots + 1), ranks=2, **settings)


@pytest.mark.parametrize("seed", range(16))
def test_the_solver_finds_the_brute_force_optimum_with_its_tie_break(seed):
    rng = random.Random(seed)
    if seed % 2:
        case = random_problem(rng, people=4, slots=2, per_slot=2, repeats=seed % 4 == 1, sector_cap_percent=50)
    else:
        case = random_problem(rng, people=6, slots=1, per_slot=3, repeats=False,
                              sector_cap_percent=rng.choice([None, 50]))
    # Every locked seat must fit, or no assignment obeys the capacities.
    fill = Counter(item for person in case.people for item in person.fixed.values())
    if any(fill[item.key] > item.capacity for item in case.items):
        pytest.skip("locks overfill a workshop")

    expected, _ = brute_force(case)
    solution = solve(case)

    assert solution.figures.optimal and solution.figures.gap == 0
    assert evaluate(case, solution.seats) == expected
    assert solution.figures.objective == expected[0]


def test_a_hand_computed_case_gives_two_first_wishes_and_one_second():
    # Three people, two seats in A, one in B; everyone wants A first. The two earliest get A.
    items = workshops(1, [2, 1])
    people = [Person(key=k, sector="", wishes={1: (1, 2)}) for k in (7, 8, 9)]

    solution = solve(problem(items, people))

    assert solution.figures.objective == WISH_STEP
    assert [solution.seats[(k, 1)] for k in (7, 8, 9)] == [1, 1, 2]


def test_more_people_than_seats_leaves_the_latest_unplaced_without_crashing():
    items = workshops(1, [1, 1])
    people = [Person(key=k, sector="", wishes={1: (1,)}) for k in range(1, 5)]

    solution = solve(problem(items, people))

    assert sorted(solution.seats[(k, 1)] or 0 for k in range(1, 5)) == [0, 0, 1, 2]
    assert solution.seats[(1, 1)] == 1 and solution.seats[(2, 1)] == 2
    assert solution.seats[(3, 1)] is None and solution.seats[(4, 1)] is None


def test_locked_seats_stay_even_when_they_cost_a_first_wish():
    items = workshops(1, [1, 5])
    people = [Person(key=1, sector="", wishes={1: (1, 2)}),
              Person(key=2, sector="", wishes={1: (2, 1)}, fixed={1: 1})]

    solution = solve(problem(items, people))

    assert solution.seats[(2, 1)] == 1
    assert solution.seats[(1, 1)] == 2


def test_nobody_attends_a_repeated_theme_table_twice():
    topics = ["kita", "schule"]
    items = workshops(1, [5, 5], 1, topics) + workshops(2, [5, 5], 3, topics)
    people = [Person(key=k, sector="", wishes={1: (1, 2), 2: (3, 4)}) for k in range(1, 4)]

    solution = solve(problem(items, people, slots=(1, 2)))

    # Everyone wishes "kita" first in both rounds: one round gets it, the other "schule" (cost 2).
    assert solution.figures.objective == 3 * WISH_STEP
    for key in range(1, 4):
        assert {solution.seats[(key, 1)], solution.seats[(key, 2)]} in ({1, 4}, {2, 3})


def test_the_sector_cap_mixes_a_workshop_where_it_costs_no_second_wish():
    # Two seats each in A and B, capped at 50 % = one per sector; Kita wants A, Schule wants B.
    items = workshops(1, [2, 2])
    people = [Person(key=1, sector="Kita", wishes={1: (1, 2)}), Person(key=2, sector="Kita", wishes={1: (1, 2)}),
              Person(key=3, sector="Schule", wishes={1: (2, 1)}), Person(key=4, sector="Schule", wishes={1: (2, 1)})]
    uncapped = solve(problem(items, people, sector_cap_percent=None))
    capped = solve(problem(items, people, sector_cap_percent=50))

    assert [uncapped.seats[(k, 1)] for k in (1, 2, 3, 4)] == [1, 1, 2, 2]
    # One Kita and one Schule person per workshop: two people on their 2nd wish (cost 4) beat
    # one person over the cap in each workshop (cost 6).
    assert {capped.seats[(1, 1)], capped.seats[(2, 1)]} == {1, 2}
    assert {capped.seats[(3, 1)], capped.seats[(4, 1)]} == {1, 2}


def test_fill_mode_moves_nobody_and_reoptimising_moves_someone_only_when_it_pays():
    items = workshops(1, [1, 1])
    seated = Person(key=1, sector="", wishes={1: (1, 2)}, current={1: 2}, fixed={1: 2})
    newcomer = Person(key=2, sector="", wishes={1: (2, 1)})
    filled = solve(problem(items, [seated, newcomer], mode=AssignmentMode.fill))
    assert filled.seats == {(1, 1): 2, (2, 1): 1}

    movable = Person(key=1, sector="", wishes={1: (1, 2)}, current={1: 2})
    reoptimised = solve(problem(items, [movable, newcomer]))
    # Both on their first wish costs one move (3) and beats both on their second (4).
    assert reoptimised.seats == {(1, 1): 1, (2, 1): 2}

    content = Person(key=1, sector="", wishes={1: (1, 2)}, current={1: 2})
    alone = solve(problem(items, [content, Person(key=2, sector="", wishes={1: (1, 2)})]))
    # Moving person 1 up (-2 + 3) while the newcomer drops to the second wish (+2) does not pay.
    assert alone.seats == {(1, 1): 2, (2, 1): 1}


def test_someone_without_wishes_gets_a_free_seat_where_the_sector_cap_allows():
    items = workshops(1, [2, 2])
    people = [Person(key=1, sector="Kita", wishes={1: (1,)}), Person(key=2, sector="Schule", wishes={1: (1,)}),
              Person(key=3, sector="Kita", wishes={})]

    solution = solve(problem(items, people, sector_cap_percent=50))

    assert solution.seats == {(1, 1): 1, (2, 1): 1, (3, 1): 2}
    assert solution.figures.objective == fallback_cost(3)


def test_without_fallbacks_waiting_people_stay_unplaced_in_queue_order_also_with_repeats():
    # Direct mode: one wish each, seated people fixed, W1 has one free seat, W2 has room nobody may take.
    for repeats in (False, True):
        items = workshops(1, [2, 5]) + (workshops(2, [5, 5], first_key=3, topics=["w1", "w4"]) if repeats else [])
        people = [Person(key=1, sector="a", wishes={1: (1,)}, current={1: 1}, fixed={1: 1}),
                  Person(key=2, sector="a", wishes={1: (1,)}),  # registered earlier, joined the waitlist last
                  Person(key=3, sector="a", wishes={1: (1,)}),
                  Person(key=4, sector="a", wishes={1: (1,)})]
        slots = (1, 2) if repeats else (1,)
        plain = problem(items, people, slots=slots, ranks=1, sector_cap_percent=None, mode=AssignmentMode.fill,
                        fallback=False, queue={1: (3, 4, 2)})

        seats = solve(plain).seats

        assert [seats[(key, 1)] for key in (1, 2, 3, 4)] == [1, None, 1, None]
        with_fallback = solve(problem(items, people, slots=slots, ranks=1, sector_cap_percent=None,
                                      mode=AssignmentMode.fill, fallback=True, queue={1: (3, 4, 2)})).seats
        assert [with_fallback[(key, 1)] for key in (1, 2, 3, 4)] == [1, 2, 1, 2]
