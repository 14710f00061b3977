"""Start pytest-bdd or behave on the scenarios, for one profile, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigurationError
from harness.running.records import ENV_ENRICHMENT
from harness.running.shard import ENV_SHARD
from harness.settings import ENV_EVIDENCE, ENV_FEATURES, ENV_TAGS, REPO_ROOT, RunSettings

RUNNERS = ("pytest-bdd", "behave")
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
        env = dict(os.environ)
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
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        return env


@dataclass(frozen=True)
class RunnerExit:
    code: int
    output: str
    timed_out: bool = False


def run_job(job: RunnerJob, echo: bool = True) -> RunnerExit:
    """Run one runner process; never hangs past ``job.timeout``."""
    job.results.mkdir(parents=True, exist_ok=True)
    try:
        completed = subprocess.run(
            job.command(),
            env=job.environment(),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=job.timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        return RunnerExit(124, out, timed_out=True)
    output = completed.stdout + completed.stderr
    if echo:
        sys.stdout.write(output)
    return RunnerExit(completed.returncode, output)
