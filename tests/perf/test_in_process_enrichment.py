"""Results completed inside the runner process, as each is written, are the results the pass
over the folder afterwards writes (harness/running/allure_logger.py, enrich.py), and the CLI
reads them from the records, not from the folder."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Attachment, Label, Parameter
from allure_commons.model2 import TestResult as AllureResult

from harness.catalogue.requirements import load_catalogue
from harness.errors import ConfigurationError
from harness.features import ScenarioInfo, read_features
from harness.results.manifest import sha256_of
from harness.results.outcome import OUTCOME_ATTACHMENT, ScenarioOutcome, StatedOutcome
from harness.results.record import read_record
from harness.results.verdict import Verdict
from harness.running.allure_logger import EnrichingFileLogger, file_logger
from harness.running.enrich import EnrichmentIndex, RunIdentity, enrich
from harness.running.records import ENV_ENRICHMENT, EnrichmentJob, read_records
from harness.settings import DEFAULT_FEATURES

RUN = RunIdentity("baseline", "reference", "behave")


@pytest.fixture(scope="module")
def suite() -> tuple[list[ScenarioInfo], EnrichmentIndex]:
    scenarios = read_features(DEFAULT_FEATURES)
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    return scenarios, EnrichmentIndex.of(scenarios, catalogue)


def _result(scenario: ScenarioInfo, outcome_source: str | None) -> AllureResult:
    attachments = []
    if outcome_source is not None:
        attachments.append(
            Attachment(name=OUTCOME_ATTACHMENT, source=outcome_source, type="application/json")
        )
    return AllureResult(
        uuid="u-1",
        name=f"{scenario.name} -- @1.1 Examples",
        fullName="runner's own",
        status="passed",
        labels=[Label(name="feature", value=scenario.feature), Label(name="suite", value="x")],
        parameters=[Parameter(name="sender", value="NO-A")],
        attachments=attachments,
        start=1,
        stop=2,
    )


def _outcome(scenario: ScenarioInfo, verdict: Verdict) -> str:
    outcome = ScenarioOutcome(
        verdict,
        reason="" if verdict is Verdict.PASS else "expected applied, got rejected",
        expected=StatedOutcome("completed", "applied"),
        scenario_name=scenario.name,
        feature_file=str(scenario.path.resolve()),
    )
    return json.dumps(outcome.to_json())


def _job(tmp_path: Path, index: EnrichmentIndex) -> EnrichmentJob:
    path = tmp_path / "index.json"
    path.write_text(json.dumps(index.to_json()), encoding="utf-8")
    return EnrichmentJob(path, RUN, tmp_path / "records")


def _only_result(folder: Path) -> dict[str, object]:
    (path,) = folder.glob("*-result.json")
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("verdict", [Verdict.PASS, Verdict.FAIL])
@pytest.mark.parametrize("tagged", [0, -1])  # the first scenario, and the last
def test_completed_as_written_is_the_pass_afterwards(
    tmp_path: Path, suite: tuple[list[ScenarioInfo], EnrichmentIndex], verdict: Verdict, tagged: int
) -> None:
    scenarios, index = suite
    scenario = scenarios[tagged]
    body = _outcome(scenario, verdict)

    after = tmp_path / "afterwards"  # Allure's logger, then the pass over the folder
    plain = AllureFileLogger(str(after))  # type: ignore[no-untyped-call]
    plain.report_attached_data(body, "o-attachment.json")  # type: ignore[no-untyped-call]
    plain.report_result(_result(scenario, "o-attachment.json"))  # type: ignore[no-untyped-call]
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    (passed,) = enrich(set(after.glob("*-result.json")), scenarios, catalogue, RUN)

    inside = tmp_path / "inside"  # the enriching logger, in the runner process
    logger = EnrichingFileLogger(str(inside), _job(tmp_path, index))
    logger.report_attached_data(body, "o-attachment.json")
    logger.report_result(_result(scenario, "o-attachment.json"))
    logger.drain()  # written by the logger's writer process

    assert _only_result(inside) == passed == _only_result(after)
    records = read_records(tmp_path / "records")
    (recorded,) = records.documents
    assert recorded == passed
    assert read_record(recorded).verdict is verdict
    assert json.loads((inside / "o-attachment.json").read_text()) == json.loads(body)
    # every file it wrote, hashed as written: the evidence manifest takes these hashes
    assert records.files == {p.name: sha256_of(p) for p in inside.iterdir()}
    assert len(records.files) == 2
    assert {"name": "profile", "value": "baseline"} in passed["parameters"]


@pytest.mark.parametrize("verdict", [Verdict.PASS, Verdict.FAIL])
def test_an_outcome_handed_over_in_memory_is_the_attached_one_without_its_file(
    tmp_path: Path, suite: tuple[list[ScenarioInfo], EnrichmentIndex], verdict: Verdict
) -> None:
    """``run``'s World hands its outcome to the logger (``take_outcome``): the result is the
    one an attached outcome gives, less the attachment, and only the result is written."""
    scenarios, index = suite
    scenario = scenarios[0]
    body = _outcome(scenario, verdict)

    (tmp_path / "a").mkdir()
    attached = EnrichingFileLogger(str(tmp_path / "attached"), _job(tmp_path / "a", index))
    attached.report_attached_data(body, "o-attachment.json")
    attached.report_result(_result(scenario, "o-attachment.json"))
    attached.drain()
    expected = _only_result(tmp_path / "attached")
    del expected["attachments"]  # Allure writes no empty list

    (tmp_path / "h").mkdir()
    handed = EnrichingFileLogger(str(tmp_path / "handed"), _job(tmp_path / "h", index))
    handed.take_outcome(ScenarioOutcome.from_json(json.loads(body)))
    handed.report_result(_result(scenario, None))
    handed.drain()
    assert _only_result(tmp_path / "handed") == expected
    records = read_records(tmp_path / "h" / "records")
    assert [p.name for p in (tmp_path / "handed").iterdir()] == list(records.files)
    assert read_record(records.documents[0]).verdict is verdict

    # the next result, whose World handed nothing over, does not inherit it
    handed.report_result(_result(scenarios[1], None))
    handed.drain()
    later = read_records(tmp_path / "h" / "records").documents[1]
    assert "harnessOutcome" not in later


def test_the_recorder_hands_the_outcome_to_a_logger_that_takes_it(
    monkeypatch: pytest.MonkeyPatch, suite: tuple[list[ScenarioInfo], EnrichmentIndex]
) -> None:
    import allure
    from allure_commons import plugin_manager

    from harness.evidence import allure_recorder

    scenarios, _ = suite
    outcome = ScenarioOutcome.from_json(json.loads(_outcome(scenarios[0], Verdict.FAIL)))
    attached: list[str] = []
    monkeypatch.setattr(allure, "attach", lambda body, **kw: attached.append(kw["name"]))
    allure_recorder()(outcome)  # no logger takes it: attached, for enrich to fold in
    assert attached == [OUTCOME_ATTACHMENT]

    class Sink:
        def __init__(self) -> None:
            self.taken: list[ScenarioOutcome] = []

        def take_outcome(self, given: ScenarioOutcome) -> None:
            self.taken.append(given)

    sink = Sink()
    plugin_manager.register(sink)
    try:
        allure_recorder()(outcome)
    finally:
        plugin_manager.unregister(sink)
    assert sink.taken == [outcome]
    assert attached == [OUTCOME_ATTACHMENT]  # nothing attached the second time


def test_a_result_without_an_outcome_is_found_by_its_feature_and_name(
    tmp_path: Path, suite: tuple[list[ScenarioInfo], EnrichmentIndex]
) -> None:
    scenarios, index = suite
    scenario = scenarios[3]
    logger = EnrichingFileLogger(str(tmp_path / "r"), _job(tmp_path, index))
    result = _result(scenario, None)
    result.name = scenario.name
    logger.report_result(result)
    logger.drain()
    (document,) = read_records(tmp_path / "records").documents
    assert document["harnessScenario"] == {"file": str(scenario.path), "line": scenario.line}
    assert document == _only_result(tmp_path / "r")


def test_an_outcome_the_harness_did_not_write_stops_the_run_with_one_line(
    tmp_path: Path, suite: tuple[list[ScenarioInfo], EnrichmentIndex]
) -> None:
    scenarios, index = suite
    logger = EnrichingFileLogger(str(tmp_path / "r"), _job(tmp_path, index))
    logger.report_attached_data('{"verdict": "maybe"}', "o-attachment.json")
    logger.report_result(_result(scenarios[0], "o-attachment.json"))
    logger.drain()
    assert _only_result(tmp_path / "r")["fullName"] == "runner's own"  # as reported
    with pytest.raises(ConfigurationError, match="cannot complete an Allure result"):
        read_records(tmp_path / "records")


def test_the_index_survives_its_json(suite: tuple[list[ScenarioInfo], EnrichmentIndex]) -> None:
    _, index = suite
    again = EnrichmentIndex.from_json(json.loads(json.dumps(index.to_json())))
    assert again == index
    assert again.by_file == index.by_file
    assert again.by_feature == index.by_feature


def test_without_a_job_the_logger_is_allures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_ENRICHMENT, raising=False)
    assert type(file_logger(str(tmp_path))) is AllureFileLogger
    monkeypatch.setenv(ENV_ENRICHMENT, str(tmp_path / "missing.json"))
    with pytest.raises(ConfigurationError, match="not an enrichment job"):
        file_logger(str(tmp_path))


def test_a_torn_record_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "records-1.jsonl").write_text('{"name": "a"}\n{"name": ', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"records-1.jsonl:2: cannot read"):
        read_records(tmp_path)
    assert read_records(tmp_path / "absent").documents == []


def _meaning(folder: Path) -> dict[tuple[str, str], object]:
    """Each result by (full name, parameters), less what differs from run to run."""
    found: dict[tuple[str, str], object] = {}
    for path in folder.glob("*-result.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        for key in ("uuid", "start", "stop"):
            document.pop(key, None)
        text = json.dumps(document, sort_keys=True)
        text = re.sub(r'"source": "[^"]+"', '"source": ""', text)  # attachment file names
        text = re.sub(r'"(start|stop)": \d+', r'"\1": 0', text)  # the steps' times
        text = re.sub(r" at 0x[0-9a-f]+", "", text)  # object addresses in step parameters
        text = re.sub(r'"\d+-MainThread"', '"thread"', text)
        text = re.sub(r"counter \d+", "counter", text)  # time-based RequestID counters
        document = json.loads(text)
        found[(document["fullName"], json.dumps(document["parameters"]))] = document
    return found


def _without_outcome_attachment(node: dict[str, Any]) -> int:
    """Drop the outcome attachments of ``node`` and its steps; how many there were."""
    attachments = node.get("attachments", [])
    kept = [a for a in attachments if a["name"] != OUTCOME_ATTACHMENT]
    if kept:
        node["attachments"] = kept
    else:  # Allure writes no empty list
        node.pop("attachments", None)
    dropped = len(attachments) - len(kept)
    return dropped + sum(_without_outcome_attachment(step) for step in node.get("steps", []))


@pytest.mark.slow
@pytest.mark.parametrize("runner", ["pytest-bdd", "behave"])
def test_a_run_enriched_as_written_equals_allures_results_enriched_afterwards(
    tmp_path: Path, runner: str
) -> None:
    """The runner process of ``run`` (enriching logger) against the same runner with Allure's
    own logger followed by the pass over the folder: the same documents."""
    from harness.running.runners import RunnerJob, run_job
    from harness.settings import RunSettings

    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    scenarios = read_features(DEFAULT_FEATURES)
    index = EnrichmentIndex.of(scenarios, catalogue)
    run = RunIdentity("baseline", "reference", runner)
    tags = "@req:SRPD-6.1f-i and not @generated"

    def job(results: Path, enrichment: Path | None) -> RunnerJob:
        settings = RunSettings(profile="baseline")
        return RunnerJob(runner, settings, DEFAULT_FEATURES, results, tags, enrichment=enrichment)

    afterwards = tmp_path / "afterwards"
    assert run_job(job(afterwards, None), echo=False).code in (0, 1)
    enrich(set(afterwards.glob("*-result.json")), scenarios, catalogue, run)

    inside = tmp_path / "inside"
    index_file = tmp_path / "index.json"
    index_file.write_text(json.dumps(index.to_json()), encoding="utf-8")
    enrichment = EnrichmentJob(index_file, run, tmp_path / "records").write(tmp_path / "job")
    assert run_job(job(inside, enrichment), echo=False).code in (0, 1)

    expected = _meaning(afterwards)
    assert expected
    for document in expected.values():  # attached there, handed over in memory here
        assert isinstance(document, dict)
        assert _without_outcome_attachment(document) == 1
    assert _meaning(inside) == expected
    assert len(read_records(tmp_path / "records").documents) == len(expected)
