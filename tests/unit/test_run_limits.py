"""The limits of a run: what the results say could not be observed against the target."""

from __future__ import annotations

from dataclasses import replace

from harness.results.limits import run_limits
from harness.results.outcome import ScenarioOutcome, StatedOutcome
from harness.results.verdict import Verdict
from tests.unit.test_gate import record


def test_gbcs_outcomes_unmovable_clocks_and_unchecked_signatures_are_stated() -> None:
    unread = record(Verdict.INCONCLUSIVE, "r")
    unread = replace(
        unread,
        outcome=ScenarioOutcome(
            Verdict.INCONCLUSIVE, "x", observed=StatedOutcome("unread", "answered in GBCS")
        ),
    )
    clock = record(
        Verdict.NOT_APPLICABLE, "c", "the target's clock cannot be set to the scenario's time"
    )
    unsigned = replace(
        record(Verdict.PASS, "p"), target="http://x (response signatures not checked)"
    )
    said = [limit.describe() for limit in run_limits([unread, clock, unsigned])]
    assert any("inside GBCS" in line and "1 scenario run" in line for line in said)
    assert any("clock the target cannot move" in line for line in said)
    assert any("signatures not checked" in line for line in said)


def test_a_run_against_the_reference_has_no_limits_to_state() -> None:
    assert run_limits([record(Verdict.PASS), record(Verdict.FAIL, "f")]) == []
