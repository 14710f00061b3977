"""``check --target-config``: the scenarios a target's binding and conformance statement let
run, and the reason for each that cannot, before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.binding import load_binding
from harness.cli.plan import plan
from harness.features import read_features
from harness.ics import load_ics
from harness.settings import DEFAULT_FEATURES
from tests.binding.kit import SHIPPED, ZAZ1, extended_binding
from tests.binding.states import DP107_DEADLOCK, SRPD_6_1_F
from tests.blackbox.cli import run_cli

pytestmark = pytest.mark.skipif(not ZAZ1.is_dir(), reason=f"the ZAZ1 PKI is not at {ZAZ1}")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "bindings" / "zaz1.toml"


def test_the_shipped_binding_is_the_documented_one_and_loads() -> None:
    assert SHIPPED.read_text() == DOCS.read_text()
    binding = load_binding(SHIPPED)
    assert binding is not None
    assert [str(u.user_id) for u in binding.users] == [
        "90-B3-D5-1F-30-01-00-00",
        "90-B3-D5-1F-30-02-00-00",
        "00-DB-12-34-56-78-00-04",
    ]
    ics = load_ics(SHIPPED)
    assert ics is not None
    assert ics.profile == "baseline"
    assert ics.capabilities == frozenset()


def test_check_lists_what_runs_with_three_zaz1_users() -> None:
    done = run_cli("check", "--target-config", SHIPPED)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "judged by the profile the target claims: baseline" in out
    # One User per role: only scenarios with a single Supplier and no moved clock can run,
    # i.e. the DUIS envelope-content ones (a schema version, an inverted read log period, a
    # midnight written as 24:00).
    assert "3 will run" in out
    assert "no bound User for a party in role ED" in out
    assert "the target's clock cannot be set to the scenario's time" in out


def test_a_binding_with_a_second_user_per_role_lets_srpd_scenarios_run(tmp_path: Path) -> None:
    config = extended_binding(tmp_path, 18099, SRPD_6_1_F)
    profile, planned = plan(read_features(DEFAULT_FEATURES), config)
    assert profile == "baseline"
    runnable = {p.scenario.name for p in planned if not p.reason}
    assert (
        "Without a range or an execution time, eligibility is judged at the time of the check"
        in runnable
    )
    assert all(
        "srpd_6_1_f" in str(p.scenario.path) or "srv_body" in str(p.scenario.path)
        for p in planned
        if not p.reason
    )
    reasons = {p.group for p in planned if p.reason}
    assert "the target cannot cite_requirements" in reasons
    missing = [
        p.reason for p in planned if p.group == "a registration the binding does not declare"
    ]
    assert missing
    assert all("the binding declares no registration of" in r for r in missing)


def test_a_dp107_binding_lets_the_deadlock_scenarios_run(tmp_path: Path) -> None:
    config = extended_binding(tmp_path, 18099, DP107_DEADLOCK, first=True)
    _, planned = plan(read_features(DEFAULT_FEATURES), config)
    runnable = {p.scenario.name for p in planned if not p.reason}
    assert runnable == {
        "The registered NO cannot replace a certificate it does not own",
        "The owner of the wrong certificate is not the registered NO",
        "The registered NO signs a command for a certificate it does not own",
        # what a 6.24.1 reports needs no provisioning: a DCC Boxed bound this way runs them
        "The registered NO finds out first, by a read, whose certificate the meter holds",
        "The registered NO reads the wrong certificate, tries to replace it, and reads again",
    }


def test_an_ics_without_an_srv_makes_its_scenarios_not_applicable(tmp_path: Path) -> None:
    config = extended_binding(tmp_path, 18099, SRPD_6_1_F)
    text = config.read_text().replace("[ics]\n", '[ics]\nsrvs = ["6.15.1"]\n')
    config.write_text(text)
    _, planned = plan(read_features(DEFAULT_FEATURES), config)
    assert not [p for p in planned if not p.reason]
    assert "SRV 4.1.1 not claimed by the target (ICS)" in {p.group for p in planned}
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('srvs = ["6.15.1"]', 'srvs = ["9.9.9"]'))
    refused = run_cli("check", "--target-config", bad)
    assert refused.returncode == 2
    assert "unknown SRV '9.9.9'" in refused.stderr
