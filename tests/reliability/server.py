"""``dsp-conformance serve`` as a real child process on a free loopback port, with its output
in a file (a pipe nobody reads would fill and stall the server) so a test can look for
tracebacks in it, and with kill -9 and restart for the persistence tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness.duis.schema import duis_dir
from tests.served.served import free_port

REPO = Path(__file__).resolve().parents[2]


def schema_flag() -> list[str]:
    return [] if (duis_dir() / "xsd").is_dir() else ["--no-schema"]


@dataclass
class Served:
    url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill_9(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed by the server."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(
    log: Path,
    *extra: str,
    profile: str = "baseline",
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    cwd: Path = REPO,  # another checkout's, to serve its harness (with env PYTHONPATH)
) -> Served:
    port = port or free_port()
    handle = log.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli.main",
            "serve",
            "--port",
            str(port),
            "--profile",
            profile,
            *schema_flag(),
            *extra,
        ],
        cwd=cwd,
        stdout=handle,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    handle.close()
    running = Served(f"http://127.0.0.1:{port}", port, log, process)
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{running.url}/health", timeout=1).status_code == 200:
                return running
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"serve did not start: {running.output()[-2000:]}")
        time.sleep(0.1)


@contextlib.contextmanager
def serving(log: Path, *extra: str, **kwargs: object) -> Iterator[Served]:
    running = start(log, *extra, **kwargs)  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.stop()
