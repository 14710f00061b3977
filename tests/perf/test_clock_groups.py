"""Which scenarios ``run --in-flight`` lets run together (harness/running/clock_groups.py)."""

from __future__ import annotations

import steps.library  # noqa: F401 - registers the steps
from harness.features import read_features
from harness.running.clock_groups import (
    ALONE,
    ANY,
    PHRASES,
    Group,
    Phase,
    clock_group,
    phases,
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


def test_phases_put_groups_first_then_lockstep_chunks_then_lone_scenarios() -> None:
    a, b = Group(("A",)), Group(("B",))
    move = Group(("A", "C"))
    groups = [a, b, a, ANY, move, move, move, ALONE, a]
    planned = phases(groups, limit=2)
    assert planned[0] == Phase((0, 2, 3, 8))  # the largest group, with the clock-free one
    assert planned[1] == Phase((1,))
    assert planned[2] == Phase((4, 5), lockstep=True)
    assert planned[3] == Phase((6,))  # a chunk of one needs no lockstep
    assert planned[4] == Phase((7,))
    assert sorted(i for p in planned for i in p.members) == list(range(len(groups)))


def test_every_phrase_is_a_step_of_the_library() -> None:
    """A phrase renamed in the step library must be renamed here too, or scenarios that
    move the clock would be run together with others."""
    for phrase in PHRASES:
        assert any(step.example.startswith(phrase) for step in registry.STEPS), phrase
    # and the clock has no other step: every step about the time is one of them
    for step in registry.STEPS:
        if "the time" in step.phrase and step.keyword != "then":
            assert step.example.startswith(PHRASES), step.phrase


def test_the_committed_suite_is_grouped() -> None:
    scenarios = [
        s for s in read_features(REPO_ROOT / "features") if "generated" not in s.path.parts
    ]
    groups = [clock_group(step.text for step in s.steps) for s in scenarios]
    planned = phases(groups, limit=64)
    assert sorted(i for p in planned for i in p.members) == list(range(len(scenarios)))
    assert any(p.lockstep for p in planned)
    assert len(planned) < len(scenarios) / 4
