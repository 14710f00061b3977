"""``make soak`` in miniature: clients in two processes, closed and open loop, the state
checks after; and how the clients and the rate are shared, and the Poisson arrivals."""

from __future__ import annotations

import queue
import time

import pytest

from fuzz import soak
from fuzz.soak_clients import poisson


def test_clients_and_rate_are_shared_over_the_processes() -> None:
    plan = soak.shares("http://dsp", 50, 4, 60, 40.0)
    assert [s.count for s in plan] == [13, 13, 12, 12]
    assert [s.first for s in plan] == [0, 13, 26, 38]
    assert sum(s.rate or 0 for s in plan) == pytest.approx(40.0)
    assert [s.rate for s in soak.shares("http://dsp", 3, 8, 60, None)] == [None] * 3


def test_poisson_arrivals_come_at_the_rate_each_when_due() -> None:
    arrivals: queue.Queue[float | None] = queue.Queue()
    deadline = time.monotonic() + 1.0
    count = poisson(arrivals, 200.0, deadline, seed=7)
    times = [arrivals.get_nowait() for _ in range(count)]
    assert 140 <= count <= 260  # 200 expected; a Poisson count's sd is ~14
    assert times == sorted(times)
    assert all(t is not None and t < deadline for t in times)


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--rate", "20"]], ids=["closed", "open"])
def test_soak_in_two_processes_checks_the_state(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = soak.main(["--clients", "4", "--seconds", "3", "--processes", "2", *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "4 clients in 2 process(es)" in out
    assert "soak: 0 errors" in out
    assert "state integrity checked" in out
    assert ("Poisson" in out) == bool(extra)
    assert ("Little's law" in out) != bool(extra)
