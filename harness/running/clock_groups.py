"""Which scenarios may be in flight together against one target.

A target with a clock per scope (the ``scoped_clock`` capability, docs/test-control.md)
keeps each scenario's clock apart, and with ``scoped_fault`` its S1SP fault too: every
scenario may be in flight at once (``scoped_phases``). Without ``scoped_fault`` a scenario
that arms the S1SP fault, then a switch the whole DSP shares, runs before the others, alone
until its fault has met its request. Otherwise:

A DSP has one clock, and the served DSP one S1SP fault switch. Scenarios that set the clock
to the same instant T (``the time is T``) run together, in one phase; so do those that set
it to T and later move it once (``the time reaches U``), ranked by U: none moves the clock
until every scenario of the phase has ended or reached its clock step and every one moving
it to an earlier instant has ended. Each scenario so sends what it sends at T while the
clock is at T, and the rest at its own U, as in a serial run. (A command that falls due
earlier than in a serial run has the effect it was given when it was accepted: the
reference DSP decides a scheduled command's effect when it accepts it.) Scenarios that set
no clock run with the largest group; anything else (moving the clock twice, setting it
twice, arming the S1SP fault, signing a pre-command later) runs with nothing else in
flight. The steps are recognised by
their phrases (``PHRASES``; a test checks each is a phrase of the step library).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SET_CLOCK = "the time is "
MOVE_CLOCK = "the time reaches "
S1SP_FAULT = "the S1SP will fail part-way through its next certificate update"
# a request whose pre-command is signed later: the step moves the clock itself
LATE_SIGNING = ", signing the pre-command when the time reaches "
PHRASES = (SET_CLOCK, MOVE_CLOCK, S1SP_FAULT)
INNER_PHRASES = (LATE_SIGNING,)


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
        elif text.startswith(S1SP_FAULT) or any(p in text for p in INNER_PHRASES):
            return ALONE
    if len(set(set_to)) > 1 or len(moved_to) > 1:
        return ALONE
    return Group(tuple(dict.fromkeys(set_to)) + tuple(moved_to))


def moves_clock(step_text: str) -> bool:
    return step_text.startswith(MOVE_CLOCK)


@dataclass(frozen=True)
class Phase:
    """Scenarios (indices) in flight together. ``ranks`` (one per member), when given, say
    who moves the clock and in which order: rank 0 never moves it (it must end before the
    clock moves); rank r > 0 moves it to the r-th instant, once every member has ended or
    reached its clock step and every lower rank has ended."""

    members: tuple[int, ...]
    ranks: tuple[int, ...] | None = None
    # One scenario that needs the target alone only until it has used a switch the whole
    # DSP shares (the S1SP fault): the next phase starts once the request after arming it
    # has been answered (``releases``), while it runs on.
    leads: bool = False

    @property
    def lockstep(self) -> bool:
        return self.ranks is not None and any(self.ranks)

    def rank(self, member: int) -> int:
        return 0 if self.ranks is None else self.ranks[self.members.index(member)]


def _instant(text: str) -> tuple[int, object]:
    from harness.domain.timeline import parse_instant
    from harness.errors import HarnessError

    try:
        return (0, parse_instant(text))
    except (HarnessError, ValueError):
        return (1, text)


def _ordered(movers: dict[str, list[int]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Movers and their ranks, by the instant each moves the clock to."""
    members: list[int] = []
    ranks: list[int] = []
    for rank, instant in enumerate(sorted(movers, key=_instant), start=1):
        members += movers[instant]
        ranks += [rank] * len(movers[instant])
    return tuple(members), tuple(ranks)


def phases(groups: list[Group], limit: int) -> list[Phase]:
    """Phases run one after another, one per instant the clock is set to (largest first;
    the scenarios that set no clock join the largest): the scenarios that leave the clock
    there, and those that later move it, each moving it in the order of the instants
    (``Phase.ranks``) — every one of those is in flight at once, so a phase holds fewer
    than ``limit`` of them (else each instant they move it to has phases of its own, in
    chunks of ``limit``); then each lone scenario."""
    limit = max(limit, 1)
    settled: dict[str, list[int]] = {}
    moving: dict[str, dict[str, list[int]]] = {}
    alone: list[int] = []
    free: list[int] = []
    for index, group in enumerate(groups):
        if group.alone:
            alone.append(index)
        elif not group.instants:
            free.append(index)
        elif len(group.instants) == 1:
            settled.setdefault(group.instants[0], []).append(index)
        else:
            moving.setdefault(group.instants[0], {}).setdefault(group.instants[1], []).append(index)
    starts = sorted(
        set(settled) | set(moving),
        key=lambda t: (-len(settled.get(t, [])), min(settled.get(t, []) + _all(moving, t))),
    )
    if free:
        if starts and settled.get(starts[0]):
            settled[starts[0]] = sorted(settled[starts[0]] + free)
        else:
            starts.insert(0, "")
            settled[""] = free
    planned: list[Phase] = []
    for start in starts:
        stay = tuple(settled.get(start, []))
        movers, ranks = _ordered(moving.get(start, {}))
        room = limit - 1 if stay else limit  # a copy left for the scenarios that stay
        if movers and len(movers) <= room:
            planned.append(Phase(movers + stay, ranks + (0,) * len(stay)))
            continue
        if stay:
            planned.append(Phase(stay))
        for instant in sorted(moving.get(start, {}), key=_instant):
            together = moving[start][instant]
            for first in range(0, len(together), limit):
                chunk = tuple(together[first : first + limit])
                planned.append(Phase(chunk, (1,) * len(chunk) if len(chunk) > 1 else None))
    return planned + [Phase((index,)) for index in alone]


def _all(moving: dict[str, dict[str, list[int]]], start: str) -> list[int]:
    return [i for members in moving.get(start, {}).values() for i in members]


# Steps that wait on the target for a device's (or the S1SP's) answer: a request sent, a
# read whose report is checked, a signed pre-command, a clock move (held commands answer).
WAITING_PHRASES = (" sends ", " is sent again", "the read reports ", MOVE_CLOCK, LATE_SIGNING)
REQUEST_PHRASES = (" sends ", " is sent again", LATE_SIGNING)
# An outcome that comes back in the synchronous answer: no device answer is waited for.
SYNCHRONOUS_OUTCOMES = ("rejected by the DSP", "pending")
OUTCOME_PHRASES = ("the outcome is ", "the request is ")
DEVICE_ANSWER = 10  # a device's answer takes about ten synchronous answers' time (seconds)


def waits(step_texts: Iterable[str]) -> int:
    """How long a scenario waits on the target, as a relative estimate: each synchronous
    answer 1, each device's (or the S1SP's) answer ``DEVICE_ANSWER``. A request waits for
    its synchronous answer, and for a device's unless the outcome stated next comes in the
    synchronous answer (a rejection by the DSP, a command held for later); a critical
    request waits twice synchronously (its transform, then its signed pre-command); a read
    whose report is checked and a clock move wait for a device's answer."""
    texts = list(step_texts)
    total = 0
    for number, text in enumerate(texts):
        if any(phrase in text for phrase in REQUEST_PHRASES):
            total += 1 + (" sends SRV 6.15.1 " in text)
            outcome = next((t for t in texts[number + 1 :] if t.startswith(OUTCOME_PHRASES)), "")
            if not any(word in outcome for word in SYNCHRONOUS_OUTCOMES):
                total += DEVICE_ANSWER
        elif "the read reports " in text or text.startswith(MOVE_CLOCK):
            total += DEVICE_ANSWER
    return total


def scoped_phases(step_texts: list[list[str]], *, shared_fault: bool = False) -> list[Phase]:
    """The phases against a target with a clock per scope: one phase with every scenario,
    those that wait on the target most first (so the slowest does not start last). With
    ``shared_fault`` (the target's S1SP fault is one switch, not one per scope), each
    scenario that arms it comes first, alone, the last of them only until the fault has met
    its request (``leads``); then the others."""
    alone = [
        i
        for i, texts in enumerate(step_texts)
        if shared_fault and any(t.startswith(S1SP_FAULT) for t in texts)
    ]
    rest = [i for i in range(len(step_texts)) if i not in set(alone)]
    order = sorted(rest, key=lambda i: (-waits(step_texts[i]), -len(step_texts[i]), i))
    last = len(alone) - 1
    first = [Phase((i,), leads=bool(order) and n == last) for n, i in enumerate(alone)]
    return first + ([Phase(tuple(order))] if order else [])


def releases(step_texts: Iterable[str]) -> int | None:
    """The step (its index) after whose end a scenario arming the S1SP fault no longer needs
    the target alone: the first that waits on the target after the arming, whose request
    the fault has then met; None if there is none (it needs the target to its end)."""
    armed = False
    for number, text in enumerate(step_texts):
        if text.startswith(S1SP_FAULT):
            armed = True
        elif armed and any(phrase in text for phrase in WAITING_PHRASES):
            return number
    return None
