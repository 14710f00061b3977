"""A profile added to the table in harness/reference/profiles.py, and nowhere else, is
listed by ``dsp-conformance profiles``, run by ``--all-profiles`` (run and selftest) and
demanded of every outcome table by the lint."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import pytest

from harness.catalogue.requirements import load_catalogue
from harness.cli import catalogues, selftest
from harness.cli import run as run_command
from harness.features import read_features
from harness.lint import lint
from harness.reference import profiles
from harness.settings import DEFAULT_FEATURES
from steps.library.matcher import library_matcher

NEW = "dp107-trial-path"

FEATURE = """\
Feature: one outcome table
  @req:SRPD-6.1f-iii
  Scenario: the outcome per profile
    Given the time is 2026-03-01 10:00
    And NO-A is a User in the role ED
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    When NO-A sends SRV 4.1.1 to "meter-1"
    Then the outcome depends on the profile:
      | profile               | outcome                     |
      | baseline              | rejected by the DSP with E4 |
      | dp107-owner-path      | rejected by the DSP with E4 |
      | dp107-registered-path | rejected by the DSP with E4 |
      | dp107-owner-to-registered | rejected by the DSP with E4 |
"""


@pytest.fixture
def new_profile(monkeypatch: pytest.MonkeyPatch) -> str:
    trial = replace(profiles.BASELINE, name=NEW, version="trial-1", summary="A trial profile.")
    monkeypatch.setitem(profiles.PROFILES, NEW, trial)
    return NEW


def _lint(folder: Path) -> list[str]:
    (folder / "one.feature").write_text(FEATURE, encoding="utf-8")
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    return [p.message for p in lint(read_features(folder), library_matcher(), catalogue)]


def test_the_listing_shows_it(new_profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert catalogues.command_profiles(argparse.Namespace()) == 0
    listed = capsys.readouterr().out
    assert new_profile in listed
    assert "trial-1" in listed


def test_all_profiles_runs_it(new_profile: str) -> None:
    chosen = run_command._profiles(argparse.Namespace(all_profiles=True, profile=[]))
    assert new_profile in chosen
    assert chosen[: len(profiles.PROFILES)] == list(profiles.PROFILES)
    every_mutant_under = selftest._override(argparse.Namespace(all_profiles=True, profile=[]))
    assert new_profile in every_mutant_under
    one = run_command._profiles(argparse.Namespace(all_profiles=False, profile=[new_profile]))
    assert one == [new_profile]
    parser = argparse.ArgumentParser()
    run_command.add_arguments(parser)
    assert new_profile in "".join(parser.format_help().split())  # wrapped at any hyphen


def test_the_lint_demands_a_row_for_it(new_profile: str, tmp_path: Path) -> None:
    problems = _lint(tmp_path)
    assert any(f"no row for profile {new_profile!r}" in p for p in problems), problems


def test_without_it_the_same_table_is_complete(tmp_path: Path) -> None:
    assert _lint(tmp_path) == []
