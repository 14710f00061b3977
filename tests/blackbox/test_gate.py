"""The gate through the real command line: a run that executed nothing exits 4 with one line
saying so, ``--min-executed`` raises the floor, and the JUnit file counts what executed and
names every Scenario Outline example by its values, under both runners."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.blackbox.cli import results, run_cli
from tests.blackbox.test_cli_errors import assert_clean_error, feature

pytestmark = pytest.mark.slow

ONLY_REGISTERED_PATH = """\
  @profile:dp107-registered-path
  Scenario: only under the registered path
    When NO-A sends SRV 4.1.1 to "meter-1"
    Then the request is applied
"""
RUNS_EVERYWHERE = """\
  Scenario: runs under every profile
    When NO-A sends SRV 4.1.1 to "meter-1"
    Then the request is applied
"""
OUTLINE = textwrap.dedent(
    """\
      Scenario Outline: a read by <sender>
        Given NO-B is a User in the role ED
        When <sender> sends SRV 4.1.1 to "meter-1"
        Then the outcome depends on the profile:
          | profile           | outcome   |
          | any other profile | <outcome> |

        Examples:
          | sender | outcome                     |
          | NO-A   | applied                     |
          | NO-B   | rejected by the DSP with E4 |
    """
)


def _stderr_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_a_run_in_which_nothing_executed_exits_4_with_one_line(tmp_path: Path) -> None:
    features = feature(tmp_path, ONLY_REGISTERED_PATH)
    junit = tmp_path / "junit.xml"
    done = run_cli("run", "--features", features, "--results", tmp_path / "r", "--junit", junit)
    assert done.returncode == 4, done.stdout + done.stderr
    assert _stderr_lines(done.stderr) == [
        "dsp-conformance: no scenario executed: 1 scenario run(s), 1 not applicable, 0 inconclusive"
    ]
    assert_clean_error(done)
    root = ET.parse(junit).getroot()
    properties = {p.get("name"): p.get("value") for p in root.find("properties") or []}
    assert properties["executed"] == "0"
    assert properties["not applicable: the scenario does not apply under this profile"] == "1"
    [result] = results(tmp_path / "r")
    assert result["harnessOutcome"]["verdict"] == "not applicable"


def test_min_executed_raises_the_floor(tmp_path: Path) -> None:
    features = feature(tmp_path, RUNS_EVERYWHERE + "\n" + ONLY_REGISTERED_PATH)
    common = ("run", "--features", features, "--results", tmp_path / "r")
    assert run_cli(*common).returncode == 0
    assert run_cli(*common, "--min-executed", "50%").returncode == 0
    done = run_cli(*common, "--min-executed", "2")
    assert done.returncode == 4, done.stdout + done.stderr
    assert _stderr_lines(done.stderr) == [
        "dsp-conformance: only 1 scenario run(s) executed, fewer than the --min-executed 2: "
        "1 not applicable, 0 inconclusive"
    ]
    assert run_cli(*common, "--min-executed", "51%").returncode == 4


def test_a_bad_floor_is_bad_input(tmp_path: Path) -> None:
    features = feature(tmp_path, RUNS_EVERYWHERE)
    done = run_cli(
        "run", "--features", features, "--results", tmp_path / "r", "--min-executed", "most"
    )
    assert done.returncode == 2
    assert_clean_error(done, "--min-executed")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("runner", ["pytest-bdd", "behave"])
def test_junit_names_each_outline_example_by_its_values(tmp_path: Path, runner: str) -> None:
    features = feature(tmp_path, OUTLINE)
    junit = tmp_path / "junit.xml"
    done = run_cli(
        "run",
        "--runner",
        runner,
        "--features",
        features,
        "--results",
        tmp_path / "r",
        "--junit",
        junit,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    names = sorted(case.get("name", "") for case in ET.parse(junit).getroot().iter("testcase"))
    assert names == [
        "a read by NO-A [sender=NO-A, outcome=applied]",
        "a read by NO-B [sender=NO-B, outcome=rejected by the DSP with E4]",
    ]
    written = results(tmp_path / "r")
    # matched to its scenario by file and name: the requirement labels are there
    assert all({"name": "requirement", "value": "SRPD-6.1f-iii"} in r["labels"] for r in written)
    outcomes = [r["harnessOutcome"] for r in written]
    assert {o["verdict"] for o in outcomes} == {"pass"}
    assert sorted(json.dumps(o["expected"]["text"]) for o in outcomes) == [
        '"applied"',
        '"rejected by the DSP with E4"',
    ]
