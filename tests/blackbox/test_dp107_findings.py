"""From a real run of the DP107 scenarios under every profile, the summary states what
each profile does to the deadlock: it holds under baseline, the candidates lift parts of it
(read from the roles the scenarios declare)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.blackbox.cli import run_cli

pytestmark = pytest.mark.slow


def test_summary_states_the_deadlock_and_what_lifts_it(tmp_path: Path) -> None:
    done = run_cli(
        "run", "--all-profiles", "--tags", "@req:DP107-deadlock", "--results", tmp_path / "r"
    )
    assert done.returncode == 0, done.stdout[-2000:]
    rendered = run_cli(
        "report", "--results", tmp_path / "r", "--out", tmp_path / "html", "--no-allure"
    )
    assert rendered.returncode == 0, rendered.stderr
    page = (tmp_path / "html" / "summary.html").read_text()
    findings = dict(re.findall(r"<li><b>([^<]+)</b>: (.*?)</li>", page))
    assert findings["baseline"].startswith("the deadlock holds")
    assert findings["baseline+mp063-check"].startswith("the deadlock holds")
    assert "restores the correct certificate in" in findings["dp107-owner-path"]
    assert (
        "The owner of the wrong certificate is not the registered NO"
        in findings["dp107-owner-path"]
    )
    assert "restores the correct certificate in" in findings["dp107-registered-path"]
    assert (
        "The registered NO cannot replace a certificate it does not own"
        in findings["dp107-registered-path"]
    )
    assert "restores the correct certificate in" in findings["dp107-owner-to-registered"]
    assert (
        "The owner of the wrong certificate is not the registered NO"
        in findings["dp107-owner-to-registered"]
    )
    assert all("the target behaved as the profile requires" in text for text in findings.values())
