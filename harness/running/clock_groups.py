"""Which scenarios may be in flight together against one target.

A DSP has one clock, and the served DSP one S1SP fault switch: a scenario that moves the
clock (``the time reaches …``), sets it twice, or arms the fault changes what every other
scenario in flight observes, and so must run alone. Scenarios that set the clock to the
same instant (``the time is …``) and leave it there can run together; scenarios that touch
neither run with any group. Grouping them this way keeps every verdict what a serial run
gives. The steps are recognised by their phrases (``PHRASES``; a test checks each is a
phrase of the step library).
"""

from __future__ import annotations

from collections.abc import Iterable

SET_CLOCK = "the time is "
PHRASES = {
    "set the clock": SET_CLOCK,
    "move the clock": "the time reaches ",
    "arm the S1SP fault": "the S1SP will fail part-way through its next certificate update",
}
ALONE = None
ANY = ""


def clock_group(step_texts: Iterable[str]) -> str | None:
    """The instant a scenario sets the clock to (its group), ``ANY`` when it neither sets
    nor moves the clock, ``ALONE`` (None) when it must run with nothing else in flight."""
    instants: set[str] = set()
    for text in step_texts:
        if text.startswith(SET_CLOCK):
            instants.add(text[len(SET_CLOCK) :].strip())
        elif any(text.startswith(p) for p in PHRASES.values()):
            return ALONE
    if len(instants) > 1:
        return ALONE
    return next(iter(instants), ANY)


def phases(groups: list[str | None]) -> list[list[int]]:
    """Indices of ``groups`` in phases run one after another: each clock group (largest
    first, the scenarios that set no clock with the largest), then each lone scenario."""
    by_instant: dict[str, list[int]] = {}
    alone: list[int] = []
    free: list[int] = []
    for index, group in enumerate(groups):
        if group is ALONE:
            alone.append(index)
        elif group == ANY:
            free.append(index)
        else:
            by_instant.setdefault(group, []).append(index)
    ordered = sorted(by_instant.values(), key=lambda members: (-len(members), members[0]))
    if ordered:
        ordered[0] = sorted(ordered[0] + free)
    elif free:
        ordered = [free]
    return ordered + [[index] for index in alone]
