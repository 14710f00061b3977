"""Runs ``dsp-conformance run …`` with the runner in *this* process (not a child), so that
the keys the run used are the ones ``harness.pki.shared_pki()`` holds here; then writes
those keys to ``--keys-out`` (a test artefact, kept apart from everything the run wrote)
for test_secrets.py to look for.

    python -m tests.reliability.secrets_driver --keys-out K -- run --target URL …
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import harness.cli.run_profiles as cli_run_profiles
from harness.adapters import http
from harness.cli.main import main
from harness.pki import shared_pki
from harness.running.runners import RunnerExit, RunnerJob
from harness.running.warm import WarmRunner


def run_in_process(
    job: RunnerJob,
    echo: bool = True,
    while_waiting: Callable[[], object] | None = None,
    warm: WarmRunner | None = None,
) -> RunnerExit:
    """``run_job``'s stand-in: the runner in this process (a warm process is not used; the
    records are read once the runner has ended)."""
    assert job.runner == "pytest-bdd", "the driver runs pytest-bdd in process"
    if warm is not None:
        warm.discard()
    job.results.mkdir(parents=True, exist_ok=True)
    environment = job.environment()
    os.environ.clear()
    os.environ.update(environment)
    command = job.command()
    assert command[1:3] == ["-m", "pytest"], command
    code = pytest.main(command[3:])
    return RunnerExit(int(code), "")


def keys_used() -> list[ec.EllipticCurvePrivateKey]:
    pki = shared_pki()
    keys = [pki.root_key, pki.issuer_key]
    keys += [credential.private_key for credential in pki._issued.values()]
    if http._STRANGER is not None:
        keys.append(http._STRANGER.private_key)
    return keys


def dump(keys: list[ec.EllipticCurvePrivateKey], path: Path) -> None:
    rows = [
        {
            "pkcs8": key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).hex(),
            "scalar": key.private_numbers().private_value.to_bytes(32, "big").hex(),
        }
        for key in keys
    ]
    path.write_text(json.dumps(rows))


def drive(argv: list[str]) -> int:
    keys_out = Path(argv[argv.index("--keys-out") + 1])
    cli_argv = argv[argv.index("--") + 1 :]
    cli_run_profiles.run_job = run_in_process
    code = main(cli_argv)
    dump(keys_used(), keys_out)
    return code


if __name__ == "__main__":
    sys.exit(drive(sys.argv[1:]))
