"""The generated suite: tables in, Scenario Outlines out; committed files up to date; every
generated scenario passes against the reference under every profile; kept out of the default
run."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.decision_table import Case, cases, decide, load_table
from harness.errors import ConfigurationError
from harness.features import read_features
from harness.generate import (
    DEFAULT_OUT,
    DEFAULT_TABLES,
    planned,
    stale,
)
from harness.reference.profiles import PROFILES, standard_profiles
from harness.reference.rules import RULES
from harness.settings import DEFAULT_FEATURES
from tests.blackbox.cli import results, run_cli
from tests.inprocess import run_all
from tests.perf.suites import generated, tags_of

TABLE = DEFAULT_TABLES / "authorisation.yaml"


def test_the_committed_feature_files_match_their_tables() -> None:
    assert stale(DEFAULT_TABLES, DEFAULT_OUT) == []
    done = run_cli("generate", "--check", timeout=120)
    assert done.returncode == 0, done.stderr


def test_generation_is_deterministic() -> None:
    assert planned(DEFAULT_TABLES) == planned(DEFAULT_TABLES)


def test_every_combination_becomes_one_example() -> None:
    table = load_table(TABLE)
    scenarios = read_features(DEFAULT_OUT)
    assert len(scenarios) == table.size() == len(cases(table))
    assert all("generated" in s.tags for s in scenarios)
    assert all(any(t.startswith("req:") for t in s.tags) for s in scenarios)
    texts = [tuple(step.text for step in s.steps) for s in scenarios]
    assert len(set(texts)) == len(texts), "two examples send the same thing"


@pytest.mark.parametrize("size", [1, 7, 250, 5000])
def test_a_resized_suite_has_exactly_that_many_distinct_examples(tmp_path: Path, size: int) -> None:
    scenarios = read_features(generated(tmp_path, size))
    assert len(scenarios) == size
    texts = [tuple(step.text for step in s.steps) for s in scenarios]
    assert len(set(texts)) == size  # past the table's end, fresh meter points


@pytest.mark.parametrize("size", [100, 1000, 5000])
def test_a_resized_suite_keeps_the_mix_of_outcomes_of_the_whole_table(size: int) -> None:
    """A benchmark comparing sizes compares the same work only if each size has the same
    share of each outcome ("applied" scenarios cost the most)."""
    table = load_table(TABLE)

    def shares(chosen: list[Case]) -> dict[str, float]:
        outcomes = [decide(table, case).outcome for case in chosen]
        return {o: outcomes.count(o) / len(outcomes) for o in set(outcomes)}

    whole, resized = shares(cases(table)), shares(cases(table, size))
    assert resized.keys() == whole.keys()
    for outcome, share in whole.items():
        assert abs(resized[outcome] - share) < 0.08, (outcome, resized[outcome], share)


def test_the_generated_files_pass_check(tmp_path: Path) -> None:
    done = run_cli("check", "--features", generated(tmp_path / "features", 400), "--no-coverage")
    assert done.returncode == 0, done.stderr[-2000:]
    done = run_cli("check")  # the whole committed features folder, generated suite included
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("role", "srv", "device", "status", "registered", "expected"),
    [
        ("OU", "4.1.1", "ESME", "Commissioned", "Sender", ("E2", "DUIS-E2")),
        ("IS", "4.1.1", "PPMID", "Commissioned", "Sender", ("E11", "DUIS-E11")),
        ("IS", "4.1.1", "ESME", "Suspended", "Sender", ("E5", "DUIS-E5")),
        ("GS", "4.1.1", "ESME", "Commissioned", "Sender", ("E4", "SRPD-6.1f-iii")),
        ("IS", "4.8.1", "ESME", "Commissioned", "Rival", ("E4", "SRPD-6.1f-i")),
        ("IS", "6.24.1", "ESME", "Commissioned", "Sender", ("applied", "SRPD-6.1f-iii")),
        ("OU", "4.8.1", "GSME", "Commissioned", "Rival", ("applied", "SRPD-6.1f-i")),
        ("RSA", "8.2", "IHD", "Suspended", "Rival", ("applied", "DUIS-E2")),
    ],
)
def test_the_first_failing_check_decides(
    role: str, srv: str, device: str, status: str, registered: str, expected: tuple[str, str]
) -> None:
    table = load_table(TABLE)
    group = decide(
        table, Case(role, srv, device, "SMETS1", status, table.devices[device], registered)
    )
    assert (group.outcome, group.requirements[0]) == expected


def test_a_table_naming_what_the_harness_does_not_know_is_refused(tmp_path: Path) -> None:
    text = TABLE.read_text(encoding="utf-8")
    for old, new, message in (
        ("roles: [IS,", "roles: [XX,", "unknown User Role"),
        ('"6.24.1": SRPD-6.1f-iii', '"6.15.1": SRPD-6.1f-iii', "critical flow"),
        ("registered: [Sender, Rival]", "registered: [Sender, Nobody]", "Sender or Rival"),
    ):
        bad = tmp_path / "tables" / "bad.yaml"
        bad.parent.mkdir(exist_ok=True)
        bad.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(ConfigurationError, match=message):
            load_table(bad)
        done = run_cli("generate", "--tables", bad.parent, "--out", tmp_path / "out")
        assert done.returncode == 2
        assert message in done.stderr


def test_the_default_run_leaves_the_generated_suite_out(tmp_path: Path) -> None:
    done = run_cli("run", "--profile", "baseline", "--results", tmp_path / "r")
    assert done.returncode == 0, done.stdout[-2000:]
    found = results(tmp_path / "r")
    assert found
    assert not any("generated" in tags_of(r) for r in found)
    handwritten = [s for s in read_features(DEFAULT_FEATURES) if "generated" not in s.tags]
    assert len(found) == len(handwritten)


def test_tags_that_do_not_name_the_generated_suite_leave_it_out(tmp_path: Path) -> None:
    done = run_cli("run", "--tags", "@req:DUIS-E2", "--results", tmp_path / "r")
    assert done.returncode == 0, done.stdout[-2000:]
    assert not any("generated" in tags_of(r) for r in results(tmp_path / "r"))
    done = run_cli("run", "--tags", "@generated and @req:DUIS-E5", "--results", tmp_path / "g")
    assert done.returncode == 0, done.stdout[-2000:]
    found = results(tmp_path / "g")
    assert found
    assert all("generated" in tags_of(r) for r in found)


ALL_PROFILES = [*PROFILES, "baseline+mp063-check"]


def test_every_generated_scenario_passes_under_every_profile_in_process() -> None:
    """The generator's oracle (each example's expected outcome) against the reference DSP,
    through the same steps and World as a run; the runner path is the slow test below."""
    scenarios = read_features(DEFAULT_OUT)
    assert len(scenarios) == load_table(TABLE).size()
    verdicts = run_all(scenarios, ALL_PROFILES)
    assert len(verdicts) == len(ALL_PROFILES) * len(scenarios)
    wrong = [
        f"{v.profile}: {v.scenario.name}: {v.message}" for v in verdicts if v.status != "passed"
    ]
    assert not wrong, "\n".join(wrong[:10])


def test_the_in_process_comparison_catches_a_reference_that_disagrees_with_the_oracle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(RULES, "DUIS-E2", lambda check: None)  # roles never refused
    scenarios = [s for s in read_features(DEFAULT_OUT) if "req:DUIS-E2" in s.tags]
    assert scenarios
    verdicts = run_all(scenarios, ["baseline"])
    failed = [v for v in verdicts if v.status == "failed"]
    assert failed
    assert all(v.status in ("failed", "passed") for v in verdicts)
    assert all("E2" in v.message for v in failed), failed[0].message


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_every_generated_scenario_passes_under_every_profile(tmp_path: Path) -> None:
    done = run_cli(
        "run",
        "--tags",
        "@generated",
        "--all-profiles",
        "-n",
        "2",
        "--results",
        tmp_path / "r",
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    found = results(tmp_path / "r")
    assert len(found) == len(standard_profiles()) * load_table(TABLE).size()
    assert {r["status"] for r in found} == {"passed"}
