"""Runner processes started before they are needed.

A runner process spends its first few tenths of a second starting Python and importing its
runner, Allure and the step library, none of which depends on the job. The CLI starts one as
soon as it knows a run is coming (:func:`prewarm`), lints and prepares the run meanwhile on
another core, then hands the process its job (:meth:`WarmRunner.start`): the command line it
would have been started with and its environment. Until then it has run nothing. A warm
process that is not used is killed (:meth:`WarmRunner.discard`).

The child's side is ``python -m harness.running.warm RUNNER``: it imports what the runner
will, reads one line (the job, JSON) from its standard input and runs the job's module as
``python -m`` would (:func:`runpy.run_module`). Its standard input is then ``/dev/null``, as
a runner's always is. Only the standard library is imported here: the CLI imports this
module before it knows which command it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import runpy
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

RUNNERS = ("pytest-bdd", "behave")
DEFAULT_RUNNER = "pytest-bdd"

PRELOAD: dict[str, tuple[str, ...]] = {
    "pytest-bdd": (
        "pytest",
        "_pytest.main",
        "_pytest.python",
        "pytest_bdd",
        "allure_pytest_bdd.plugin",
        "harness.running.enrich_pytest",
        "harness.running.allure_logger",
        "steps.binders.pytest_bdd",
    ),
    "behave": (
        "behave.__main__",
        "behave.runner",
        "allure_behave.formatter",
        "harness.running.behave_formatter",
        "harness.running.shard",
        "steps.binders.behave",
    ),
}
"""What each runner imports before it runs anything (a module missing here is imported when
the job runs, as it would be without a warm start)."""


@dataclass
class StartedRunner:
    """A runner process running its job; its output goes to two unnamed temporary files."""

    process: subprocess.Popen[bytes]
    out: IO[bytes]
    err: IO[bytes]

    def close(self) -> None:
        self.out.close()
        self.err.close()


def startup_environment(root: str) -> dict[str, str]:
    """The environment a runner process starts in, before its job is known: the caller's,
    with the project on ``PYTHONPATH``. A job's environment adds to it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _startup_part(env: Mapping[str, str]) -> dict[str, str]:
    """What the interpreter reads as it starts (a job cannot change it afterwards)."""
    return {k: v for k, v in env.items() if k.startswith("PYTHON")}


def start(command: Sequence[str], env: Mapping[str, str], cwd: str) -> StartedRunner:
    """A runner process started cold, with its job on its command line."""
    return _spawn(command, env, cwd, subprocess.DEVNULL)


def _spawn(command: Sequence[str], env: Mapping[str, str], cwd: str, stdin: int) -> StartedRunner:
    with contextlib.ExitStack() as files:
        out = files.enter_context(tempfile.TemporaryFile())
        err = files.enter_context(tempfile.TemporaryFile())
        # A session of its own: on a timeout the runner's forked copies (--in-flight) and
        # pytest-xdist's workers end with it.
        process = subprocess.Popen(
            list(command),
            env=dict(env),
            cwd=cwd,
            stdin=stdin,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        files.pop_all()  # the runner's now: closed by StartedRunner.close
    return StartedRunner(process, out, err)


class WarmRunner:
    """A runner process waiting for its job."""

    def __init__(self, runner: str, root: str) -> None:
        self.runner = runner
        self._env = startup_environment(root)
        command = [sys.executable, "-m", __name__, runner]
        self._started: StartedRunner | None = _spawn(command, self._env, root, subprocess.PIPE)

    def start(self, command: Sequence[str], env: Mapping[str, str]) -> StartedRunner | None:
        """Hand the process its job: ``command`` (``python -m MODULE ARGS…``) run in ``env``.
        None, and the process discarded, when the job cannot run in it: another runner's,
        not a ``-m`` command, or an environment the interpreter would have started in
        differently."""
        started, self._started = self._started, None
        if started is None:
            return None
        usable = (
            len(command) >= 3
            and command[0] == sys.executable
            and command[1] == "-m"
            and _startup_part(env) == _startup_part(self._env)
        )
        stdin = started.process.stdin
        if not usable or stdin is None:
            _discard(started)
            return None
        job = {"module": command[2], "argv": list(command[3:]), "env": dict(env)}
        with contextlib.suppress(BrokenPipeError):  # it ended early: its exit code says why
            stdin.write(json.dumps(job).encode("utf-8") + b"\n")
        with contextlib.suppress(BrokenPipeError):
            stdin.close()
        return started

    def discard(self) -> None:
        """End the process unused (nothing of a job ran in it)."""
        started, self._started = self._started, None
        if started is not None:
            _discard(started)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """End a runner process and everything it started (its session's process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _discard(started: StartedRunner) -> None:
    kill_group(started.process)
    started.process.wait()
    if started.process.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            started.process.stdin.close()
    started.close()


def runner_named(argv: Sequence[str]) -> str | None:
    """The runner ``dsp-conformance`` ARGV will start first, or None when it starts none
    (another command, ``--help``, a runner name the real parser will refuse)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first != "run" or {"-h", "--help"} & set(argv):
        return None
    scan = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    scan.add_argument("--runner", default=DEFAULT_RUNNER)
    try:
        known, _ = scan.parse_known_args(list(argv))
    except argparse.ArgumentError:
        return None  # "--runner" without a name: the real parser says so
    runner = str(known.runner)
    return runner if runner in RUNNERS else None


def prewarm(argv: Sequence[str], root: str) -> WarmRunner | None:
    """A warm process of the runner ``argv`` will run, or None (see :func:`runner_named`)."""
    runner = runner_named(argv)
    return None if runner is None else warm_runner(runner, root)


def warm_runner(runner: str, root: str) -> WarmRunner | None:
    """A warm process of ``runner``, or None when one cannot be started (the run then starts
    its runner itself, and says what is wrong if that fails too)."""
    try:
        return WarmRunner(runner, root)
    except OSError:
        return None


def _child(runner: str) -> int:
    for module in PRELOAD.get(runner, ()):
        # A module that fails to import fails again when the job imports it, with the error
        # the runner would have shown without a warm start.
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    line = sys.stdin.buffer.readline()
    if not line:
        return 0  # discarded
    job: dict[str, Any] = json.loads(line)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.environ.clear()
    os.environ.update(job["env"])
    sys.argv = [job["module"], *job["argv"]]
    runpy.run_module(job["module"], run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
