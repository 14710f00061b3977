"""``dsp-conformance serve`` on loopback: start it, provision a cast, stop it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import CLI, PYTHON, REPO, BenchmarkError
from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    Provision,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.adapters.wire import to_json
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import make_mpan
from harness.domain.parties import User
from harness.domain.registration import Registration
from harness.domain.roles import XML_SIGNING_OU, UserRole
from harness.domain.timeline import Interval
from harness.duis.schema import duis_dir
from harness.pki import Credential, TestPki

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
SUPPLIER = Eui64.parse("90-B3-D5-1F-30-01-00-00")
METER = Eui64.parse("00-DB-12-34-56-78-90-A0")
MPAN = make_mpan("120000000001")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, extra: Sequence[str] = (), tree: Path | None = None) -> list[str]:
    """``dsp-conformance serve``; from another checkout ``tree`` (a "before"), run as
    ``python -m harness.cli.main`` with that tree on ``PYTHONPATH``."""
    schema = [] if (duis_dir() / "xsd").is_dir() else ["--no-schema"]
    cli = [CLI] if tree is None else [PYTHON, "-m", "harness.cli.main"]
    return [*cli, "serve", "--host", HOST, "--port", str(port), *schema, *extra]


def hidden(modules: Sequence[str], folder: Path) -> Path:
    """A folder that, first on ``PYTHONPATH``, makes ``modules`` fail to import: a "before"
    checkout runs without the packages it did not depend on (uvicorn picks httptools and
    uvloop whenever they import)."""
    for name in modules:
        package = folder / name
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text(f"raise ImportError('{name} hidden')\n")
    return folder


def wait_healthy(url: str, process: subprocess.Popen[Any], what: str) -> None:
    """Until ``url``'s health check answers 200; a clear error if ``process`` ends first or
    does not answer within START_TIMEOUT (its last output, when it was captured)."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read() if process.stdout else ""
            text = output.decode(errors="replace") if isinstance(output, bytes) else output
            raise BenchmarkError(f"{what} did not start: {text[-2000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def served(
    extra: Sequence[str] = (), tree: Path | None = None, without: Sequence[str] = ()
) -> Iterator[tuple[str, list[str], int]]:
    """The served reference DSP on a free loopback port: (base URL, command line, PID);
    from another checkout ``tree``, optionally without some installed packages."""
    port = free_port()
    command = serve_command(port, extra, tree)
    env = None
    if tree is not None:
        path = str(tree)
        if without:
            shadow = Path(tempfile.mkdtemp(prefix="hidden-"))
            path = f"{hidden(without, shadow)}{os.pathsep}{path}"
        env = {**os.environ, "PYTHONPATH": path, "DSP_CONFORMANCE_DUIS_DIR": str(duis_dir())}
    process = subprocess.Popen(
        command,
        cwd=tree or REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    url = f"http://{HOST}:{port}"
    try:
        wait_healthy(url, process, "serve")
        yield url, command, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass(frozen=True)
class Cast:
    """One supplier (with its XML-signing key) registered for one SMETS2 ESME."""

    supplier: Eui64
    meter: Eui64
    signing: Credential


def provision(url: str) -> Cast:
    """Through the test-control API, as any client would (no response URL: the load is the
    synchronous DUIS exchange alone)."""
    pki = TestPki()
    signing = pki.issue(SUPPLIER, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    role = UserRole.IMPORT_SUPPLIER
    commands: list[Provision] = [
        SetTime(NOW),
        AddUser(User(SUPPLIER, role, "Supplier-1")),
        PublishCertificate(signing.certificate.der),
        AddDevice(
            Device(METER, DeviceType.ESME, Generation.SMETS2, DeviceStatus.COMMISSIONED, MPAN)
        ),
        Register(Registration(MPAN, role, SUPPLIER, Interval(NOW.replace(year=2025)))),
    ]
    with httpx.Client(base_url=url, timeout=10) as client:
        for command in commands:
            answer = client.post("/test-control/provision", json=to_json(command))
            if answer.status_code >= 400:
                raise BenchmarkError(f"provisioning {type(command).__name__}: {answer.text}")
    return Cast(SUPPLIER, METER, signing)
