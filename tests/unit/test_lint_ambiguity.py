"""Two library phrases matching one step line is a problem of the library, named by the lint
(typed phrases make it rare: the repository's own library has none)."""

from __future__ import annotations

from pathlib import Path

from harness.catalogue.requirements import load_catalogue
from harness.features import read_features
from harness.lint import StepMatch, StepMatcher, lint
from harness.settings import DEFAULT_FEATURES

FEATURE = """\
@req:SRPD-6.1f-iii
Feature: one step, two meanings
  Scenario: ambiguous
    When something happens
"""


def test_a_step_two_phrases_match_is_named_ambiguous(tmp_path: Path) -> None:
    (tmp_path / "a.feature").write_text(FEATURE, encoding="utf-8")
    found = [StepMatch(f"phrase {n}", {}, {}, None) for n in (1, 2)]
    matcher = StepMatcher(lambda keyword, text: found, lambda text, keyword: [])
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    problems = [str(p) for p in lint(read_features(tmp_path), matcher, catalogue)]
    assert any(
        "a.feature:4: ambiguous step" in p and "phrase 1 and phrase 2" in p for p in problems
    ), problems
