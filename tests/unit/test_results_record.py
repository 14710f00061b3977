"""The one reader and writer of results: the World's outcome survives the round trip through
an Allure result, and nothing downstream reads a verdict from a message, an exception's name
or a scenario name's suffix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.adapters.reference import ReferenceAdapter
from harness.errors import Inconclusive, NonConformance, NotApplicable
from harness.expectations import parse_expectation
from harness.reference.profiles import resolve
from harness.results.outcome import (
    OUTCOME_ATTACHMENT,
    OUTCOME_KEY,
    ScenarioOutcome,
    StatedOutcome,
    conclude,
)
from harness.results.record import RecordError, read_record, read_record_file
from harness.results.verdict import Verdict
from harness.results.writer import fold_outcome
from harness.world import World


def document(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "a scenario -- @1.1 Examples",
        "status": "passed",
        "fullName": "F: a scenario",
        "labels": [{"name": "feature", "value": "F"}],
        "parameters": [
            {"name": "profile", "value": "'baseline'"},
            {"name": "sender", "value": "NO-A"},
            {"name": "target", "value": "reference"},
            {"name": "runner", "value": "behave"},
        ],
    }
    base.update(extra)
    return base


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (None, Verdict.PASS),
        (NonConformance("expected applied, got rejected"), Verdict.FAIL),
        (AssertionError("plain assert"), Verdict.FAIL),
        (NotApplicable("needs inspect", group="the target cannot inspect"), Verdict.NOT_APPLICABLE),
        (Inconclusive("no answer"), Verdict.INCONCLUSIVE),
        (KeyError("a harness bug"), Verdict.INCONCLUSIVE),
    ],
)
def test_the_verdict_follows_the_error_type(error: BaseException | None, verdict: Verdict) -> None:
    assert conclude(error).verdict is verdict


def test_not_applicable_keeps_its_reason_group() -> None:
    outcome = conclude(NotApplicable("target 'x' cannot inspect", group="cannot inspect"))
    assert (outcome.reason, outcome.reason_group) == ("target 'x' cannot inspect", "cannot inspect")


def test_an_outcome_round_trips_through_json() -> None:
    expected = parse_expectation("E4").stated()
    observed = StatedOutcome("completed", "applied")
    outcome = ScenarioOutcome(
        Verdict.FAIL,
        "expected rejected by the DSP with E4, got applied",
        expected=expected,
        observed=observed,
        by_profile=True,
        scenario_name="a scenario",
        feature_file="/features/f.feature",
    )
    assert ScenarioOutcome.from_json(json.loads(json.dumps(outcome.to_json()))) == outcome
    assert (expected.status, expected.text, expected.code, expected.answered_by) == (
        "rejected",
        "rejected by the DSP with E4",
        "E4",
        "DSP",
    )
    assert expected.grade == "fact"
    assert expected.source
    assert not expected.lets_it_through
    assert observed.lets_it_through


def test_the_record_reads_the_recorded_verdict_not_the_status_or_the_message() -> None:
    outcome = ScenarioOutcome(Verdict.NOT_APPLICABLE, "why", "group")
    misleading = document(
        status="failed",
        statusDetails={"message": "harness.errors.NonConformance: looks like a failure"},
        **{OUTCOME_KEY: outcome.to_json()},
    )
    record = read_record(misleading)
    assert record.verdict is Verdict.NOT_APPLICABLE
    assert (record.reason, record.reason_group) == ("why", "group")
    assert (record.profile, record.target, record.runner) == ("baseline", "reference", "behave")
    assert record.parameters == (("sender", "NO-A"),)
    assert record.title == "a scenario -- @1.1 Examples [sender=NO-A]"  # the name is not parsed


def test_a_result_the_harness_did_not_write_falls_back_to_its_status() -> None:
    assert read_record(document(status="skipped")).verdict is Verdict.NOT_APPLICABLE
    assert read_record(document(status="unknown")).verdict is Verdict.INCONCLUSIVE


def test_a_malformed_outcome_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x-result.json"
    path.write_text(json.dumps(document(**{OUTCOME_KEY: {"verdict": "maybe"}})))
    with pytest.raises(RecordError, match=r"x-result\.json: 'harnessOutcome'"):
        read_record_file(path)


def test_enrichment_folds_the_attached_outcome_into_the_result(tmp_path: Path) -> None:
    outcome = ScenarioOutcome(
        Verdict.FAIL, "expected applied, got rejected by the DSP with E4", scenario_name="s"
    )
    (tmp_path / "o-attachment.json").write_text(json.dumps(outcome.to_json()))
    data = document(
        status="broken",
        steps=[
            {
                "name": "Then the request is applied",
                "attachments": [{"name": OUTCOME_ATTACHMENT, "source": "o-attachment.json"}],
            }
        ],
    )
    assert fold_outcome(data, tmp_path)
    assert data["status"] == "failed"
    assert data["statusDetails"]["message"] == (
        "non-conformance: expected applied, got rejected by the DSP with E4"
    )
    assert read_record(data).outcome == outcome
    assert not fold_outcome(document(), tmp_path)  # nothing attached: nothing to fold


def _world() -> World:
    world = World(ReferenceAdapter(resolve("baseline")), "baseline")
    world.set_time("2026-03-01 10:00")
    world.add_party("NO-A", "ED")
    world.add_device("meter-1", "ESME", "SMETS2", "1200000000002")
    world.register("NO-A", "1200000000002", "2025-01-01", None)
    return world


def test_the_world_records_what_it_expected_and_observed_once() -> None:
    world = _world()
    recorded: list[ScenarioOutcome] = []
    world.recording.recorders.append(recorded.append)
    world.recording.identify("a read", "/features/f.feature")
    world.send("NO-A", "4.1.1", "meter-1")
    with pytest.raises(NonConformance) as caught:
        world.expect_per_profile([("any other profile", "rejected by the DSP with E4")])
    world.recording.conclude(caught.value)
    world.recording.conclude(RuntimeError("a cleanup error later"))  # the first conclusion stands
    [outcome] = recorded
    assert outcome.verdict is Verdict.FAIL
    assert outcome.by_profile
    assert outcome.expected == parse_expectation("rejected by the DSP with E4").stated()
    assert outcome.expected.grade == "fact"
    assert outcome.observed == StatedOutcome("completed", "applied")
    assert (outcome.scenario_name, outcome.feature_file) == ("a read", "/features/f.feature")


def test_the_world_concludes_a_pass_after_the_last_step() -> None:
    world = _world()
    world.send("NO-A", "4.1.1", "meter-1")
    world.expect(parse_expectation("applied"))
    world.recording.step_passed(steps_in_scenario=2)
    assert world.recording.outcome is None
    world.recording.step_passed(steps_in_scenario=2)
    assert world.recording.outcome is not None
    assert world.recording.outcome.verdict is Verdict.PASS
    assert not world.recording.outcome.by_profile
