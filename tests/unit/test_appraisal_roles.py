"""Scenarios declare their role in the options appraisal; `check` holds them to one vocabulary,
and a result's role is read from its tags and the effect the World recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.adapters.reference import ReferenceAdapter
from harness.appraisal_roles import AppraisalRole, read_role
from harness.catalogue.requirements import load_catalogue
from harness.features import read_features
from harness.lint import lint
from harness.reference.profiles import resolve
from harness.results.outcome import StatedOutcome
from harness.settings import DEFAULT_FEATURES
from harness.world import World
from steps.library.matcher import library_matcher

FEATURE = """\
Feature: a role in the appraisal
  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-B

  @req:DP107-deadlock {tags}
  Scenario: the registered NO tries
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
{table}
"""
TABLE_WITH_EFFECT = """\
      | profile               | outcome              | effect   |
      | baseline              | rejected by the S1SP | stuck    |
      | dp107-owner-path      | rejected by the S1SP | {owner}  |
      | dp107-registered-path | applied              | restores |
      | any other profile     | rejected by the S1SP | stuck    |"""
TABLE_WITHOUT = """\
      | profile           | outcome              |
      | any other profile | rejected by the S1SP |
      | dp107-registered-path | applied          |"""


def _problems(folder: Path, tags: str, table: str) -> list[str]:
    (folder / "role.feature").write_text(FEATURE.format(tags=tags, table=table), encoding="utf-8")
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    return [p.message for p in lint(read_features(folder), library_matcher(), catalogue)]


def test_a_declared_role_passes_the_check(tmp_path: Path) -> None:
    tags = "@situation:deadlock-registered-no @actor:registered-no"
    assert _problems(tmp_path, tags, TABLE_WITH_EFFECT.format(owner="stuck")) == []
    assert _problems(tmp_path, tags + " @effect:stuck", TABLE_WITHOUT) == []


def test_the_suite_declares_roles_that_pass_the_check() -> None:
    scenarios = [s for s in read_features(DEFAULT_FEATURES) if "situation:hazard" in s.tags]
    assert len(scenarios) >= 2
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    assert lint(scenarios, library_matcher(), catalogue) == []


def test_words_outside_the_vocabulary_are_refused(tmp_path: Path) -> None:
    table = TABLE_WITH_EFFECT.format(owner="stuck")
    found = _problems(tmp_path, "@situation:deadlock-by-magic", table)
    assert any(
        "@situation:deadlock-by-magic is not in the appraisal vocabulary" in p for p in found
    )
    found = _problems(tmp_path, "@situation:hazard @actor:the-regulator", table)
    assert any("@actor:the-regulator" in p for p in found)
    found = _problems(tmp_path, "@situation:hazard", TABLE_WITH_EFFECT.format(owner="fixed"))
    assert any("effect 'fixed' is not an effect" in p for p in found)


def test_a_half_declared_role_is_refused(tmp_path: Path) -> None:
    found = _problems(tmp_path, "@situation:hazard", TABLE_WITHOUT)
    assert any("needs its effect" in p for p in found)
    found = _problems(tmp_path, "@actor:registered-no @effect:stuck", TABLE_WITHOUT)
    assert any("appraisal tags without a @situation" in p for p in found)
    found = _problems(tmp_path, "@situation:hazard @situation:gas @effect:risk", TABLE_WITHOUT)
    assert any("more than one @situation" in p for p in found)


def test_the_table_effect_outranks_the_tag() -> None:
    tags = ("req:X", "situation:change-of-no", "timing:future-dated", "effect:stuck")
    assert read_role(tags, "restores") == AppraisalRole(
        "change-of-no", "restores", None, "future-dated"
    )
    assert read_role(tags, None) == AppraisalRole("change-of-no", "stuck", None, "future-dated")
    assert read_role(("req:X", "effect:stuck")) is None


@pytest.mark.parametrize(
    ("profile", "effect"), [("baseline", "risk"), ("dp107-owner-path+mp063-check", "guarded")]
)
def test_the_world_records_the_effect_of_its_profile_row(profile: str, effect: str) -> None:
    world = World(ReferenceAdapter(resolve(profile)), profile)
    world.set_time("2026-03-01 10:00")
    world.add_party("NO-A", "ED")
    world.add_device("meter-1", "ESME", "SMETS2", "1200000000002")
    world.register("NO-A", "1200000000002", "2025-01-01", None)
    world.send("NO-A", "4.1.1", "meter-1")
    rows = [("any other profile", "applied"), ("+mp063-check", "applied")]
    world.expect_per_profile(rows, {"any other profile": "risk", "+mp063-check": "guarded"})
    outcome = world.recording.conclude(None)
    assert outcome.expected is not None
    assert outcome.expected.effect == effect
    assert StatedOutcome.from_json(outcome.expected.to_json()) == outcome.expected
