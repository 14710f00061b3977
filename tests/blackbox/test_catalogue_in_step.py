"""The repository's own features: every file parses with the official Gherkin parser, every
step is known exactly once, every cited requirement exists and every testable requirement
has a scenario; and the check notices when that stops being true."""

from __future__ import annotations

from pathlib import Path

import yaml

from harness.catalogue.requirements import load_catalogue
from harness.features import read_features
from harness.lint import coverage, lint, uncovered
from harness.settings import DEFAULT_FEATURES
from steps.library.matcher import library_matcher
from tests.blackbox.cli import run_cli

CATALOGUE = DEFAULT_FEATURES / "requirements.yaml"


def test_the_repository_features_pass_the_check() -> None:
    done = run_cli("check")
    assert done.returncode == 0, done.stderr
    assert "every testable requirement covered" in done.stdout


def test_every_scenario_cites_known_requirements_and_all_are_covered() -> None:
    scenarios = read_features(DEFAULT_FEATURES)
    catalogue = load_catalogue(CATALOGUE)
    assert not lint(scenarios, library_matcher(), catalogue)
    assert not uncovered(scenarios, catalogue, CATALOGUE)
    cited = coverage(scenarios)
    assert set(cited) <= {r.id for r in catalogue.requirements}


def test_a_requirement_without_scenario_is_reported(tmp_path: Path) -> None:
    data = yaml.safe_load(CATALOGUE.read_text())
    data["requirements"].append(
        {
            "id": "NEW-untested",
            "document": "SEC-AB",
            "clause": "9.9",
            "group": "New",
            "title": "A requirement nobody tests yet",
            "severity": "normal",
            "codes": ["E4"],
        }
    )
    changed = tmp_path / "requirements.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True))
    done = run_cli("check", "--catalogue", changed)
    assert done.returncode == 2
    assert "testable requirement NEW-untested has no scenario" in done.stderr
    data["requirements"][-1] |= {"testable": False, "not_tested_because": "needs a live S1SP"}
    changed.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert run_cli("check", "--catalogue", changed).returncode == 0


def test_requirements_listing_shows_scenario_counts() -> None:
    done = run_cli("requirements")
    assert done.returncode == 0
    assert "SRPD-6.1f-ii" in done.stdout
    assert "DP107-deadlock" in done.stdout


def test_step_catalogue_lists_every_phrase_with_an_example() -> None:
    from steps.library import STEPS, matching_steps

    done = run_cli("steps")
    assert done.returncode == 0
    for step in STEPS:
        text = step.example.split(" (table")[0]
        if step.takes_table:
            text = text.rstrip(":") + ":"
        assert [s.phrase for s in matching_steps(text, step.keyword)] == [step.phrase], step.example
    assert "the outcome depends on the profile" in done.stdout
