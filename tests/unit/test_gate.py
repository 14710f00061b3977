"""The gate's arithmetic: the floor of executed scenario runs, the exit code, the one line that
says why a run did not count, and what the JUnit file says about it."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from harness.errors import ConfigurationError
from harness.results.outcome import ScenarioOutcome
from harness.results.record import ResultRecord
from harness.results.verdict import Verdict
from harness.running.junit import junit_document
from harness.running.verdicts import (
    EXIT_INCONCLUSIVE,
    EXIT_NONCONFORMANCE,
    EXIT_OK,
    EXIT_TOO_FEW_EXECUTED,
    Floor,
    RunSummary,
)


def record(verdict: Verdict, name: str = "s", group: str = "", **extra: object) -> ResultRecord:
    outcome = ScenarioOutcome(verdict, reason=f"why {name}", reason_group=group)
    return ResultRecord(
        name=name,
        full_name=f"F: {name}",
        feature="F",
        status=verdict.allure_status,
        verdict=verdict,
        profile="baseline",
        target="reference",
        requirements=(),
        outcome=outcome,
        runner="pytest-bdd",
        **extra,  # type: ignore[arg-type]
    )


PASS, FAIL = Verdict.PASS, Verdict.FAIL
NA, INCONCLUSIVE = Verdict.NOT_APPLICABLE, Verdict.INCONCLUSIVE


@pytest.mark.parametrize(
    ("text", "total", "required"),
    [("1", 10, 1), ("0", 10, 0), ("7", 3, 7), ("80%", 10, 8), ("80%", 11, 9), ("100%", 4, 4)],
)
def test_a_floor_is_a_number_or_a_share(text: str, total: int, required: int) -> None:
    assert Floor.parse(text).required(total) == required


@pytest.mark.parametrize("text", ["", "-1", "ten", "0%", "101%", "1.5", "%"])
def test_a_bad_floor_is_refused_with_what_to_write(text: str) -> None:
    with pytest.raises(ConfigurationError, match="min-executed"):
        Floor.parse(text)


def test_a_run_where_nothing_executed_never_passes() -> None:
    summary = RunSummary([record(NA, "a", "not under this profile"), record(NA, "b", "x")])
    assert summary.exit_code() == EXIT_TOO_FEW_EXECUTED
    line = summary.shortfall(Floor())
    assert line == "no scenario executed: 2 scenario run(s), 2 not applicable, 0 inconclusive"
    assert "\n" not in line


def test_the_floor_raises_the_bar_and_zero_lowers_it() -> None:
    summary = RunSummary([record(PASS, "a"), record(NA, "b"), record(NA, "c")])
    assert summary.exit_code() == EXIT_OK
    assert summary.exit_code(Floor.parse("2")) == EXIT_TOO_FEW_EXECUTED
    assert summary.shortfall(Floor.parse("2")) == (
        "only 1 scenario run(s) executed, fewer than the --min-executed 2: "
        "2 not applicable, 0 inconclusive"
    )
    assert summary.exit_code(Floor.parse("34%")) == EXIT_TOO_FEW_EXECUTED
    assert summary.exit_code(Floor.parse("33%")) == EXIT_OK
    assert RunSummary([record(NA)]).exit_code(Floor.parse("0")) == EXIT_OK


def test_failures_and_inconclusive_results_keep_their_exit_codes() -> None:
    assert RunSummary([record(FAIL), record(NA)]).exit_code(Floor.parse("5")) == EXIT_NONCONFORMANCE
    only_inconclusive = RunSummary([record(INCONCLUSIVE)])
    assert only_inconclusive.exit_code() == EXIT_INCONCLUSIVE
    assert only_inconclusive.exit_code(inconclusive_fails=True) == EXIT_NONCONFORMANCE
    assert only_inconclusive.shortfall(Floor()) is not None  # the line is still printed


def _properties(element: ET.Element) -> dict[str, str]:
    found = element.find("properties")
    assert found is not None
    return {p.get("name", ""): p.get("value", "") for p in found.findall("property")}


def test_junit_counts_executed_not_applicable_by_reason_and_inconclusive() -> None:
    summary = RunSummary(
        [
            record(PASS, "a"),
            record(FAIL, "b"),
            record(NA, "c", "the target cannot inspect"),
            record(NA, "d", "the target cannot inspect"),
            record(NA, "e", "the scenario does not apply under this profile"),
            record(INCONCLUSIVE, "f"),
        ]
    )
    root = junit_document(summary).getroot()
    assert root.get("tests") == "6"
    assert _properties(root) == {
        "executed": "2",
        "deviation: code differs from the model": "0",
        "inconclusive": "1",
        "not applicable": "3",
        "not applicable: the target cannot inspect": "2",
        "not applicable: the scenario does not apply under this profile": "1",
        "not observed: certificates a device holds, which the target cannot show": "2",
    }
    suite = root.find("testsuite")
    assert suite is not None
    assert _properties(suite)["executed"] == "2"
    skipped = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert {c.get("name") for c in skipped} == {"c", "d", "e"}


def test_junit_names_an_outline_example_with_its_values() -> None:
    example = (("sender", "NO-A"), ("outcome", "applied"))
    root = junit_document(RunSummary([record(PASS, "a range", parameters=example)])).getroot()
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == ["a range [sender=NO-A, outcome=applied]"]
