"""What every command that runs scenarios does first: read the catalogue and the feature
files, and check them with the step library (problems are printed, one line each)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.catalogue.requirements import Catalogue, load_catalogue
from harness.features import ScenarioInfo, read_features
from harness.lint_cache import Linted, cached_lint
from harness.settings import DEFAULT_FEATURES

if TYPE_CHECKING:
    from harness.lint import StepMatcher


@dataclass(frozen=True)
class CheckedSuite:
    catalogue_path: Path
    catalogue: Catalogue
    scenarios: list[ScenarioInfo]
    problems: int


def checked_suite(features: Path, catalogue: Path | None = None) -> CheckedSuite:
    """``catalogue`` named explicitly must exist; otherwise the features' own catalogue,
    falling back to the project's."""
    path = catalogue or features / "requirements.yaml"
    if catalogue is None and not path.exists():
        path = DEFAULT_FEATURES / "requirements.yaml"
    loaded = load_catalogue(path)
    linted = linted_suite(features, path, loaded)
    for problem in linted.problems:
        print(f"dsp-conformance: {problem}", file=sys.stderr)
    return CheckedSuite(path, loaded, linted.scenarios, len(linted.problems))


def linted_suite(features: Path, catalogue_path: Path, catalogue: Catalogue) -> Linted:
    """The scenarios under ``features`` and the lint's problems with them, from the cache
    when nothing the answer depends on changed (``harness/lint_cache.py``)."""

    def check(matcher: StepMatcher) -> Linted:
        from harness.lint import lint

        scenarios = read_features(features)
        return Linted(scenarios, lint(scenarios, matcher, catalogue))

    def matcher() -> StepMatcher:  # the step library, imported only when the lint runs
        from steps.library.matcher import library_matcher

        return library_matcher()

    return cached_lint(features, catalogue_path, matcher, check)
