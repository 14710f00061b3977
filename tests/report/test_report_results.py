"""Reading Allure results directories into ScenarioResults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic_results import (
    ALL_SCENARIOS,
    BASELINE,
    DEADLOCK_OWNER,
    DEADLOCK_REGISTERED,
    HTTP_TARGET,
    MP063,
    OWNER,
    PRECOMMAND,
    REFERENCE,
    REGISTERED,
    REQUEST_ID_1,
    TWO_RUNNERS,
    Outcome,
    ResultsWriter,
    Scenario,
)

from harness.errors import HarnessError
from harness.report import ResultsError, ResultSet, Verdict, read_results
from harness.report.environment import parse_properties
from harness.results.record import UNSPECIFIED


def expected_count() -> int:
    return sum(len(s.outcomes) * len(s.targets) for s in ALL_SCENARIOS)


def test_every_result_is_read_and_a_retry_keeps_only_the_latest(result_set: ResultSet) -> None:
    assert len(result_set.scenarios) == expected_count()
    assert result_set.superseded == 1
    retried = [
        s
        for s in result_set.scenarios
        if s.name == DEADLOCK_OWNER.name and s.profile == BASELINE and s.target == REFERENCE
    ]
    assert len(retried) == 1
    assert retried[0].verdict is Verdict.PASS  # the later attempt, not the timed-out one


def test_profiles_and_targets_are_unquoted_and_baseline_comes_first(
    result_set: ResultSet,
) -> None:
    assert result_set.profiles == (BASELINE, MP063, OWNER, REGISTERED)
    assert result_set.targets == (HTTP_TARGET, REFERENCE)
    assert result_set.runs[0].profile == BASELINE


def test_statuses_map_to_the_harness_verdicts(result_set: ResultSet) -> None:
    seen = {(s.status, s.verdict) for s in result_set.scenarios}
    assert seen == {
        ("passed", Verdict.PASS),
        ("failed", Verdict.FAIL),
        ("broken", Verdict.INCONCLUSIVE),
        ("skipped", Verdict.NOT_APPLICABLE),
    }
    skipped = next(s for s in result_set.scenarios if s.name == PRECOMMAND.name)
    assert skipped.reason == "the target does not declare the capability 'critical-flow'"


def test_requirement_ids_come_from_labels_tags_and_links(result_set: ResultSet) -> None:
    by_name = {s.name: s for s in result_set.scenarios}
    assert by_name[DEADLOCK_OWNER.name].requirements == ("DP107-deadlock", "SRPD-6.1f-ii")
    assert by_name[REQUEST_ID_1.name].requirements == ("DUIS-request-id",)  # links + tags


def test_example_parameters_keep_outline_rows_apart(result_set: ResultSet) -> None:
    rows = {
        s.title for s in result_set.scenarios if s.name == REQUEST_ID_1.name and s.profile == OWNER
    }
    assert rows == {
        f"{REQUEST_ID_1.name} [counter=1]",
        f"{REQUEST_ID_1.name} [counter=18446744073709551615]",
    }


def test_attachments_are_collected_from_steps_and_fixtures(result_set: ResultSet) -> None:
    with_fixture = [
        s for s in result_set.scenarios if any(a.name == "provisioned world" for a in s.attachments)
    ]
    assert len(with_fixture) == 1
    names = [a.name for a in with_fixture[0].attachments]
    assert names == ["DUIS request", "Data table", "provisioned world"]
    for scenario in result_set.scenarios:
        for attachment in scenario.attachments:
            assert (result_set.directory / attachment.source).is_file()


def test_environment_properties_give_sha_schema_and_version(result_set: ResultSet) -> None:
    env = result_set.environment
    assert env.git_sha == "4f3c2b1a9e8d"
    assert env.duis_schema_version == "5.4"
    assert env.harness_version == "0.1.0"


def test_timestamps_and_period(result_set: ResultSet) -> None:
    period = result_set.period
    assert period is not None
    assert all(s.start is not None and s.stop is not None for s in result_set.scenarios)
    assert period[0] <= min(s.start or 0 for s in result_set.scenarios)


def test_java_properties_syntax() -> None:
    text = (
        "# comment\n! another\n\n"
        "git.sha = abc\n"
        "duis.schema.version: 5.4\n"
        "target  http://127.0.0.1:8080\n"
        "long = first \\\n    second\n"
        "escaped = caf\\u00e9\\tx\\=y\n"
        "bare\n"
    )
    assert dict(parse_properties(text)) == {
        "git.sha": "abc",
        "duis.schema.version": "5.4",
        "target": "http://127.0.0.1:8080",
        "long": "first second",
        "escaped": "café\tx=y",
        "bare": "",
    }


def test_a_result_without_profile_or_target_is_marked_unspecified(tmp_path: Path) -> None:
    (tmp_path / "a-result.json").write_text(
        json.dumps({"name": "bare", "status": "passed"}), encoding="utf-8"
    )
    (scenario,) = read_results(tmp_path).scenarios
    assert (scenario.profile, scenario.target, scenario.feature) == (
        UNSPECIFIED,
        UNSPECIFIED,
        "(no feature)",
    )


def test_allure_unknown_status_is_inconclusive(tmp_path: Path) -> None:
    (tmp_path / "a-result.json").write_text(
        json.dumps({"name": "odd", "status": "unknown"}), encoding="utf-8"
    )
    assert read_results(tmp_path).scenarios[0].verdict is Verdict.INCONCLUSIVE


def test_parameters_that_are_not_python_reprs_are_kept_as_written(tmp_path: Path) -> None:
    writer = ResultsWriter(tmp_path)
    document = writer.result(
        Scenario("odd quotes", "F", (), {BASELINE: Outcome("passed")}),
        BASELINE,
        REFERENCE,
        Outcome("passed"),
    )
    document["parameters"] = [
        {"name": "profile", "value": "'it's'"},
        {"name": "target", "value": "plain"},
    ]
    writer.written[-1].write_text(json.dumps(document), encoding="utf-8")
    (scenario,) = read_results(tmp_path).scenarios
    assert (scenario.profile, scenario.target) == ("'it's'", "plain")


# --- what goes wrong, said plainly --------------------------------------------------------------


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ResultsError, match="does not exist") as caught:
        read_results(missing)
    assert str(missing) in str(caught.value)
    assert isinstance(caught.value, HarnessError)


def test_a_file_given_as_directory_is_named(tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ResultsError, match="is not a directory"):
        read_results(path)


def test_an_empty_directory_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "environment.properties").write_text("a=b\n", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"holds no \*-result\.json files"):
        read_results(tmp_path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"name": "x", "status": ', "not valid JSON"),
        (b"[1, 2]", "expected a JSON object, found list"),
        (b'{"status": "passed"}', "has no 'name'"),
        (b'{"name": "x", "status": "exploded"}', "unknown status 'exploded'"),
        (b'{"name": "x", "status": "passed", "labels": {"a": 1}}', "'labels' should be a list"),
        (b'{"name": "x", "status": "passed", "start": "soon"}', "'start' should be a number"),
        (b'{"name": "x", "status": "passed", "statusDetails": 3}', "'statusDetails' is not"),
        (b'{"name": 7, "status": "passed"}', "'name' should be text"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_an_unreadable_result_file_is_named(tmp_path: Path, content: bytes, expected: str) -> None:
    ResultsWriter(tmp_path).scenario(Scenario("fine", "F", (), {BASELINE: Outcome("passed")}))
    broken = tmp_path / "0000-broken-result.json"
    broken.write_bytes(content)
    with pytest.raises(ResultsError) as caught:
        read_results(tmp_path)
    assert broken.name in str(caught.value)
    assert expected in str(caught.value)


def test_an_unreadable_container_is_named(tmp_path: Path) -> None:
    ResultsWriter(tmp_path).scenario(Scenario("fine", "F", (), {BASELINE: Outcome("passed")}))
    (tmp_path / "c-container.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"c-container\.json: not valid JSON"):
        read_results(tmp_path)


def test_a_broken_executor_file_is_named(tmp_path: Path) -> None:
    ResultsWriter(tmp_path).scenario(Scenario("fine", "F", (), {BASELINE: Outcome("passed")}))
    (tmp_path / "executor.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"executor\.json: expected a JSON object"):
        read_results(tmp_path)


def test_the_required_outcome_is_the_one_the_world_recorded(result_set: ResultSet) -> None:
    """The profile table's row the World picked (exact profile, switch, base, any other) is
    read from the recorded outcome; a result without one states no required outcome."""
    expected = {
        s.profile: s.required.text if s.required else None
        for s in result_set.scenarios
        if s.name == DEADLOCK_REGISTERED.name
    }
    assert expected == {
        BASELINE: "rejected by the S1SP",
        MP063: "rejected by the S1SP with I0",
        REGISTERED: "applied",
        OWNER: "rejected by the S1SP",
    }
    assert {s.required for s in result_set.scenarios if s.name == DEADLOCK_OWNER.name} == {None}


def test_a_requirement_link_named_with_its_clause_gives_the_id(tmp_path: Path) -> None:
    (tmp_path / "a-result.json").write_text(
        json.dumps(
            {
                "name": "linked",
                "status": "passed",
                "links": [
                    {"type": "requirement", "name": "DP107-deadlock — DP107 §2", "url": "x"},
                    {"type": "issue", "name": "JIRA-1", "url": "y"},
                ],
            }
        ),
        encoding="utf-8",
    )
    assert read_results(tmp_path).scenarios[0].requirements == ("DP107-deadlock",)


def test_two_runners_are_two_lanes_not_retries(tmp_path: Path) -> None:
    ResultsWriter(tmp_path).scenario(TWO_RUNNERS)
    results = read_results(tmp_path)
    assert results.superseded == 0
    assert [results.lane_label(lane) for lane in results.lanes] == [
        "reference (behave)",
        "reference (pytest-bdd)",
    ]
    assert {s.runner for s in results.scenarios} == {"behave", "pytest-bdd"}
    assert {s.title for s in results.scenarios} == {TWO_RUNNERS.name}  # runner is not a parameter
