"""``python -m benchmarks.served_probe`` at a toy size: the server-side breakdown of each
request's time is produced from the served DSP's own timers."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.served_probe import probe


@pytest.mark.slow
def test_probe_breaks_each_request_down(tmp_path: Path) -> None:
    report = probe(clients=2, requests=40, out=tmp_path / "timings.json")
    assert "2 clients, 40 requests" in report
    for row in ("arrival → a thread starts it", "waiting for the DSP's lock", "holding the lock"):
        line = next(x for x in report.splitlines() if x.startswith(f"| {row} |"))
        cells = [float(c) for c in line.strip("|").split("|")[1:]]
        assert len(cells) == 4
        assert all(c >= 0 for c in cells)
    assert "garbage collections while measured" in report
