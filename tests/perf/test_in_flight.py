"""``run --in-flight N``: scenarios at once in forked copies of one runner, with the verdicts
of a serial run — against the in-process reference, and (slow) against the served DSP with
its latency model, where the scenarios share one clock."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from harness.server.latency import read_log
from tests.blackbox.cli import results, run_cli, scenario_key
from tests.served.served import served

# Scenarios that set the clock, and some that move it to the same instant (lockstep).
TAGS = "@req:DUIS-future-dated-cancellation or @req:DP107-owner-to-registered"


def _verdicts(folder: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    return {
        scenario_key(r): (str((r.get("harnessOutcome") or {}).get("verdict")), r["status"])
        for r in results(folder)
    }


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--in-flight", "4", "--runner", "behave"], "--in-flight needs --runner pytest-bdd"),
        (["--in-flight", "4", "-n", "2"], "give one of them"),
        (["--in-flight", "-1"], "use 0"),
    ],
)
def test_impossible_combinations_are_one_clear_error(
    tmp_path: Path, options: list[str], says: str
) -> None:
    done = run_cli("run", "--results", tmp_path / "r", *options, timeout=120)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_a_fixed_receiver_port_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "target.toml"
    config.write_text("[target]\nreceiver_port = 18777\n", encoding="utf-8")
    done = run_cli(
        "run", "--in-flight", "4", "--config", config, "--results", tmp_path / "r", timeout=120
    )
    assert done.returncode == 2
    assert "receiver_port = 0" in done.stderr


def test_in_flight_gives_the_verdicts_of_a_serial_run(tmp_path: Path) -> None:
    serial, at_once = tmp_path / "serial", tmp_path / "at-once"
    common = ["run", "--profile", "baseline", "--tags", TAGS]
    first = run_cli(*common, "--results", serial)
    second = run_cli(*common, "--results", at_once, "--in-flight", "4")
    assert first.returncode == second.returncode, second.stdout[-2000:] + second.stderr[-2000:]
    assert _verdicts(serial) == _verdicts(at_once)
    assert len(_verdicts(serial)) >= 5


@pytest.mark.slow
def test_against_a_served_dsp_with_latency_the_verdicts_stay_those_of_a_serial_run(
    tmp_path: Path,
) -> None:
    serial, at_once, log = tmp_path / "serial", tmp_path / "at-once", tmp_path / "delays"
    common = ["run", "--profile", "baseline", "--tags", TAGS]
    with served("baseline") as url:
        first = run_cli(*common, "--target", url, "--results", serial)
    latency = ["--sync-delay", "20-60ms", "--device-delay", "100-400ms", "--latency-log", str(log)]
    with served("baseline", *latency) as url:
        second = run_cli(*common, "--target", url, "--results", at_once, "--in-flight", "8")
    assert first.returncode == second.returncode, second.stdout[-2000:] + second.stderr[-2000:]
    assert _verdicts(serial) == _verdicts(at_once)
    kinds = {entry["kind"] for entry in read_log(log)}
    assert kinds == {"sync", "device"}  # both delays were served, and waited for


def test_a_lockstep_waits_for_every_member_and_never_for_ever() -> None:
    from harness.running.in_flight import Lockstep

    alone = Lockstep((1, 1), seconds=0.2)
    alone.begin(1)
    began = time.monotonic()
    alone.arrive()  # the other member never comes: moves on after the bound
    assert 0.2 <= time.monotonic() - began < 5

    pair = Lockstep((1, 1), seconds=30)
    pid = os.fork()
    if pid == 0:  # the other member: ends without reaching its clock step
        pair.begin(1)
        time.sleep(0.2)
        pair.ended()
        os._exit(0)
    pair.begin(1)
    began = time.monotonic()
    pair.arrive()
    os.waitpid(pid, 0)
    assert time.monotonic() - began < 10  # released by the other's end, not the bound


def test_a_later_instant_waits_for_the_earlier_members_and_the_ones_that_stay() -> None:
    """Ranks (0 stays, 1 moves to the earlier instant, 2 to the later): rank 2 moves only
    after the stayer and rank 1 have ended."""
    from harness.running.in_flight import Lockstep

    order = Lockstep((2, 1, 0), seconds=30)
    read, write = os.pipe()
    children = []
    for rank, pause in ((0, 0.3), (1, 0.1)):
        pid = os.fork()
        if pid == 0:
            order.begin(rank)
            time.sleep(pause)
            order.arrive()  # a stayer never moves the clock: returns at once
            os.write(write, str(rank).encode())
            time.sleep(0.2)
            order.ended()
            os._exit(0)
        children.append(pid)
    order.begin(2)
    order.arrive()
    os.write(write, b"2")
    for pid in children:
        os.waitpid(pid, 0)
    os.close(write)
    seen = os.read(read, 16).decode()
    assert seen.endswith("2")
    assert sorted(seen) == ["0", "1", "2"]


def test_a_lead_opens_the_gate_once_its_releasing_step_has_ended() -> None:
    import multiprocessing

    from harness.running.in_flight import Lead

    gate = multiprocessing.Event()
    lead = Lead(gate, at=1)  # the fault's step is 0, the request after it 1
    lead.step_ended()
    assert not gate.is_set()
    lead.step_ended()
    assert gate.is_set()
    never = multiprocessing.Event()
    to_the_end = Lead(never, at=None)  # no request after the arming: alone to its end
    for _ in range(5):
        to_the_end.step_ended()
    assert not never.is_set()
