"""Persistence: ``serve --state FILE`` loses no acknowledged request's state when the served
DSP is killed (SIGKILL, mid-run, nothing flushed on the way out) and restarted on the same
file. Every update the harness saw applied is still held afterwards, RequestIDs used before
the crash are still refused (E44), the DSP signs with the same certificate, deliveries to
the Users go on, and the state file is private (mode 0600)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from fuzz.client import Scene
from harness.domain.certificates import KeyUsage
from harness.errors import HarnessError
from harness.server.journal import file_mode
from tests.reliability.kit import run_cli
from tests.reliability.server import start

DEVICES = 40


def _holder(scene: Scene, device: str) -> int:
    held = scene.held(device)["dsp"]
    assert isinstance(held, dict)
    serial = held["NetworkOperator/digitalSigning"]["serial"]
    assert isinstance(serial, int)
    return serial


def test_kill_9_mid_run_and_restart_loses_nothing_acknowledged(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    log = tmp_path / "serve.log"
    dsp = start(log, "--state", str(state))
    try:
        scene = Scene(dsp.url)
        for n in range(DEVICES):  # SMETS1: the outcome is readable from the S1SP's answer
            scene.world.add_device(f"m-{n}", "ESME", "SMETS1", "1200000000002")
            scene.world.place_certificates(f"m-{n}", "network operator", "NO-A")
        certificate_before = httpx.get(f"{dsp.url}/test-control/dsp-certificate").content
        replay_me = scene.good()
        assert scene.read_answer(scene.post(replay_me).content).code == "I99"

        acknowledged: list[int] = []
        stopped = threading.Event()

        def client() -> None:  # NO-A hands one meter after another to NO-B
            for n in range(DEVICES):
                try:
                    attempt = scene.world.send_krp("NO-A", f"m-{n}", "network operator", "NO-B")
                except HarnessError:
                    break  # the DSP died under us: this one was never acknowledged
                if attempt.observed().status == "completed":
                    acknowledged.append(n)
            stopped.set()

        runner = threading.Thread(target=client, daemon=True)
        runner.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        dsp.kill_9()  # mid-run: the client is between two requests, or inside one
        assert stopped.wait(60)
        assert 8 <= len(acknowledged) < DEVICES, acknowledged

        assert file_mode(state) == 0o600
        for extra in state.parent.glob(state.name + "-*"):
            assert file_mode(extra) == 0o600, extra

        dsp = start(log, "--state", str(state), port=dsp.port)  # same file, same port
        no_b = scene.world.party("NO-B").credentials[KeyUsage.DIGITAL_SIGNING].certificate
        no_a = scene.world.party("NO-A").credentials[KeyUsage.DIGITAL_SIGNING].certificate
        for n in acknowledged:
            assert _holder(scene, f"m-{n}") == no_b.id.serial, f"m-{n} lost its update"
        in_flight = max(acknowledged) + 1
        for n in range(in_flight + 1, DEVICES):  # never sent: untouched
            assert _holder(scene, f"m-{n}") == no_a.id.serial

        assert httpx.get(f"{dsp.url}/test-control/dsp-certificate").content == certificate_before
        again = scene.read_answer(scene.post(replay_me).content)  # same DSP key verifies it
        assert again.code == "E44", again
        # And it goes on: a new update is applied and its final response delivered.
        after = scene.world.send_krp("NO-A", f"m-{DEVICES - 1}", "network operator", "NO-B")
        assert after.observed().status == "completed", after.observed().describe()
        assert _holder(scene, f"m-{DEVICES - 1}") == no_b.id.serial
    finally:
        dsp.stop()
    assert "Traceback" not in log.read_text()


def test_state_file_is_for_one_server_and_one_profile(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    dsp = start(tmp_path / "serve.log", "--state", str(state))
    try:
        busy = run_cli("serve", "--port", "0", "--no-schema", "--state", state, timeout=60)
        assert busy.returncode == 2
        assert "is in use by another dsp-conformance serve" in busy.stderr
    finally:
        dsp.stop()
    other = run_cli(
        "serve", "--port", "0", "--no-schema", "--profile", "dp107-owner-path", "--state", state
    )
    assert other.returncode == 2
    assert "holds a DSP served under profile 'baseline', not 'dp107-owner-path'" in other.stderr
    assert "Traceback" not in busy.stderr + other.stderr
