"""The lint's answer cached by content (harness/lint_cache.py): a hit gives the same answer,
and any edit it depends on — a feature file, a file beside them, the catalogue, the step
library, a Registration Data file above the features folder — is a miss."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import lint_cache
from harness.catalogue.requirements import load_catalogue
from harness.features import read_features
from harness.lint import StepMatcher, lint
from harness.lint_cache import ENV_LINT_CACHE, Linted, cached_lint, suite_key
from harness.settings import DEFAULT_FEATURES, REPO_ROOT
from steps.library.matcher import library_matcher

FEATURE = """Feature: Cached
  @req:SRPD-6.1f-i
  Scenario: One
    Given the time is 2026-03-01 12:00
    {extra}
    Then nothing
"""


@pytest.fixture
def features(tmp_path: Path) -> Path:
    folder = tmp_path / "features"
    folder.mkdir()
    (folder / "one.feature").write_text(FEATURE.format(extra=""), encoding="utf-8")
    shutil.copy(DEFAULT_FEATURES / "requirements.yaml", folder / "requirements.yaml")
    return folder


class Counting:
    """A lint whose runs are counted: a hit runs nothing."""

    def __init__(self, features: Path) -> None:
        self.features = features
        self.catalogue = features / "requirements.yaml"
        self.runs = 0

    def __call__(self, matcher: StepMatcher) -> Linted:
        self.runs += 1
        scenarios = read_features(self.features)
        return Linted(scenarios, lint(scenarios, matcher, load_catalogue(self.catalogue)))

    def lint(self) -> Linted:
        return cached_lint(self.features, self.catalogue, library_matcher, self)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(ENV_LINT_CACHE, str(folder))
    return folder


def test_a_hit_is_the_same_answer_without_linting(features: Path, cache: Path) -> None:
    counting = Counting(features)
    first = counting.lint()
    again = counting.lint()
    assert counting.runs == 1
    assert again == first
    assert [s.name for s in again.scenarios] == ["One"]
    assert again.problems  # "Then nothing" is no step of the library: kept as found
    assert len(list(cache.glob("*.lint"))) == 1


def test_an_edited_feature_file_is_a_miss(features: Path, cache: Path) -> None:
    counting = Counting(features)
    before = counting.lint()
    edited = FEATURE.format(extra="And the time is 2026-03-02 12:00")
    (features / "one.feature").write_text(edited, encoding="utf-8")
    after = counting.lint()
    assert counting.runs == 2
    assert len(after.scenarios[0].steps) == len(before.scenarios[0].steps) + 1
    (features / "one.feature").write_text(FEATURE.format(extra=""), encoding="utf-8")
    assert counting.lint() == before  # back as it was: the first answer again
    assert counting.runs == 2


def test_a_new_file_beside_the_features_or_a_catalogue_edit_is_a_miss(
    features: Path, cache: Path
) -> None:
    counting = Counting(features)
    counting.lint()
    (features / "data").mkdir()
    (features / "data" / "registrations.csv").write_text("MPxN,role\n", encoding="utf-8")
    counting.lint()
    assert counting.runs == 2
    catalogue = features / "requirements.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    counting.lint()
    assert counting.runs == 3


def test_a_step_library_change_is_a_miss(
    features: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(features)
    key = suite_key(features, features / "requirements.yaml")
    counting.lint()
    lint_cache.library_version.cache_clear()
    monkeypatch.setattr(lint_cache, "_CODE", (*lint_cache._CODE, features.parent / "library"))
    (features.parent / "library").mkdir()
    (features.parent / "library" / "phrases.py").write_text("PHRASES = ('x',)\n", "utf-8")
    try:
        assert suite_key(features, features / "requirements.yaml") != key
        counting.lint()
        assert counting.runs == 2
    finally:
        lint_cache.library_version.cache_clear()


def test_the_library_version_covers_the_step_library_and_the_lint() -> None:
    code = [p.relative_to(REPO_ROOT) for p in lint_cache._CODE]
    assert Path("steps") in code
    assert Path("harness") in code  # harness/lint.py, parameters.py, profiles, tags


def test_a_registration_file_above_the_features_folder_is_watched(
    tmp_path: Path, cache: Path
) -> None:
    """The lint looks for a named Registration Data file in the feature file's folder and
    every folder above it: one found above the features folder is part of the answer."""
    features = tmp_path / "suite" / "features"
    features.mkdir(parents=True)
    shutil.copy(DEFAULT_FEATURES / "requirements.yaml", features / "requirements.yaml")
    step = 'Given the Registration Data in "regs.csv"'
    (features / "one.feature").write_text(FEATURE.format(extra=step), encoding="utf-8")
    outside = tmp_path / "suite" / "regs.csv"
    counting = Counting(features)
    absent = counting.lint()
    assert any("regs.csv" in p.message for p in absent.problems)
    assert counting.lint() == absent
    assert counting.runs == 1
    outside.write_text("not,a,registration\n", encoding="utf-8")  # appears above: a miss
    counting.lint()
    assert counting.runs == 2
    counting.lint()
    assert counting.runs == 2
    outside.write_text("edited\n", encoding="utf-8")
    counting.lint()
    assert counting.runs == 3


def test_off_lints_every_time_and_a_broken_entry_is_a_miss(
    features: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(features)
    counting.lint()
    (entry,) = cache.glob("*.lint")
    entry.write_bytes(b"lint-cache 1\nnot a pickle")
    counting.lint()
    assert counting.runs == 2
    monkeypatch.setenv(ENV_LINT_CACHE, "off")
    counting.lint()
    counting.lint()
    assert counting.runs == 4


def test_only_the_most_recent_answers_are_kept(
    features: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lint_cache, "KEEP", 2)
    counting = Counting(features)
    for n in range(4):
        extra = f"And the time is 2026-03-0{n + 1} 12:00"
        (features / "one.feature").write_text(FEATURE.format(extra=extra), encoding="utf-8")
        counting.lint()
    assert len(list(cache.glob("*.lint"))) == 2


def test_run_reads_an_unchanged_suite_from_the_cache(
    features: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.cli import checked

    reads: list[Path] = []

    def counted(root: Path) -> list[object]:
        reads.append(root)
        return read_features(root)  # type: ignore[return-value]

    monkeypatch.setattr(checked, "read_features", counted)
    first = checked.checked_suite(features)
    again = checked.checked_suite(features)
    assert len(reads) == 1
    assert again == first
