"""Which scenarios ``run --in-flight`` lets run together (harness/running/clock_groups.py)."""

from __future__ import annotations

import steps.library  # noqa: F401 - registers the steps
from harness.features import read_features
from harness.running.clock_groups import (
    ALONE,
    ANY,
    INNER_PHRASES,
    PHRASES,
    WAITING_PHRASES,
    Group,
    Phase,
    clock_group,
    phases,
    releases,
    scoped_phases,
    waits,
)
from harness.settings import REPO_ROOT
from steps.library import registry


def test_scenarios_that_set_the_same_instant_share_a_group() -> None:
    one = clock_group(["the time is 2026-03-01 10:00", "NO-A is a User in the role ED"])
    two = clock_group(["the time is 2026-03-01 10:00", "the following Users:"])
    assert one == two == Group(("2026-03-01 10:00",))
    assert clock_group(["the time is 2026-05-15 12:00"]) != one
    assert clock_group(["NO-A is a User in the role ED"]) == ANY


def test_moving_the_clock_once_is_a_lockstep_group_and_anything_more_runs_alone() -> None:
    moved = clock_group(["the time is 2026-06-01 09:00", "x", "the time reaches 2026-07-15"])
    assert moved == Group(("2026-06-01 09:00", "2026-07-15"))
    twice = [
        "the time is 2026-06-01 09:00",
        "the time reaches 2026-07-01",
        "the time reaches 2026-08-01",
    ]
    assert clock_group(twice) is ALONE
    assert clock_group(["the time is 2026-06-01 09:00", "the time is 2026-06-02 09:00"]) is ALONE
    assert clock_group(["the time reaches 2026-07-01"]) is ALONE  # a clock it never set
    fault = "the S1SP will fail part-way through its next certificate update"
    assert clock_group(["the time is 2026-03-01 10:00", fault]) is ALONE


def test_phases_put_each_start_with_those_that_move_the_clock_from_it() -> None:
    a, b = Group(("A",)), Group(("B",))
    to_c, to_d = Group(("A", "2026-07-01")), Group(("A", "2026-06-01"))
    groups = [a, b, a, ANY, to_c, to_d, to_c, ALONE, a]
    planned = phases(groups, limit=8)
    # the movers first, ranked by the instant they move to (June before July), then the rest
    assert planned[0] == Phase((5, 4, 6, 0, 2, 3, 8), (1, 2, 2, 0, 0, 0, 0))
    assert planned[0].lockstep
    assert planned[1] == Phase((1,))
    assert planned[2] == Phase((7,))
    assert sorted(i for p in planned for i in p.members) == list(range(len(groups)))


def test_too_many_movers_get_phases_of_their_own_in_chunks() -> None:
    a = Group(("A",))
    move = Group(("A", "C"))
    planned = phases([a, move, move, move], limit=2)
    assert planned[0] == Phase((0,))
    assert planned[1] == Phase((1, 2), (1, 1))
    assert planned[2] == Phase((3,))  # a chunk of one needs no lockstep
    assert not planned[2].lockstep


def test_every_phrase_is_a_step_of_the_library() -> None:
    """A phrase renamed in the step library must be renamed here too, or scenarios that
    move the clock would be run together with others."""
    for phrase in PHRASES:
        assert any(step.example.startswith(phrase) for step in registry.STEPS), phrase
    for phrase in INNER_PHRASES:
        assert any(phrase in step.example for step in registry.STEPS), phrase
    # and the clock has no other step: every step about the time is one of them
    for step in registry.STEPS:
        if "the time" in step.phrase and step.keyword != "then":
            assert step.example.startswith(PHRASES) or any(
                p in step.example for p in INNER_PHRASES
            ), step.phrase


def test_the_committed_suite_is_grouped() -> None:
    scenarios = [
        s for s in read_features(REPO_ROOT / "features") if "generated" not in s.path.parts
    ]
    groups = [clock_group(step.text for step in s.steps) for s in scenarios]
    planned = phases(groups, limit=64)
    assert sorted(i for p in planned for i in p.members) == list(range(len(scenarios)))
    assert any(p.lockstep for p in planned)
    assert len(planned) < len(scenarios) / 4


FAULT = "the S1SP will fail part-way through its next certificate update"


def test_with_a_clock_and_a_fault_per_scope_everything_is_in_flight_at_once() -> None:
    reads = ["the time is 2026-03-01 10:00", 'NO-A sends SRV 4.1.1 to "m"']
    faulty = [FAULT, 'NO-A sends SRV 6.15.1 to "m"']
    twice = ["the time is 2026-06-01 09:00", "the time reaches 2026-07-01", "the time reaches 2027"]
    planned = scoped_phases([reads, faulty, twice, faulty])
    assert planned == [Phase((2, 1, 3, 0))]  # one phase, the longest waits first
    assert not any(p.lockstep or p.leads for p in planned)


def test_with_a_clock_per_scope_and_one_fault_switch_the_fault_goes_first() -> None:
    reads = ["the time is 2026-03-01 10:00", 'NO-A sends SRV 4.1.1 to "m"']
    critical = [
        "the time is 2026-06-01 09:00",
        'NO-A sends SRV 6.15.1 to "m" replacing the network operator certificates',
        "the time reaches 2026-07-01",
        'the read reports that "m" holds the certificates of NO-B',
    ]
    twice = ["the time is 2026-06-01 09:00", "the time reaches 2026-07-01", "the time reaches 2027"]
    faulty = [FAULT, 'NO-A sends SRV 6.15.1 to "m"']
    planned = scoped_phases(
        [reads, faulty, critical, ["the time is 2026-01-01"], twice], shared_fault=True
    )
    # the fault's alone, first, until it has met its request; then one phase, the
    # scenarios that wait on the target most first
    assert planned == [Phase((1,), leads=True), Phase((2, 4, 0, 3))]
    assert not any(p.lockstep for p in planned)
    # a device's answer weighs ten synchronous ones; a critical request waits twice for those
    assert [waits(s) for s in (reads, critical, twice, faulty)] == [11, 32, 20, 12]
    refused = [*reads, "the request is rejected by the DSP with E4"]
    held = [*reads, "the request is pending"]
    assert waits(refused) == waits(held) == 1  # the outcome is in the synchronous answer
    assert releases(faulty) == 1
    assert releases([FAULT, "NO-A is a User in the role ED", *faulty]) == 3
    assert releases([FAULT, "the DSP and S1SP copies agree"]) is None
    # two such scenarios: the first wholly alone, the last leads the others in
    twice_faulty = scoped_phases([faulty, reads, faulty], shared_fault=True)
    assert twice_faulty == [Phase((0,)), Phase((2,), leads=True), Phase((1,))]
    assert scoped_phases([faulty], shared_fault=True) == [Phase((0,))]  # nothing to lead in


def test_every_waiting_phrase_is_in_the_step_library() -> None:
    for phrase in WAITING_PHRASES:
        assert any(phrase in step.example for step in registry.STEPS), phrase


def test_the_committed_suite_with_scoped_clocks_is_one_phase() -> None:
    scenarios = [
        s for s in read_features(REPO_ROOT / "features") if "generated" not in s.path.parts
    ]
    steps = [[step.text for step in s.steps] for s in scenarios]
    assert scoped_phases(steps) == [Phase(scoped_phases(steps)[0].members)]
    assert sorted(scoped_phases(steps)[0].members) == list(range(len(scenarios)))
    # the S1SP fault one switch: its scenario first, leading the others in
    shared = scoped_phases(steps, shared_fault=True)
    assert sorted(i for p in shared for i in p.members) == list(range(len(scenarios)))
    assert [len(p.members) for p in shared[:-1]] == [1] * (len(shared) - 1)
    assert shared[-2].leads
    assert len(shared) <= 3
