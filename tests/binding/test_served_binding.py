"""Against ``serve --no-test-control --preset zaz1 --binding``: with the binding, the SRPD
6.1(f) and DP107 scenarios the declared state allows execute and pass, signed as DCC Boxed's
Users; without it, nothing executes and the gate says so (exit 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.duis.schema import duis_dir
from tests.binding.kit import (
    ZAZ1,
    extended_binding,
    receiver_port,
    served_without_test_control,
    shipped_binding,
)
from tests.binding.states import DP107_DEADLOCK, SRPD_6_1_F
from tests.blackbox.cli import results, run_cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ZAZ1.is_dir(), reason=f"the ZAZ1 PKI is not at {ZAZ1}"),
    pytest.mark.skipif(
        not (duis_dir() / "xsd").is_dir(), reason="the DUIS XSDs are not beside the repository"
    ),
]


def _verdicts(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for result in results(folder):
        found.setdefault(result["harnessOutcome"]["verdict"], []).append(result["name"])
    return found


def test_srpd_scenarios_the_binding_allows_pass_without_test_control(tmp_path: Path) -> None:
    config = extended_binding(tmp_path, receiver_port(), SRPD_6_1_F)
    with served_without_test_control(config, tmp_path) as url:
        done = run_cli(
            "run",
            "--target",
            url,
            "--config",
            config,
            "--all-profiles",
            "--results",
            tmp_path / "r",
        )
        bare = tmp_path / "bare.toml"
        head = config.read_text()
        bare.write_text(head[: head.index("[ics]")])
        without = run_cli("run", "--target", url, "--config", bare, "--results", tmp_path / "b")
    said = done.stdout + done.stderr
    verdicts = _verdicts(tmp_path / "r")
    assert "claims profile baseline" in said  # judged by its claim, not by every profile
    assert "fail" not in verdicts, verdicts.get("fail")
    passed = set(verdicts["pass"])
    assert (
        "Without a range or an execution time, eligibility is judged at the time of the check"
        in passed
    )
    assert len(verdicts["pass"]) >= 8
    # SMETS2 reads are answered by the device inside GBCS: inconclusive, never failed
    assert done.returncode in (0, 3), said[-2000:]
    assert "GBCS" in said
    assert without.returncode == 4, without.stdout[-1500:] + without.stderr[-1500:]
    assert "no scenario executed" in without.stderr


def test_dp107_deadlock_scenarios_the_binding_allows_pass(tmp_path: Path) -> None:
    config = extended_binding(tmp_path, receiver_port(), DP107_DEADLOCK, first=True)
    with served_without_test_control(config, tmp_path) as url:
        done = run_cli(
            "run",
            "--target",
            url,
            "--config",
            config,
            "--tags",
            "@req:DP107-deadlock",
            "--results",
            tmp_path / "r",
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert set(_verdicts(tmp_path / "r")["pass"]) == {
        "The registered NO cannot replace a certificate it does not own",
        "The owner of the wrong certificate is not the registered NO",
        # what a 6.24.1 read reports travels in standard MMC elements, so it runs too
        "The registered NO finds out first, by a read, whose certificate the meter holds",
        "The registered NO reads the wrong certificate, tries to replace it, and reads again",
    }


def test_the_shipped_zaz1_binding_runs_what_it_can_and_says_why_not_the_rest(
    tmp_path: Path,
) -> None:
    """DCC Boxed's three ZAZ1 Users are one per role: only scenarios whose cast is one
    Supplier at the binding's time can run (the DUIS request-content ones); they execute and
    pass, and every other scenario is not applicable with the missing fact named."""
    config = shipped_binding(tmp_path, receiver_port())
    with served_without_test_control(config, tmp_path) as url:
        done = run_cli("run", "--target", url, "--config", config, "--results", tmp_path / "r")
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-2000:]
    assert "3 pass, 0 deviation, 0 fail, 0 inconclusive" in said
    assert "no bound User for a party in role ED" in said
    assert "not observed" in said
    executed = {
        r["name"] for r in results(tmp_path / "r") if r["status"] in ("passed", "failed", "broken")
    }
    assert executed == {
        "A request declaring DUIS 5.3 is not read as 5.4",
        "A read log period that ends before it starts",
        "An execution time written as 24:00 of the day before",
    }
