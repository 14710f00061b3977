"""``dsp-conformance selftest`` in process, end to end: the real command line, the runner
processes, the kill matrix file and the report that reads it.

The whole catalogue runs in ``make selftest`` (part of ``make test``); here one mutant of
each kind (a rule, an engine fault, one per non-baseline profile) keeps the test short."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.features import read_features
from harness.mutants import mutant
from harness.report.killmatrix import read_kill_matrix
from harness.settings import DEFAULT_FEATURES
from tests.blackbox.cli import results, run_cli
from tests.selftest.test_kills_inprocess import kills_in_process

pytestmark = pytest.mark.slow

ONE_OF_EACH_KIND = (
    "range-start-only",
    "request-id-replay-accepted",
    "dp107-fix-applied-to-smets2",
    "mp063-check-on-no-own-krp",
)


def _selftest(results_dir: Path, *extra: str) -> tuple[int, str]:
    done = run_cli("selftest", "--target-mode", "inprocess", "--results", results_dir, *extra)
    return done.returncode, done.stdout + done.stderr


def test_every_selected_mutant_is_killed_and_the_matrix_is_written(tmp_path: Path) -> None:
    selected = [arg for name in ONE_OF_EACH_KIND for arg in ("--mutant", name)]
    code, output = _selftest(tmp_path, *selected, "--report", str(tmp_path / "html"))
    assert code == 0, output[-3000:]
    assert "4 of 4 mutants killed" in output

    matrix = read_kill_matrix(tmp_path)
    assert matrix is not None
    assert [m.name for m in matrix.mutants] == list(ONE_OF_EACH_KIND)
    scenario_names = {s.name for s in read_features(DEFAULT_FEATURES)}
    for row in matrix.mutants:
        assert row.killed_by, f"{row.name} survived"
        assert set(row.killed_by) <= scenario_names
        assert row.description == mutant(row.name).description
        # the runner processes find exactly what the in-process check finds
        assert set(row.killed_by) == set().union(*kills_in_process(row.name).values())

    document = json.loads((tmp_path / "kill-matrix.json").read_text(encoding="utf-8"))
    for row in document["mutants"]:
        assert row["profiles"] == list(mutant(row["name"]).profiles)
        assert {kill["profile"] for kill in row["kills"]} <= set(row["profiles"])
    assert "The registered NO is refused by the device, under every profile" in next(
        m.killed_by for m in matrix.mutants if m.name == "dp107-fix-applied-to-smets2"
    )

    # The conforming reference's results sit beside the matrix, for the report.
    reference = results(tmp_path)
    assert {r["status"] for r in reference} <= {"passed", "skipped"}
    profiles = {p["value"] for r in reference for p in r["parameters"] if p["name"] == "profile"}
    assert profiles == {"baseline", "dp107-registered-path", "baseline+mp063-check"}
    summary = (tmp_path / "html" / "summary.html").read_text(encoding="utf-8")
    assert "4 of 4 deliberately broken rules were caught" in summary


def test_a_mutant_that_survives_fails_the_selftest(tmp_path: Path) -> None:
    """Under baseline the registered-path relaxation does not exist: the mutant is
    equivalent there, nothing can kill it, and the selftest says so with exit 1."""
    code, output = _selftest(
        tmp_path, "--mutant", "dp107-fix-applied-to-smets2", "--profile", "baseline"
    )
    assert code == 1, output[-3000:]
    assert "survived: dp107-fix-applied-to-smets2" in output
    matrix = read_kill_matrix(tmp_path)
    assert matrix is not None
    assert [(m.name, m.survived) for m in matrix.mutants] == [("dp107-fix-applied-to-smets2", True)]


def test_an_unknown_mutant_is_bad_input(tmp_path: Path) -> None:
    code, output = _selftest(tmp_path, "--mutant", "no-such-mutant")
    assert code == 2
    assert "unknown mutant 'no-such-mutant'; known mutants: " in output
