"""Which scenarios may be in flight together against one target.

A DSP has one clock, and the served DSP one S1SP fault switch. A scenario that sets the
clock (``the time is T``) and leaves it there can run with every other scenario that sets it
to the same T; a scenario that sets neither runs with any of them. A scenario that moves the
clock later (``the time is T`` … ``the time reaches U``) runs with those of the same two
instants, in lockstep: none moves the clock until every one has reached that step (or
ended), so each sends what it sends at T while the clock is at T, and the rest at U, as in
a serial run. Anything else (moving the clock twice, setting it twice, arming the S1SP
fault) runs with nothing else in flight. The steps are recognised by their phrases
(``PHRASES``; a test checks each is a phrase of the step library).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SET_CLOCK = "the time is "
MOVE_CLOCK = "the time reaches "
S1SP_FAULT = "the S1SP will fail part-way through its next certificate update"
PHRASES = (SET_CLOCK, MOVE_CLOCK, S1SP_FAULT)


@dataclass(frozen=True)
class Group:
    """The clock a scenario needs: ``instants`` (set, then moved to), or ``alone``."""

    instants: tuple[str, ...] = ()
    alone: bool = False


ALONE = Group(alone=True)
ANY = Group()


def clock_group(step_texts: Iterable[str]) -> Group:
    """The group of a scenario, from its step texts as run."""
    set_to: list[str] = []
    moved_to: list[str] = []
    for text in step_texts:
        if text.startswith(SET_CLOCK):
            set_to.append(text[len(SET_CLOCK) :].strip())
        elif text.startswith(MOVE_CLOCK):
            if not set_to:
                return ALONE  # moves a clock it never set: depends on whoever ran before
            moved_to.append(text[len(MOVE_CLOCK) :].strip())
        elif text.startswith(S1SP_FAULT):
            return ALONE
    if len(set(set_to)) > 1 or len(moved_to) > 1:
        return ALONE
    return Group(tuple(dict.fromkeys(set_to)) + tuple(moved_to))


def moves_clock(step_text: str) -> bool:
    return step_text.startswith(MOVE_CLOCK)


@dataclass(frozen=True)
class Phase:
    """Scenarios (indices) in flight together; ``lockstep``: they move the clock together."""

    members: tuple[int, ...]
    lockstep: bool = False


def phases(groups: list[Group], limit: int) -> list[Phase]:
    """Phases run one after another: each clock group (largest first; the scenarios that set
    no clock join the largest), then each lockstep group in chunks of at most ``limit``
    (every member of a lockstep phase is in flight at once), then each lone scenario."""
    settled: dict[tuple[str, ...], list[int]] = {}
    moving: dict[tuple[str, ...], list[int]] = {}
    alone: list[int] = []
    free: list[int] = []
    for index, group in enumerate(groups):
        if group.alone:
            alone.append(index)
        elif not group.instants:
            free.append(index)
        elif len(group.instants) == 1:
            settled.setdefault(group.instants, []).append(index)
        else:
            moving.setdefault(group.instants, []).append(index)
    ordered = sorted(settled.values(), key=lambda members: (-len(members), members[0]))
    if ordered:
        ordered[0] = sorted(ordered[0] + free)
    elif free:
        ordered = [free]
    planned = [Phase(tuple(members)) for members in ordered]
    for members in sorted(moving.values(), key=lambda m: (-len(m), m[0])):
        for start in range(0, len(members), max(limit, 1)):
            chunk = tuple(members[start : start + max(limit, 1)])
            planned.append(Phase(chunk, lockstep=len(chunk) > 1))
    return planned + [Phase((index,)) for index in alone]
