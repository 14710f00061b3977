"""What a tester sees when something is wrong: one clear line, the right exit code, no
traceback. And the exit codes of a run: 0 pass, 1 non-conformance, 2 bad input,
3 inconclusive only."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.blackbox.cli import REPO, run_cli

HEADER = textwrap.dedent(
    """\
    @req:SRPD-6.1f-iii
    Feature: A tester's feature
      Background:
        Given the time is 2026-03-01 10:00
        And NO-A is a User in the role ED
        And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
        And NO-A is registered for MPAN 1200000000002 from 2025-01-01

    """
)


def feature(tmp_path: Path, body: str) -> Path:
    directory = tmp_path / "features"
    directory.mkdir(exist_ok=True)
    (directory / "mine.feature").write_text(HEADER + textwrap.dedent(body))
    return directory


def assert_clean_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    text = done.stdout + done.stderr
    assert "Traceback" not in text, text
    for needle in needles:
        assert needle in text, text


def test_unknown_step_stops_the_run_naming_phrase_line_and_neighbours(tmp_path: Path) -> None:
    features = feature(
        tmp_path,
        """\
          Scenario: typo
            When NO-A sendz SRV 4.1.1 to "meter-1"
            Then the request is applied
        """,
    )
    done = run_cli("run", "--features", features, "--results", tmp_path / "r")
    assert done.returncode == 2
    assert_clean_error(
        done,
        'unknown step "When NO-A sendz SRV 4.1.1 to "meter-1""',
        "mine.feature:10",
        'nearest known: When <party> sends SRV <srv> to "<device>"',
    )


@pytest.mark.parametrize("runner", ["pytest-bdd", "behave"])
def test_unknown_step_under_a_runner_started_by_hand(tmp_path: Path, runner: str) -> None:
    features = feature(
        tmp_path,
        """\
          Scenario: typo
            When NO-A sendz SRV 4.1.1 to "meter-1"
        """,
    )
    env = dict(os.environ, DSP_CONFORMANCE_FEATURES=str(features), PYTHONPATH=str(REPO))
    if runner == "pytest-bdd":
        command = [
            sys.executable,
            "-m",
            "pytest",
            "steps/pytest_suite",
            "-c",
            "steps/pytest_suite/pytest.ini",
            "--rootdir",
            str(REPO),
            "-q",
            "-p",
            "no:cacheprovider",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "harness.running.behave_main",
            str(features),
            "-f",
            "plain",
        ]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode != 0
    text = done.stdout + done.stderr
    assert 'unknown step "When NO-A sendz SRV 4.1.1 to "meter-1""' in text
    assert "mine.feature:10" in text
    assert "nearest known" in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--profile", "dp108"], "unknown profile 'dp108'"),
        (["run", "--profile", "baseline+mp064"], "unknown switch 'mp064'"),
        (["run", "--target", "ftp://nowhere"], "unknown target 'ftp://nowhere'"),
        (["run", "--features", "/nonexistent/features"], "does not exist"),
        (["run", "--runner", "behave", "-n", "2"], "needs --runner pytest-bdd"),
        (["run", "--config", "/nonexistent.toml"], "config file /nonexistent.toml does not exist"),
        (["check", "--catalogue", "/nonexistent.yaml"], "cannot be read"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(args: list[str], needle: str, tmp_path: Path) -> None:
    done = run_cli(*args, "--results", tmp_path / "r") if args[0] == "run" else run_cli(*args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert_clean_error(done, needle)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            '  Scenario: bad date\n    When NO-A sends SRV 4.1.1 to "meter-1" to take effect at 2026-02-30\n',
            "not a date or time: '2026-02-30'",
        ),
        (
            '  Scenario: bad mpan\n    Given a SMETS2 ESME "m" serving MPAN 1200000000003\n',
            "check digit 3, expected 2",
        ),
        (
            '  Scenario: bad code\n    When NO-A sends SRV 4.1.1 to "meter-1"\n    Then the request is rejected by the DSP with E999\n',
            "response code 'E999' is not in the response-code table",
        ),
        (
            '  @req:NO-SUCH-REQ\n  Scenario: unknown requirement\n    When NO-A sends SRV 4.1.1 to "meter-1"\n',
            "@req:NO-SUCH-REQ is not in the requirements catalogue",
        ),
        (
            '  Scenario: outcome table missing a profile\n    When NO-A sends SRV 4.1.1 to "meter-1"\n'
            "    Then the outcome depends on the profile:\n      | profile | outcome |\n      | baseline | applied |\n",
            "no row for profile 'dp107-owner-path'",
        ),
        (
            "  Scenario: malformed\n    Given the time is 2026-03-01\n      | a | b |\n      | c |\n",
            "malformed Gherkin",
        ),
        ("  Scenario: empty\n    Given\n", "scenario has no When or Then step"),
    ],
)
def test_bad_scenarios_are_refused_before_running(tmp_path: Path, body: str, needle: str) -> None:
    features = feature(tmp_path, body)
    done = run_cli("run", "--all-profiles", "--features", features, "--results", tmp_path / "r")
    assert done.returncode == 2, done.stdout + done.stderr
    assert_clean_error(done, needle)


def test_exit_0_when_everything_passes(tmp_path: Path) -> None:
    features = feature(
        tmp_path,
        '  Scenario: ok\n    When NO-A sends SRV 4.1.1 to "meter-1"\n    Then the request is applied\n',
    )
    assert run_cli("run", "--features", features, "--results", tmp_path / "r").returncode == 0


def test_exit_1_on_a_non_conformance(tmp_path: Path) -> None:
    features = feature(
        tmp_path,
        '  Scenario: expects the wrong thing\n    When NO-A sends SRV 4.1.1 to "meter-1"\n'
        "    Then the request is rejected by the DSP with E4\n",
    )
    done = run_cli(
        "run",
        "--features",
        features,
        "--results",
        tmp_path / "r",
        "--junit",
        tmp_path / "junit.xml",
    )
    assert done.returncode == 1
    assert "1 fail" in done.stdout
    junit = (tmp_path / "junit.xml").read_text()
    assert "expected rejected by the DSP with E4, got applied" in junit


def test_exit_3_when_only_inconclusive(tmp_path: Path) -> None:
    features = feature(
        tmp_path,
        "  Scenario: asks a SMETS2 device for its S1SP copy, which it has not\n"
        '    When NO-A sends SRV 4.1.1 to "meter-1"\n'
        '    Then the DSP and S1SP copies of the certificates for "meter-1" agree\n',
    )
    done = run_cli("run", "--features", features, "--results", tmp_path / "r")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "1 inconclusive" in done.stdout
    strict = run_cli(
        "run", "--features", features, "--results", tmp_path / "r2", "--inconclusive-fails"
    )
    assert strict.returncode == 1


def test_exit_2_when_the_tags_select_nothing(tmp_path: Path) -> None:
    done = run_cli("run", "--tags", "@no-scenario-has-this", "--results", tmp_path / "r")
    assert done.returncode == 2
    assert_clean_error(done, "produced no result")
