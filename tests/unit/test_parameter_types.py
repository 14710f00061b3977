"""Step parameters are validated by their declared type and tables by their declared
TableType: the lint knows nothing of parameter names or phrase wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalogue.requirements import load_catalogue
from harness.features import read_features
from harness.lint import lint
from harness.parameters import OUTCOME_TABLE
from harness.settings import DEFAULT_FEATURES
from harness.world import World
from steps.library import registry
from steps.library.matcher import library_matcher

HEADER = """\
Feature: a new step
  @req:SRPD-6.1f-iii
  Scenario: using it
    Given the time is 2026-03-01 10:00
    And NO-A is a User in the role ED
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
"""


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[registry.StepDef]:
    """The library's steps, on a copy new steps can be added to for one test."""
    copy = list(registry.STEPS)
    monkeypatch.setattr(registry, "STEPS", copy)
    return copy


def _problems(folder: Path, body: str) -> list[str]:
    (folder / "new.feature").write_text(HEADER + body, encoding="utf-8")
    catalogue = load_catalogue(DEFAULT_FEATURES / "requirements.yaml")
    return [p.message for p in lint(read_features(folder), library_matcher(), catalogue)]


def test_a_new_parameter_of_a_known_type_is_validated(
    steps: list[registry.StepDef], tmp_path: Path
) -> None:
    @registry.when(
        "the clock of {device} is wound to {moment:When} and answers {answer:Code}",
        example='the clock of "meter-1" is wound to 2026-07-01 and answers E4',
    )
    def wind(world: World, device: str, moment: str, answer: str) -> None:
        raise AssertionError("the lint never runs a step")

    good = "    When the clock of meter-1 is wound to 2026-07-01 and answers E4\n"
    assert _problems(tmp_path, good) == []
    bad_date = "    When the clock of meter-1 is wound to 2026-02-30 and answers E4\n"
    assert any("2026-02-30" in p for p in _problems(tmp_path, bad_date))
    bad_code = "    When the clock of meter-1 is wound to 2026-07-01 and answers E999\n"
    assert any("E999" in p for p in _problems(tmp_path, bad_code))


def test_rewording_a_phrase_keeps_its_table_check(
    steps: list[registry.StepDef], tmp_path: Path
) -> None:
    @registry.then("each profile sees:", example="each profile sees:", table=OUTCOME_TABLE)
    def sees(world: World, table: registry.Table) -> None:
        raise AssertionError("the lint never runs a step")

    step = '    When NO-A sends SRV 4.1.1 to "meter-1"\n    Then each profile sees:\n'
    complete = "      | profile | outcome |\n      | any other profile | applied |\n"
    assert _problems(tmp_path, step + complete) == []
    missing = "      | profile | outcome |\n      | baseline | applied |\n"
    assert any("no row for profile" in p for p in _problems(tmp_path, step + missing))
    unknown = "      | profile | outcome |\n      | nonsense | applied |\n      | any other profile | applied |\n"
    assert any("unknown profile 'nonsense'" in p for p in _problems(tmp_path, step + unknown))
    columns = "      | who | outcome |\n      | baseline | applied |\n"
    assert any("| profile | outcome [| effect] |" in p for p in _problems(tmp_path, step + columns))


def test_a_table_cell_is_checked_by_its_column(tmp_path: Path) -> None:
    users = "    Given the following Users:\n      | name | role |\n      | X-1 | Wizard |\n"
    assert any(
        "Wizard" in p for p in _problems(tmp_path, users + "    Then the request is applied\n")
    )


def test_a_phrase_with_an_unknown_type_is_refused(steps: list[registry.StepDef]) -> None:
    with pytest.raises(ValueError, match="unknown parameter types"):
        registry.when("the moon is {phase:MoonPhase}", example="the moon is full")


def test_a_step_taking_a_table_declares_its_type(steps: list[registry.StepDef]) -> None:
    with pytest.raises(ValueError, match="declares its TableType"):

        @registry.then("a table without a type:", example="a table without a type:")
        def untyped(world: World, table: registry.Table) -> None: ...


@pytest.mark.parametrize("step", registry.STEPS, ids=lambda s: s.function.__name__)
def test_every_example_is_valid_for_its_types(step: registry.StepDef) -> None:
    """Each type's pattern and its check agree on the library's own examples."""
    text = step.example.split(" (table")[0]
    arguments = step.match(text)
    assert arguments is not None, f"the example of {step.phrase!r} does not match it"
    for name, value in arguments.items():
        kind = step.types[name]
        assert kind is None or kind.problem(str(value)) is None, (name, value)
