"""Start ``dsp-conformance serve`` (the reference, or one of its mutants) on a free loopback
port, wait until it answers ``/health``, and stop it afterwards."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx

from harness.duis.schema import duis_dir
from harness.errors import Inconclusive
from harness.settings import REPO_ROOT

START_ATTEMPTS = 3  # a free port can be taken between probing it and the server binding it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, profile: str, mutant: str | None) -> list[str]:
    command = [sys.executable, "-m", "harness.cli.main", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--profile", profile]
    if mutant:
        command += ["--mutant", mutant]
    if not (duis_dir() / "xsd").is_dir():
        command.append("--no-schema")  # ../shared/duis is absent: no XSD to validate against
    return command


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def served_dsp(profile: str, mutant: str | None = None, timeout: float = 60) -> Iterator[str]:
    """The base URL of a freshly started served DSP; raises Inconclusive if it never
    becomes healthy within ``timeout`` seconds."""
    problem = ""
    for _ in range(START_ATTEMPTS):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen(
                serve_command(port, profile, mutant), cwd=REPO_ROOT, stdout=log, stderr=log
            )
            try:
                deadline = time.monotonic() + timeout
                while process.poll() is None and time.monotonic() < deadline:
                    if _healthy(url):
                        yield url
                        return
                    time.sleep(0.2)
                log.seek(0)
                problem = log.read().decode(errors="replace")[-1500:]
                if process.poll() is None:  # running but silent: starting again will not help
                    problem = f"no answer on {url}/health within {timeout:g} s\n{problem}"
                    break
            finally:
                _stop(process)
    what = f"mutant {mutant}" if mutant else "the reference"
    raise Inconclusive(f"could not serve {what} under {profile}: {problem.strip()}")
