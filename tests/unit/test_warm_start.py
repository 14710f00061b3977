"""A runner process started before its job is known (harness/running/warm.py): it runs the
job exactly as a process started with it would, and one not used is gone."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.cli import main as cli_main
from harness.running import warm as warm_module
from harness.running.runners import RunnerJob, run_job
from harness.running.warm import WarmRunner, prewarm, runner_named
from harness.settings import REPO_ROOT, RunSettings

PROBE = """
import json, os, sys
print(json.dumps({
    "name": __name__,
    "argv": sys.argv[1:],
    "job": os.environ.get("WARM_PROBE_JOB"),
    "stale": os.environ.get("WARM_PROBE_STALE"),
    "stdin": sys.stdin.read(),
    "cwd": os.getcwd(),
}), flush=True)
print("to stderr", file=sys.stderr)
if "--sleep" in sys.argv:
    import time
    time.sleep(60)
sys.exit(int(sys.argv[1]))
"""


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module ``warm_probe`` that reports what it was started with, importable by the
    runner processes (its folder on ``PYTHONPATH`` before any process starts)."""
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "warm_probe.py").write_text(PROBE, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    return "warm_probe"


def _job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str, timeout: float = 60
) -> RunnerJob:
    command = [sys.executable, "-m", "warm_probe", *args]
    monkeypatch.setattr(RunnerJob, "command", lambda self: command)
    return RunnerJob("behave", RunSettings(), tmp_path, tmp_path / "results", timeout=timeout)


def _warm(runner: str = "behave") -> tuple[WarmRunner, subprocess.Popen[bytes]]:
    """A warm process of ``runner``, and the process itself (to see that it ended)."""
    warm = WarmRunner(runner, str(REPO_ROOT))
    assert warm._started is not None
    return warm, warm._started.process


def _report(output: str) -> dict[str, object]:
    first = output.splitlines()[0]
    found: dict[str, object] = json.loads(first)
    return found


@pytest.mark.parametrize(
    ("argv", "runner"),
    [
        (["run"], "pytest-bdd"),
        (["run", "--runner", "behave"], "behave"),
        (["run", "--features", "x", "--runner=behave", "--all-profiles"], "behave"),
        (["run", "--runner", "nose"], None),  # the real parser says what is wrong
        (["run", "--runner"], None),
        (["run", "--help"], None),
        (["check"], None),
        (["report", "--runner", "behave"], None),
        ([], None),
        (["--version"], None),
    ],
)
def test_only_a_run_names_a_runner_to_start_early(argv: list[str], runner: str | None) -> None:
    assert runner_named(argv) == runner


def test_a_warm_process_runs_its_job_as_one_started_with_it_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: str
) -> None:
    monkeypatch.setenv("WARM_PROBE_STALE", "set before the warm start")
    warm = WarmRunner("behave", str(REPO_ROOT))
    time.sleep(0.3)  # it has started and waits for its job
    monkeypatch.delenv("WARM_PROBE_STALE")
    monkeypatch.setenv("WARM_PROBE_JOB", "the job's")
    job = _job(tmp_path, monkeypatch, "3", "--flag", "two words")
    cold = run_job(job, echo=False)
    hot = run_job(job, echo=False, warm=warm)
    assert hot.code == cold.code == 3
    assert hot.output == cold.output
    report = _report(hot.output)
    assert report == {
        "name": "__main__",
        "argv": ["3", "--flag", "two words"],
        "job": "the job's",
        "stale": None,  # the job's environment, not the one the process started in
        "stdin": "",
        "cwd": str(REPO_ROOT),
    }
    assert hot.output.endswith("to stderr\n")


def test_a_warm_process_is_used_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: str
) -> None:
    warm = WarmRunner("behave", str(REPO_ROOT))
    job = _job(tmp_path, monkeypatch, "0")
    first = warm.start(job.command(), job.environment())
    assert first is not None
    assert warm.start(job.command(), job.environment()) is None
    first.process.wait(timeout=30)
    assert first.process.returncode == 0
    first.close()


def test_an_interpreter_setting_the_job_changes_means_a_cold_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: str
) -> None:
    warm, process = _warm()
    job = _job(tmp_path, monkeypatch, "0")
    env = job.environment() | {"PYTHONHASHSEED": "7"}
    assert warm.start(job.command(), env) is None
    assert process.poll() is not None  # discarded, not left behind
    monkeypatch.setenv("PYTHONHASHSEED", "7")
    assert run_job(job, echo=False, warm=WarmRunner("behave", str(REPO_ROOT))).code == 0


def test_another_runners_warm_process_is_discarded_and_the_job_starts_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: str
) -> None:
    other, process = _warm("pytest-bdd")
    finished = run_job(_job(tmp_path, monkeypatch, "5"), echo=False, warm=other)
    assert finished.code == 5
    assert _report(finished.output)["argv"] == ["5"]
    assert process.poll() is not None


def test_a_warm_process_past_its_jobs_timeout_is_killed_with_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, probe: str
) -> None:
    warm = WarmRunner("behave", str(REPO_ROOT))
    began = time.monotonic()
    finished = run_job(
        _job(tmp_path, monkeypatch, "0", "--sleep", timeout=2), echo=False, warm=warm
    )
    assert time.monotonic() - began < 20
    assert finished.timed_out
    assert finished.code == 124
    assert _report(finished.output)["argv"] == ["0", "--sleep"]


def test_a_discarded_warm_process_is_gone() -> None:
    warm, process = _warm()
    warm.discard()
    assert process.poll() is not None
    warm.discard()  # twice is harmless


def test_while_waiting_is_called_as_the_runner_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "import time\ntime.sleep(0.8)"
    monkeypatch.setattr(RunnerJob, "command", lambda self: [sys.executable, "-c", code])
    job = RunnerJob("behave", RunSettings(), tmp_path, tmp_path / "results", timeout=60)
    calls: list[float] = []
    assert run_job(job, echo=False, while_waiting=lambda: calls.append(time.monotonic())).code == 0
    assert len(calls) >= 3  # every WAKE_SECONDS (0.1 s)


def test_a_run_stopped_before_its_runner_leaves_no_process_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose scenarios do not lint starts nothing: the warm process is ended."""
    started: list[WarmRunner] = []
    real = warm_module.WarmRunner

    def spy(runner: str, root: str) -> WarmRunner:
        made = real(runner, root)
        started.append(made)
        return made

    monkeypatch.setattr(warm_module, "WarmRunner", spy)
    features = tmp_path / "features"
    features.mkdir()
    (features / "bad.feature").write_text(
        "Feature: bad\n  Scenario: s\n    Given nothing this library knows\n", encoding="utf-8"
    )
    code = cli_main.main(
        ["run", "--features", str(features), "--runner", "behave", "--results", str(tmp_path / "r")]
    )
    assert code == 2
    assert [w.runner for w in started] == ["behave"]
    assert started[0]._started is None


def test_prewarm_starts_nothing_for_other_commands() -> None:
    assert prewarm(["check"], str(REPO_ROOT)) is None
    assert prewarm(["run", "--help"], str(REPO_ROOT)) is None


@pytest.mark.parametrize("runner", ["behave", "pytest-bdd"])
def test_every_profile_of_a_run_is_handed_to_a_process_started_before_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    runner: str,
) -> None:
    """The first runner process starts as ``run`` begins, each next one while the one before
    runs; each is handed its job, and none is left when the run ends. The runner says
    nothing about having been started early (pytest warned that the plugins it had imported
    could not be rewritten for assertions)."""
    made: list[WarmRunner] = []
    handed: list[tuple[str, bool]] = []
    real_class, real_start = warm_module.WarmRunner, warm_module.WarmRunner.start

    def spy(runner: str, root: str) -> WarmRunner:
        made.append(real_class(runner, root))
        return made[-1]

    def start(self: WarmRunner, command: list[str], env: dict[str, str]) -> object:
        started = real_start(self, command, env)
        handed.append((env["DSP_CONFORMANCE_PROFILE"], started is not None))
        return started

    monkeypatch.setattr(warm_module, "WarmRunner", spy)
    monkeypatch.setattr(real_class, "start", start)
    profiles = ["baseline", "dp107-owner-path", "dp107-registered-path"]
    argv = ["run", "--runner", runner, "--tags", "@req:DP107-cos-smets1"]
    argv += [f"--profile={p}" for p in profiles] + ["--results", str(tmp_path / "results")]
    assert cli_main.main(argv) == 0
    output = capsys.readouterr().out
    assert "arning" not in output, output
    assert handed == [(p, True) for p in profiles]
    assert [w.runner for w in made] == [runner] * 3
    assert all(w._started is None for w in made)
