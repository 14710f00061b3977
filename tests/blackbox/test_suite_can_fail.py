"""Break one rule of the reference (here, in the test) and watch the scenarios that cover
it fail: the suite is able to fail. Checked in process on every scenario (the default run)
and through a real runner process (slow, ``make test-slow``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.features import read_features
from harness.reference.rules import RULES
from harness.settings import DEFAULT_FEATURES
from harness.tags import read_tags
from tests.blackbox.cli import REPO, results
from tests.inprocess import run_all

BROKEN_RULE = textwrap.dedent(
    """
    import harness.reference.profiles  # registers every rule first
    from harness.reference.rules import RULES

    RULES["SRPD-6.1f"] = lambda check: None  # SRPD 6.1(f) never rejects
    """
)


def _failed_scenarios(tmp_path: Path) -> list[tuple[str, str]]:
    """(feature, scenario) of every scenario that failed with the broken rule."""
    (tmp_path / "broken_srpd.py").write_text(BROKEN_RULE)
    out = tmp_path / "allure"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO)]))
    env["DSP_CONFORMANCE_PROFILE"] = "baseline"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "steps/pytest_suite",
            "-c",
            "steps/pytest_suite/pytest.ini",
            "--rootdir",
            str(REPO),
            "-p",
            "broken_srpd",
            "-p",
            "allure_pytest_bdd",
            "--alluredir",
            str(out),
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    return [
        (next(lb["value"] for lb in r["labels"] if lb["name"] == "feature"), r["name"])
        for r in results(out)
        if r["status"] == "failed"
    ]


def _in_process_failures(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    monkeypatch.setitem(RULES, "SRPD-6.1f", lambda check: None)  # SRPD 6.1(f) never rejects
    verdicts = run_all(read_features(DEFAULT_FEATURES), ["baseline"])
    assert {v.status for v in verdicts} <= {"passed", "failed", "skipped"}
    return [v.key for v in verdicts if v.status == "failed"]


def test_breaking_srpd_fails_the_scenarios_that_cover_it_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _check(_in_process_failures(monkeypatch))


@pytest.mark.slow
def test_breaking_srpd_fails_the_scenarios_that_cover_it(tmp_path: Path) -> None:
    _check(_failed_scenarios(tmp_path))


def _check(failed: list[tuple[str, str]]) -> None:
    assert len(failed) >= 10, failed
    requirements = {
        (s.feature, s.name): read_tags(s.tags).requirements for s in read_features(DEFAULT_FEATURES)
    }
    for key in failed:
        cited = requirements[key]
        assert any(r.startswith(("SRPD-6.1f", "DP107")) for r in cited), (
            f"{key} failed without covering SRPD 6.1(f): {cited}"
        )
    names = {name for _, name in failed}
    assert "The rejection names the limb of 6.1(f) that failed" in names
    assert "The owner of the wrong certificate is not the registered NO" in names
    assert (
        "A range that straddles a change passes for nobody unless one party covers all of it"
        in names
    )
