"""Commands the DSP holds for their execution time, when they fall due: judged again, sent
while the device can be reached, timed out with E30 when it cannot (docs/rules.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from harness.domain.timeline import format_instant
from harness.reference.context import Check, Rejection
from harness.reference.profiles import Profile
from harness.reference.state import DspState, ScheduledCommand

RECHECK = "DUIS-future-dated-recheck"
TIMEOUT = "DUIS-future-dated-timeout"

# The checks a command the DSP holds for its execution time passes again when it falls due
# (``DUIS-future-dated-recheck``) [model]: SRPD 6.1(f)(ii) asks whether the sender "is or
# will be" an Eligible User at the execution time; on receipt the DSP can judge "will be"
# only against the Registration Data it holds then, which may change before that time (a
# corrected registration, a change of supplier notified later). When the time comes, "will
# be" is "is": the DSP judges the sender again at the execution time, with the User and
# device checks that decide whether anyone may act on the device at all. A failing check
# ends the command with that check's code as its final response; nothing of it runs.
# Commands the device holds (a future-dated 6.15.1 or 6.23, accepted by the device or the
# S1SP when sent) are out of the DSP's hands and not checked again.
RECHECKED_WHEN_DUE = ("DUIS-E1", "DUIS-E3", "DUIS-E19", "DUIS-E5", "SRPD-6.1f")

# How long after its execution time the DSP keeps trying to reach the device of a command it
# holds before it gives up with E30 ("Future-dated request timed out", DUIS §3.5)
# (``DUIS-future-dated-timeout``) [model: no public text gives the period; the scenarios use
# an outage of an hour, well inside it, and of ten days, well beyond it].
FUTURE_DATED_TIMEOUT = timedelta(hours=24)


def recheck(command: ScheduledCommand, profile: Profile, state: DspState) -> Rejection | None:
    """The access checks a held command passes again, judged at its execution time against
    what the DSP holds now (``RECHECKED_WHEN_DUE``). The rejection cites the check that
    failed; its detail says when."""
    check = Check(command.request, state, command.due, profile.past_execution)
    for requirement in RECHECKED_WHEN_DUE:
        rejection = profile.apply(requirement, check)
        if rejection is not None:
            detail = f"when it fell due at {format_instant(command.due)}: {rejection.detail}"
            return replace(rejection, detail=detail)
    return None


def waiting(command: ScheduledCommand, state: DspState, now: datetime) -> bool:
    """Is a held command that has fallen due still waiting for its device?"""
    reachable = state.reachable_from(command.request.target, command.due)
    return reachable is None or reachable > now


def timed_out(command: ScheduledCommand, state: DspState, now: datetime) -> Rejection | None:
    """E30 for a held command whose device could not be reached within
    ``FUTURE_DATED_TIMEOUT`` of its execution time, once that time-out has passed."""
    give_up = command.due + FUTURE_DATED_TIMEOUT
    reachable = state.reachable_from(command.request.target, command.due)
    if (reachable is not None and reachable <= give_up) or now < give_up:
        return None
    return Rejection(
        "E30",
        f"device {command.request.target} could not be reached from the execution time "
        f"{format_instant(command.due)} until the time-out at {format_instant(give_up)}; "
        "the command was not run",
        requirement=TIMEOUT,
    )
