"""What every measurement shares: timed commands, figures with their command, machine load."""

from __future__ import annotations

import compileall
import os
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = str(BIN / "dsp-conformance")
PYTHON = sys.executable


def compile_tree(tree: Path = REPO) -> None:
    """Byte-compile a checkout's own code (``harness/``, ``steps/``, ``benchmarks/``), as
    installing a package does: the bare runners' libraries were compiled by pip, and where
    ``PYTHONDONTWRITEBYTECODE`` is set (some CI images and shells set it) every process of the
    harness would otherwise compile its modules from source again (~0.1 s of CPU per run),
    a cost no installed tool pays. Compiled files are read whatever that variable says."""
    for folder in ("harness", "steps", "benchmarks"):
        if (tree / folder).is_dir():
            compileall.compile_dir(tree / folder, quiet=1)


class BenchmarkError(RuntimeError):
    """A measured command failed: the figure would be meaningless."""


@dataclass(frozen=True)
class Timed:
    seconds: float  # wall
    cpu: float  # user + system seconds of the command and every process it waited for
    code: int
    output: str


@dataclass
class Figure:
    value: float
    unit: str
    command: str  # the exact command line measured (or the measurement's entry point)
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "unit": self.unit, "command": self.command}
        if self.note:
            data["note"] = self.note
        return data


@dataclass
class Figures:
    """The figures of one measurement, keyed as in results.json."""

    values: dict[str, Figure] = field(default_factory=dict)

    def add(self, key: str, value: float, unit: str, command: str, note: str = "") -> None:
        self.values[key] = Figure(value, unit, command, note)


def shell(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> str:
    """A command line someone can paste (paths under the repository made relative)."""

    def show(part: str) -> str:
        text = part.replace(str(REPO) + os.sep, "")
        return shlex.quote(text)

    prefix = "".join(f"{k}={shlex.quote(v)} " for k, v in (env or {}).items())
    where = f"cd {shlex.quote(str(cwd))} && " if cwd is not None and cwd != REPO else ""
    return where + prefix + " ".join(show(p) for p in command)


def run_timed(
    command: Sequence[str],
    *,
    timeout: float,
    cwd: Path = REPO,
    env: Mapping[str, str] | None = None,
    accept: Sequence[int] = (0,),
) -> Timed:
    """Wall time of one command; a failure or a timeout raises (never a silent figure)."""
    environment = {**os.environ, **(env or {})}
    before = _children_cpu()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchmarkError(f"timed out after {timeout:.0f} s: {shell(command, env)}") from None
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - before
    output = done.stdout + done.stderr
    if done.returncode not in accept:
        raise BenchmarkError(f"exit {done.returncode}: {shell(command, env)}\n{output[-2000:]}")
    return Timed(seconds, cpu, done.returncode, output)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fastest(timings: Sequence[Timed]) -> float:
    """Other work on the machine only ever adds time: the fastest run is the cost."""
    return min(t.seconds for t in timings)


def least_cpu(timings: Sequence[Timed]) -> float:
    """CPU seconds hardly depend on what else the machine runs (wall seconds do)."""
    return min(t.cpu for t in timings)


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []
