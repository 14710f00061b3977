"""Start pytest-bdd or behave on the scenarios, for one profile, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harness.errors import ConfigurationError
from harness.running.records import ENV_ENRICHMENT
from harness.running.shard import ENV_SHARD
from harness.running.warm import RUNNERS, WarmRunner, kill_group, start, startup_environment
from harness.settings import (
    ENV_EVIDENCE,
    ENV_FEATURES,
    ENV_IN_FLIGHT,
    ENV_TAGS,
    REPO_ROOT,
    RunSettings,
)

UNUSED_PLUGINS = ("-p", "no:hypothesispytest", "-p", "no:anyio")
"""pytest plugins installed beside pytest-bdd that a scenario run does not use."""


@dataclass(frozen=True)
class RunnerJob:
    runner: str
    settings: RunSettings
    features: Path
    results: Path
    tags: str | None = None
    workers: int = 0
    timeout: float = 3600.0
    quiet: bool = True
    shard: str | None = None  # "K/N": run only that shard (harness/running/shard.py)
    # results completed as they are written (harness/running/allure_logger.py)
    enrichment: Path | None = None
    in_flight: int = 0  # scenarios at once, in forked copies (harness/running/in_flight.py)

    def command(self) -> list[str]:
        if self.runner == "pytest-bdd":
            command = [
                sys.executable,
                "-m",
                "pytest",
                str(REPO_ROOT / "steps" / "pytest_suite"),
                "-c",
                str(REPO_ROOT / "steps" / "pytest_suite" / "pytest.ini"),
                # allure-pytest-bdd wants feature files under the rootdir
                "--rootdir",
                os.path.commonpath([str(REPO_ROOT), str(self.features.resolve())]),
                "-p",
                "allure_pytest_bdd",
                "-p",
                "harness.running.enrich_pytest",
                "-p",
                "no:allure_pytest",
                "-p",
                "no:cacheprovider",
                # the steps raise the World's own errors: no assert to rewrite (and the plugins
                # a warm runner process imported early are not re-imported to be rewritten)
                "--assert=plain",
                # plugins the virtualenv holds for the project's own tests, not for scenarios
                # (hypothesis's imports all of hypothesis at the end of every session)
                *UNUSED_PLUGINS,
                "--alluredir",
                str(self.results),
                "-q" if self.quiet else "-v",
                "-rN",
            ]
            if self.workers:
                command += ["-n", str(self.workers)]
            if self.quiet:  # one line per scenario that did not pass, not a traceback
                command += ["-p", "harness.running.terse"]
            if self.shard:
                command += ["-p", "harness.running.shard_pytest"]
            if self.in_flight:  # per-process capture: the copies share the file descriptors
                command += ["-p", "harness.running.in_flight", "--capture=sys"]
            return command
        if self.runner == "behave":
            command = [
                sys.executable,
                "-m",
                "harness.running.behave_main",
                str(self.features),
                "--format",
                "harness.running.behave_formatter:EnrichingFormatter",
                "--outfile",
                str(self.results),
                "--format",
                "progress",
                # scenarios a tag expression leaves out are not results at all
                "--define",
                "AllureFormatter.hide_excluded=true",
                "--no-summary" if self.quiet else "--summary",
            ]
            if self.tags:
                command += ["--tags", self.tags]
            return command
        raise ConfigurationError(f"unknown runner {self.runner!r}; use {' or '.join(RUNNERS)}")

    def environment(self) -> dict[str, str]:
        env = startup_environment(str(REPO_ROOT))  # the caller's, the project on PYTHONPATH
        env.update(self.settings.environment())
        env[ENV_FEATURES] = str(self.features)
        env[ENV_EVIDENCE] = "allure"
        if self.tags:
            env[ENV_TAGS] = self.tags
        else:
            env.pop(ENV_TAGS, None)
        if self.shard:
            env[ENV_SHARD] = self.shard
        else:
            env.pop(ENV_SHARD, None)
        if self.enrichment is not None:
            env[ENV_ENRICHMENT] = str(self.enrichment)
        else:
            env.pop(ENV_ENRICHMENT, None)
        if self.in_flight:
            env[ENV_IN_FLIGHT] = str(self.in_flight)
        else:
            env.pop(ENV_IN_FLIGHT, None)
        return env


@dataclass(frozen=True)
class RunnerExit:
    code: int
    output: str
    timed_out: bool = False


WAKE_SECONDS = 0.1
"""How often :func:`run_job` calls its ``while_waiting`` while the runner runs."""


def run_job(
    job: RunnerJob,
    echo: bool = True,
    while_waiting: Callable[[], object] | None = None,
    warm: WarmRunner | None = None,
) -> RunnerExit:
    """Run one runner process; never hangs past ``job.timeout``.

    Its output goes to two unnamed temporary files, read when it ends: a pipe woke this
    process for every write (with ``PYTHONUNBUFFERED`` set, every progress dot), a tenth of
    this process's CPU on 2,000 scenarios; a file takes the writes without waking anyone, and
    after a timeout it still holds everything the runner wrote before it was killed.

    ``warm``: a process of this job's runner started earlier (:mod:`harness.running.warm`),
    used when it can be (else discarded). ``while_waiting`` is called every ``WAKE_SECONDS``
    while the runner runs (the CLI reads the results recorded so far)."""
    job.results.mkdir(parents=True, exist_ok=True)
    command, env = job.command(), job.environment()
    started = None
    if warm is not None:
        started = warm.start(command, env) if warm.runner == job.runner else None
        warm.discard()  # a no-op once started
    if started is None:
        started = start(command, env, str(REPO_ROOT))
    process = started.process
    try:
        with process:
            try:
                finished = _wait(process, job.timeout, while_waiting)
            except BaseException:
                kill_group(process)
                raise
            if not finished:
                kill_group(process)
                process.wait()
                return RunnerExit(124, _text(started.out), timed_out=True)
        output = _text(started.out) + _text(started.err)
    finally:
        started.close()
    if echo:
        sys.stdout.write(output)
    return RunnerExit(process.returncode, output)


def _wait(
    process: subprocess.Popen[bytes], timeout: float, while_waiting: Callable[[], object] | None
) -> bool:
    """Whether ``process`` ended within ``timeout`` seconds; ``while_waiting`` is called every
    ``WAKE_SECONDS`` until then (what it raises ends the wait)."""
    if while_waiting is None:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            process.wait(timeout=min(remaining, WAKE_SECONDS))
        except subprocess.TimeoutExpired:
            while_waiting()
            continue
        return True
    return process.poll() is not None


def _text(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")
