"""The limits of a run: what could not be observed against this target, counted from the
results, so a green gate never claims more than the run could see (the CLI's last lines and
the summary's "Limits of this run")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness.results.record import ResultRecord
from harness.results.verdict import Verdict

UNSIGNED = "(response signatures not checked)"


@dataclass(frozen=True)
class Limit:
    what: str  # what the run could not observe
    count: int  # scenario runs it touched

    def describe(self) -> str:
        return f"{self.what}: {self.count} scenario run(s)"


def _group(record: ResultRecord) -> str:
    return record.outcome.reason_group if record.outcome else ""


_NOT_APPLICABLE: tuple[tuple[Callable[[str], bool], str], ...] = (
    (
        lambda g: "move_clock" in g or "clock cannot be set" in g,
        "scenarios that need a clock the target cannot move or set",
    ),
    (
        lambda g: "provision" in g or "bound" in g or "binding" in g or "lodged" in g,
        "scenarios whose preconditions the target cannot be given and its binding does not declare",
    ),
    (lambda g: "inspect" in g, "certificates a device holds, which the target cannot show"),
    (lambda g: "inject_faults" in g, "faults the target cannot be made to suffer"),
    (
        lambda g: "cite_requirements" in g,
        "which requirement a rejection cites (DUIS has no element for it)",
    ),
    (lambda g: "(ICS)" in g, "SRVs or devices the target's conformance statement does not claim"),
)


def run_limits(records: Iterable[ResultRecord]) -> list[Limit]:
    found = list(records)
    limits: list[Limit] = []
    unread = sum(
        1
        for r in found
        if r.outcome is not None
        and r.outcome.observed is not None
        and r.outcome.observed.status == "unread"
    )
    if unread:
        limits.append(
            Limit(
                "outcomes answered by a device inside GBCS, which the harness does not parse",
                unread,
            )
        )
    unsigned = sum(1 for r in found if UNSIGNED in r.target)
    if unsigned:
        limits.append(Limit("response signatures not checked (--unverified-signatures)", unsigned))
    groups = [_group(r) for r in found if r.verdict is Verdict.NOT_APPLICABLE]
    for matches, what in _NOT_APPLICABLE:
        count = sum(1 for g in groups if matches(g))
        if count:
            limits.append(Limit(what, count))
    return limits
