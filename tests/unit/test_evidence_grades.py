"""Evidence grades: the right outcome with another code than a model-graded one is a
deviation, not a failure; a wrong outcome or a fact-graded code that differs fails."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from harness.errors import NonConformance
from harness.expectations import Observed, parse_expectation
from harness.reference.dsp import remapped_model_code
from harness.results.outcome import DEVIATION_GROUP, conclude
from harness.results.verdict import Verdict
from harness.running.junit import junit_document
from harness.running.verdicts import EXIT_NONCONFORMANCE, EXIT_OK, RunSummary
from tests.unit.test_gate import record


def test_a_model_code_answered_otherwise_with_the_same_outcome_is_a_deviation() -> None:
    expected = parse_expectation("rejected by the DSP with E44")
    assert expected.grade == "model"
    deviation = expected.judge(Observed("rejected", "E50", "DSP"))
    assert deviation is not None
    assert "E44" in deviation
    assert "E50" in deviation


def test_a_fact_code_answered_otherwise_fails() -> None:
    expected = parse_expectation("rejected by the DSP with E4")
    assert expected.grade == "fact"
    assert expected.source
    assert "DUIS" in expected.source
    with pytest.raises(NonConformance):
        expected.judge(Observed("rejected", "E2", "DSP"))


@pytest.mark.parametrize(
    "observed",
    [Observed("completed"), Observed("rejected", "E50", "S1SP"), Observed("pending")],
    ids=["accepted", "another party", "pending"],
)
def test_a_wrong_outcome_fails_whatever_the_grade(observed: Observed) -> None:
    with pytest.raises(NonConformance):
        parse_expectation("rejected by the DSP with E44").judge(observed)


def test_the_expected_outcome_carries_its_grade_and_source() -> None:
    stated = parse_expectation("E4").stated()
    assert (stated.grade, stated.code) == ("fact", "E4")
    assert stated.source
    assert parse_expectation("applied").stated().grade is None


def test_a_scenario_with_deviations_concludes_as_a_deviation_unless_it_failed() -> None:
    outcome = conclude(None, deviations=("expected E44, got E50",))
    assert outcome.verdict is Verdict.DEVIATION
    assert outcome.reason_group == DEVIATION_GROUP
    assert conclude(NonConformance("x"), deviations=("d",)).verdict is Verdict.FAIL
    assert Verdict.DEVIATION.executed
    assert Verdict.DEVIATION.allure_status == "passed"
    assert Verdict.from_status("passed") is Verdict.PASS


def test_the_remapped_model_code_is_another_model_code_and_facts_are_kept() -> None:
    assert remapped_model_code("E44") != "E44"
    assert parse_expectation(remapped_model_code("E44")).grade == "model"
    assert remapped_model_code("E4") == "E4"


def test_deviations_pass_the_gate_unless_strict_codes_and_junit_shows_them_apart() -> None:
    summary = RunSummary([record(Verdict.PASS), record(Verdict.DEVIATION, "d")])
    assert summary.exit_code() == EXIT_OK
    assert summary.exit_code(strict_codes=True) == EXIT_NONCONFORMANCE
    assert "1 deviation" in summary.counts_line()
    lenient = ET.tostring(junit_document(summary).getroot(), encoding="unicode")
    assert 'name="deviation: code differs from the model" value="1"' in lenient
    assert "<failure" not in lenient
    assert "deviation: code differs from the model: why d" in lenient
    strict = junit_document(summary, strict_codes=True).getroot()
    assert strict.get("failures") == "1"
    assert strict.find(".//testcase/failure") is not None
