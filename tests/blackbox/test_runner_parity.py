"""Both runners, every profile: all scenarios pass on the reference, with the same verdict
and the same labels for every scenario."""

from __future__ import annotations

from typing import Any

import pytest

from harness.reference.profiles import standard_profiles
from tests.blackbox.cli import results, run_cli, scenario_key

pytestmark = pytest.mark.slow

# Labels each runner sets for itself, which are allowed to differ.
RUNNER_LABELS = {"framework", "host", "thread", "language"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for runner in ("pytest-bdd", "behave"):
        out = tmp_path_factory.mktemp(runner)
        done = run_cli("run", "--runner", runner, "--all-profiles", "--results", out)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        found[runner] = results(out)
    return found


def test_every_scenario_passes_or_is_not_applicable(runs: dict[str, list[dict[str, Any]]]) -> None:
    for runner, items in runs.items():
        bad = [(r["name"], r["status"]) for r in items if r["status"] not in ("passed", "skipped")]
        assert not bad, f"{runner}: {bad}"
        profiles = {
            next(p["value"] for p in r["parameters"] if p["name"] == "profile") for r in items
        }
        assert profiles == set(standard_profiles())  # every row of the profile table


def test_same_verdict_for_every_scenario(runs: dict[str, list[dict[str, Any]]]) -> None:
    pytest_bdd = {scenario_key(r): r["status"] for r in runs["pytest-bdd"]}
    behave = {scenario_key(r): r["status"] for r in runs["behave"]}
    assert len(pytest_bdd) == len(runs["pytest-bdd"]), "scenario keys must be unique"
    assert pytest_bdd.keys() == behave.keys()
    differing = {k: (v, behave[k]) for k, v in pytest_bdd.items() if behave[k] != v}
    assert not differing
    assert len(pytest_bdd) >= 4 * 70


def test_same_labels_on_every_result(runs: dict[str, list[dict[str, Any]]]) -> None:
    def labels(result: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted(
            (lb["name"], lb["value"]) for lb in result["labels"] if lb["name"] not in RUNNER_LABELS
        )

    pytest_bdd = {scenario_key(r): labels(r) for r in runs["pytest-bdd"]}
    behave = {scenario_key(r): labels(r) for r in runs["behave"]}
    for key, value in pytest_bdd.items():
        assert behave[key] == value, key
        names = {name for name, _ in value}
        assert {"epic", "feature", "story", "severity", "requirement"} <= names, key
