"""A target with no DSP certificate to verify its responses against: the run refuses to
start (exit 2, one line) unless the user says ``--unverified-signatures``, and then the
results say the signatures were not checked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.blackbox.cli import parameter, results, run_cli


class _NoTestControl(BaseHTTPRequestHandler):
    """A DUIS endpoint with no test-control API (as every real DSP): 404 for everything."""

    def do_GET(self) -> None:
        self.send_error(404)

    def do_POST(self) -> None:
        self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def bare_target() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NoTestControl)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


TAGS = "@req:SRPD-6.1f-iii"


def test_no_dsp_certificate_refuses_to_start(bare_target: str, tmp_path: Path) -> None:
    run = run_cli("run", "--target", bare_target, "--tags", TAGS, "--results", tmp_path / "r")
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "no DSP certificate" in lines[0]
    assert "--unverified-signatures" in lines[0]
    assert "Traceback" not in run.stderr


def test_unverified_signatures_run_and_say_so(bare_target: str, tmp_path: Path) -> None:
    run = run_cli(
        "run", "--target", bare_target, "--tags", TAGS, "--results", tmp_path / "r",
        "--unverified-signatures",
    )  # fmt: skip
    # Nothing can be provisioned on a bare endpoint, so nothing executes: the gate says so
    # (exit 4) rather than passing; the run itself started and recorded its results.
    assert run.returncode == 4, run.stdout[-2000:] + run.stderr[-2000:]
    assert "no scenario executed" in run.stderr
    assert "response signatures not checked" in run.stdout
    written = results(tmp_path / "r")
    assert written
    assert all("signatures not checked" in parameter(r, "target") for r in written)
