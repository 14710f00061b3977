"""No secret leaves in what a run writes.

The scenarios run against ``dsp-conformance serve`` (with a test-control token and a state
file), through the real CLI with the runner in the test's own driver process so the keys
it used are known; then the reports are rendered. Every file the run, the server and the
report wrote is scanned: results, reports (the single-file Allure report's embedded base64
data is decoded and scanned too), JUnit, the server's log and all console output. Searched
for: PEM "PRIVATE KEY" blocks; the DER PKCS#8 encoding of any P-256 key (by its fixed
prefix, so even keys the test does not know are found) and of every key the run used, raw,
hex and base64; those keys' private scalars raw, hex, base64 and decimal; the served DSP's
own response-signing key; the test-control token. Found: nothing.

The one exception, documented in docs/reliability.md: the ``--state`` file holds the
served DSP's key (mode 0600). The test checks the scanner *does* find that key there, so
a scanner that could not find anything would fail this test.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.reliability.kit import REPO, assert_no_traceback, run_cli
from tests.reliability.server import serving

TOKEN = "test-control-token-that-must-not-leak-7c1d"
TAGS = "@req:CRIT-precommand or @req:DUIS-signature or @req:SEC-OWNERSHIP-SMETS1"
# Every P-256 PKCS#8 key (unencrypted) starts so; an EC SEC1 key similarly.
PKCS8_P256 = bytes.fromhex(
    "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420"
)
SEC1_P256 = bytes.fromhex("30770201010420")
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]{64,}={0,2}")


def _base64_cores(data: bytes) -> list[bytes]:
    """How ``data`` shows inside any longer base64 text, whatever its alignment there: the
    middle of its encoding at each of the three byte offsets."""
    cores = []
    for shift in range(3):
        encoded = base64.b64encode(data[shift:])
        cores.append(encoded[4 : len(encoded) - 4])
    return cores


class Needles:
    """Every form of every secret, with a name for the report."""

    def __init__(self) -> None:
        self.forms: list[tuple[str, bytes]] = [
            ("a PEM private key block", b"PRIVATE KEY"),
            ("a P-256 PKCS#8 key", PKCS8_P256),
            ("a P-256 PKCS#8 key, hex", PKCS8_P256.hex().encode()),
            ("a P-256 PKCS#8 key, HEX", PKCS8_P256.hex().upper().encode()),
            *(("a P-256 PKCS#8 key, base64", c) for c in _base64_cores(PKCS8_P256 + b"\0" * 6)),
        ]

    def key(self, name: str, pkcs8: bytes, scalar: bytes) -> None:
        for label, value in (("PKCS#8", pkcs8), ("private scalar", scalar)):
            self.forms.append((f"{name} {label}", value))
            self.forms.append((f"{name} {label}, hex", value.hex().encode()))
            self.forms.append((f"{name} {label}, HEX", value.hex().upper().encode()))
            for core in _base64_cores(value):
                self.forms.append((f"{name} {label}, base64", core))
        self.forms.append((f"{name} private scalar, decimal", str(int.from_bytes(scalar)).encode()))

    def secret(self, name: str, value: bytes) -> None:
        self.forms.append((name, value))
        for core in _base64_cores(value):
            self.forms.append((f"{name}, base64", core))

    def found_in(self, data: bytes) -> list[str]:
        return [name for name, form in self.forms if form in data]


def _expanded(data: bytes, depth: int = 0) -> Iterator[bytes]:
    """The bytes, and what is packed inside them: gzip, and base64 runs (the single-file
    Allure report embeds every result and attachment as base64)."""
    yield data
    if depth >= 2:
        return
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError):
            yield from _expanded(gzip.decompress(data), depth + 1)
    for run in _BASE64_RUN.findall(data):
        try:
            decoded = base64.b64decode(run + b"=" * (-len(run) % 4))
        except (binascii.Error, ValueError):
            continue
        yield from _expanded(decoded, depth + 1)


def scan(files: list[Path], needles: Needles) -> dict[str, list[str]]:
    leaks: dict[str, list[str]] = {}
    for path in files:
        found: set[str] = set()
        for data in _expanded(path.read_bytes()):
            found.update(needles.found_in(data))
        if found:
            leaks[str(path)] = sorted(found)
    return leaks


def _key_rows(key: ec.EllipticCurvePrivateKey) -> tuple[bytes, bytes]:
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pkcs8, key.private_numbers().private_value.to_bytes(32, "big")


def test_the_scanner_finds_every_form_it_claims(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pkcs8, scalar = _key_rows(key)
    needles = Needles()
    needles.key("planted", pkcs8, scalar)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    plants = {
        "pem": pem,
        "der": b"xx" + pkcs8 + b"yy",
        "hex": pkcs8.hex().encode(),
        "scalar-b64": b"=" + base64.b64encode(b"ab" + scalar + b"cd") + b"=",
        "decimal": f"d={int.from_bytes(scalar)};".encode(),
        "in-json-in-base64": base64.b64encode(json.dumps({"x": pem.decode()}).encode()),
        "gzip": gzip.compress(b"junk" + pkcs8),
    }
    for name, data in plants.items():
        (tmp_path / name).write_bytes(data)
    leaks = scan(sorted(tmp_path.iterdir()), needles)
    assert set(leaks) == {str(tmp_path / n) for n in plants}, leaks
    clean = tmp_path / "clean.txt"
    clean.write_text("a DUIS response, a certificate serial 16387, nothing secret")
    assert scan([clean], needles) == {}


@pytest.mark.slow
def test_no_secret_in_anything_a_run_writes(tmp_path: Path) -> None:
    state, log = tmp_path / "state" / "dsp.db", tmp_path / "logs" / "serve.log"
    state.parent.mkdir()
    log.parent.mkdir()
    results, report, junit = tmp_path / "results", tmp_path / "report", tmp_path / "junit.xml"
    keys_out = tmp_path / "keys-used.json"  # the test's own record, not scanned
    console = tmp_path / "logs" / "console.txt"
    env = {"DSP_CONFORMANCE_TOKEN": TOKEN}
    with serving(log, "--state", str(state), env=env) as dsp:
        driven = subprocess.run(
            [sys.executable, "-m", "tests.reliability.secrets_driver", "--keys-out", str(keys_out),
             "--", "run", "--target", dsp.url, "--tags", TAGS, "--results", str(results),
             "--junit", str(junit)],
            cwd=REPO, capture_output=True, timeout=600, check=False,
            env={**os.environ, **env},
        )  # fmt: skip
        console.write_bytes(driven.stdout + driven.stderr)
        assert driven.returncode == 0, (driven.stdout + driven.stderr)[-3000:].decode()
        # the real CLI too, with its own runner processes (their keys are unknown here:
        # the structural PKCS#8 search still covers them)
        cli = subprocess.run(
            [sys.executable, "-m", "harness.cli.main", "run", "--target", dsp.url, "--tags", TAGS,
             "--results", str(tmp_path / "results-cli")],
            cwd=REPO, capture_output=True, timeout=600, check=False, env={**os.environ, **env},
        )  # fmt: skip
        console.write_bytes(console.read_bytes() + cli.stdout + cli.stderr)
        assert cli.returncode == 0, (cli.stdout + cli.stderr)[-3000:].decode()
    rendered = run_cli("report", "--results", results, "--out", report, timeout=300)
    console.write_bytes(console.read_bytes() + (rendered.stdout + rendered.stderr).encode())
    assert rendered.returncode == 0, rendered.stderr
    assert_no_traceback(console.read_text(errors="replace"))

    needles = Needles()
    for n, row in enumerate(json.loads(keys_out.read_text())):
        needles.key(f"run key {n}", bytes.fromhex(row["pkcs8"]), bytes.fromhex(row["scalar"]))
    assert len(needles.forms) > 100  # the run used keys, and we know them
    with sqlite3.connect(state) as db:
        dsp_key = bytes(db.execute("SELECT value FROM meta WHERE key = 'dsp_key'").fetchone()[0])
    key = serialization.load_der_private_key(dsp_key, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    needles.key("the served DSP's key", *_key_rows(key))
    needles.secret("the test-control token", TOKEN.encode())

    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != keys_out]
    exempt = [p for p in written if p.parent == state.parent]  # the --state file (0600)
    scanned = [p for p in written if p not in exempt]
    assert any(p.suffix == ".html" for p in scanned)
    assert junit in scanned
    assert log in scanned
    assert len(scanned) > 20
    assert scan(scanned, needles) == {}
    # The exception is real, and the scanner can see it: the DSP's key is in the state file.
    assert "the served DSP's key PKCS#8" in scan(exempt, needles).get(str(state), [])
