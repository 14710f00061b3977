"""``python -m benchmarks.served_stages`` at a toy size: a short soak keeps its state file
(owner-only, as the original), and the requests in it are answered again with a time for
every stage, here and in a "before" checkout side by side."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from benchmarks.common import REPO
from benchmarks.served_stages import STAGES, main, run_in
from fuzz.soak import soak


@pytest.mark.slow
def test_a_kept_soak_state_is_answered_again_stage_by_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "kept.db"
    assert soak(2, 2.0, tmp_path, processes=1, keep_state=kept) == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    timings = run_in(Path(REPO), kept, 30)
    assert set(timings) == {"answer() in all", *STAGES}
    assert all(value > 0 for value in timings.values())
    assert timings["answer() in all"] > timings["signature check"] + timings["schema"]
    assert main([str(kept), "--count", "30", "--before", str(REPO), "--rounds", "1"]) == 0
    table = capsys.readouterr().out
    assert "| µs per request | before | this checkout |" in table
    assert "| signature check |" in table
