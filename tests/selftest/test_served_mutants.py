"""Mutants over real HTTP: ``dsp-conformance serve --mutant`` on loopback is caught by the
scenarios, the HTTP selftest kills it, and a differential run shows where it departs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.report.killmatrix import read_kill_matrix
from tests.blackbox.cli import results, run_cli
from tests.served.served import served

pytestmark = pytest.mark.slow

REPLAY = {
    "A RequestID counter is never accepted twice",
    "A critical request's RequestID cannot be used again",
}
WRONG_SIGNER = "A pre-command signed with someone else's key is refused"
WRONG_SIGNER_SMETS1 = (
    "On a SMETS1 meter too, the DSP refuses a pre-command signed with someone else's key"
)


def _attachments(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(node.get("attachments") or [])
    for step in node.get("steps") or []:
        found += _attachments(step)
    return found


def _departures(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in _attachments(result) if a["name"].startswith("Departs from the reference")]


def test_a_served_mutant_is_killed_over_http(tmp_path: Path) -> None:
    with served("baseline", "--mutant", "request-id-replay-accepted") as url:
        done = run_cli(
            "run", "--target", url, "--tags", "@req:DUIS-request-id", "--results", tmp_path
        )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    verdicts = {r["name"]: r["status"] for r in results(tmp_path)}
    executed = {name: status for name, status in verdicts.items() if status != "skipped"}
    assert executed == dict.fromkeys(REPLAY, "failed")  # scenarios not applicable here aside


def test_the_http_selftest_serves_each_mutant_and_kills_it(tmp_path: Path) -> None:
    done = run_cli(
        "selftest",
        "--target-mode",
        "http",
        "--mutant",
        "request-id-replay-accepted",
        "--tags",
        "@req:DUIS-request-id",
        "--results",
        tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    matrix = read_kill_matrix(tmp_path)
    assert matrix is not None
    assert [(m.name, set(m.killed_by)) for m in matrix.mutants] == [
        ("request-id-replay-accepted", REPLAY)
    ]
    targets = {
        p["value"] for r in results(tmp_path) for p in r["parameters"] if p["name"] == "target"
    }
    assert targets == {"served reference"}


def test_a_differential_run_attaches_where_the_target_departs(tmp_path: Path) -> None:
    with served("baseline", "--mutant", "wrong-signer-accepted") as url:
        done = run_cli(
            "run",
            "--target",
            url,
            "--compare-with",
            "reference",
            "--tags",
            "@req:CRIT-precommand",
            "--results",
            tmp_path,
        )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    by_name = {r["name"]: r for r in results(tmp_path)}
    failed = {name for name, r in by_name.items() if r["status"] == "failed"}
    assert failed == {WRONG_SIGNER, WRONG_SIGNER_SMETS1}
    assert _departures(by_name[WRONG_SIGNER_SMETS1])
    departures = _departures(by_name[WRONG_SIGNER])
    titles = [a["name"] for a in departures]
    assert (
        "Departs from the reference: SRV 6.15.1 CV5, synchronous response: "
        "target I99 acknowledged (by the DSP), reference E51 rejected (by the DSP)"
    ) in titles
    # The SMETS2 device's answer travels in GBCS: the target's outcome reads as such.
    assert any("target I0 in GBCS payload (by the device)" in t for t in titles), titles
    evidence = json.loads((tmp_path / departures[0]["source"]).read_text(encoding="utf-8"))
    assert set(evidence) == {"where", "request_id", "target", "reference"}
    # Where the mutant behaves like the reference, there is nothing to show.
    for name, result in by_name.items():
        if name not in failed:
            assert result["status"] in ("passed", "skipped")  # skipped: not applicable
            assert _departures(result) == [], name


def test_the_wire_mutants_are_killed_over_duis(tmp_path: Path) -> None:
    """Faults in the DUIS envelope (a schema version read as 5.4, a bare HTTP 400 for a
    signed request it cannot act on) are caught by the envelope scenarios over HTTP."""
    done = run_cli(
        "selftest",
        "--target-mode",
        "http",
        "--mutant",
        "schema-version-not-checked",
        "--mutant",
        "bare-400-for-content",
        "--tags",
        "@req:DUIS-schema-version or @req:DUIS-request-content",
        "--results",
        tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    matrix = read_kill_matrix(tmp_path)
    assert matrix is not None
    assert {m.name: set(m.killed_by) for m in matrix.mutants} == {
        "schema-version-not-checked": {"A request declaring DUIS 5.3 is not read as 5.4"},
        "bare-400-for-content": {
            "A read log period that ends before it starts",
            "An execution time written as 24:00 of the day before",
        },
    }
