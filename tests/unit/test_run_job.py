"""A runner process's output and its end: what ``run_job`` hands back, never a hang."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from harness.running.runners import RunnerJob, run_job
from harness.settings import RunSettings


def _job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, timeout: float) -> RunnerJob:
    monkeypatch.setattr(RunnerJob, "command", lambda self: [sys.executable, "-c", code])
    return RunnerJob("behave", RunSettings(), tmp_path, tmp_path / "results", timeout=timeout)


def test_the_output_of_both_streams_is_handed_back_and_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = "import sys\nfor i in range(3000): print('.', end='', flush=True)\n"
    code += "print('ünïcode'); print('warned', file=sys.stderr); sys.exit(3)"
    finished = run_job(_job(tmp_path, monkeypatch, code, 60), echo=True)
    assert finished.code == 3
    assert not finished.timed_out
    assert finished.output == "." * 3000 + "ünïcode\nwarned\n"
    assert capsys.readouterr().out == finished.output
    assert (tmp_path / "results").is_dir()


def test_a_runner_past_its_timeout_is_killed_with_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "import time\nprint('started', flush=True)\ntime.sleep(60)"
    began = time.monotonic()
    finished = run_job(_job(tmp_path, monkeypatch, code, 1.5), echo=False)
    assert time.monotonic() - began < 20
    assert finished.timed_out
    assert finished.code == 124
    assert finished.output == "started\n"
