"""RequestID counters strictly increase per originator, in a process, across processes and runs."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from harness.counters import OriginatorCounters, now_ms, prune
from harness.domain.eui import Eui64

SUPPLIER = Eui64.parse("90-B3-D5-1F-30-01-00-00")
NETWORK = Eui64.parse("90-B3-D5-1F-30-02-00-00")


def test_counters_strictly_increase_faster_than_the_clock(tmp_path: Path) -> None:
    counters = OriginatorCounters(tmp_path)
    before = now_ms()
    drawn = [counters.next(SUPPLIER) for _ in range(2000)]
    assert drawn == sorted(set(drawn)), "strictly increasing"
    assert drawn[0] >= before, "time-based, like the DCC's tools (ms)"


def test_originators_are_independent(tmp_path: Path) -> None:
    counters = OriginatorCounters(tmp_path)
    a, b = counters.next(SUPPLIER), counters.next(NETWORK)
    assert counters.next(SUPPLIER) > a
    assert counters.next(NETWORK) > b


def test_a_new_run_continues_above_the_last_counter_even_if_the_clock_went_back(
    tmp_path: Path,
) -> None:
    future = now_ms() + 10_000_000
    (tmp_path / f"{SUPPLIER.value:016X}").write_text(str(future))
    assert OriginatorCounters(tmp_path).next(SUPPLIER) == future + 1


def _draw(folder: str, n: int, queue: multiprocessing.Queue[list[int]]) -> None:
    counters = OriginatorCounters(Path(folder))
    queue.put([counters.next(SUPPLIER) for _ in range(n)])


def test_processes_never_hand_out_the_same_counter(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[list[int]] = context.Queue()
    workers = [context.Process(target=_draw, args=(str(tmp_path), 300, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    runs = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    every = [c for run in runs for c in run]
    assert len(every) == len(set(every)) == 1200
    assert all(run == sorted(run) for run in runs)
    assert int((tmp_path / f"{SUPPLIER.value:016X}").read_text()) == max(every)


def test_an_unwritable_folder_falls_back_to_per_process_counters(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    counters = OriginatorCounters(blocker / "counters")  # a folder under a file: OSError
    first, second = counters.next(SUPPLIER), counters.next(SUPPLIER)
    assert second > first
    assert not counters.persistent


def test_pruning_forgets_only_stale_counters_the_clock_has_passed(tmp_path: Path) -> None:
    stale, ahead, fresh = (tmp_path / name for name in ("A", "B", "C"))
    stale.write_text("1")
    ahead.write_text(str(now_ms() + 10_000_000))
    fresh.write_text("1")
    for path in (stale, ahead):
        os.utime(path, (0, 0))
    prune(tmp_path)
    assert not stale.exists()
    assert ahead.exists()
    assert fresh.exists()


@pytest.fixture(autouse=True)
def _no_shared_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DSP_CONFORMANCE_COUNTERS", str(tmp_path / "shared"))
