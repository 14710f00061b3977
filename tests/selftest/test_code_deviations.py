"""Served code mutants: a DSP that answers every model-graded code with another code of the
same outcome gives deviations and passes the gate, fails it under --strict-codes; one with a
wrong outcome fails either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.blackbox.cli import results, run_cli
from tests.served.served import served

pytestmark = pytest.mark.slow

TAGS = "@req:DUIS-request-id or @req:CRIT-precommand"


def _run(url: str, out: Path, *extra: str) -> tuple[int, str, list[str]]:
    done = run_cli(
        "run", "--target", url, "--tags", TAGS, "--results", out, "--junit", out / "j.xml", *extra
    )
    outcomes = [r["harnessOutcome"]["verdict"] for r in results(out)]
    return done.returncode, done.stdout + done.stderr, outcomes


def test_remapped_model_codes_are_deviations_and_fail_only_under_strict_codes(
    tmp_path: Path,
) -> None:
    with served("baseline", "--mutant", "model-codes-remapped") as url:
        code, said, verdicts = _run(url, tmp_path / "lenient")
        strict, _, strict_verdicts = _run(url, tmp_path / "strict", "--strict-codes")
    assert code == 0, said[-2000:]
    executed = [v for v in verdicts if v != "not applicable"]  # e.g. a profile-restricted one
    assert executed, said[-2000:]
    assert set(executed) == {"deviation"}, verdicts
    assert "deviation(s)" in said
    junit = (tmp_path / "lenient" / "j.xml").read_text()
    assert "deviation: code differs from the model" in junit
    assert "<failure" not in junit
    assert strict == 1
    assert set(strict_verdicts) - {"not applicable"} == {"deviation"}
    assert "<failure" in (tmp_path / "strict" / "j.xml").read_text()


def test_a_wrong_outcome_fails_with_or_without_strict_codes(tmp_path: Path) -> None:
    with served("baseline", "--mutant", "model-codes-remapped-replay-accepted") as url:
        code, said, verdicts = _run(url, tmp_path / "lenient")
        strict, _, _ = _run(url, tmp_path / "strict", "--strict-codes")
    assert code == 1, said[-2000:]
    assert "fail" in verdicts
    assert strict == 1
