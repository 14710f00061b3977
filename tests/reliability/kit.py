"""Shared pieces of the reliability tests: the CLI in a child process, small feature files,
key and certificate files made with ``cryptography``, and output checks."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from harness.domain.eui import Eui64
from harness.server.journal import Journal

REPO = Path(__file__).resolve().parents[2]
SIGNER = Eui64.parse("90-B3-D5-1F-30-02-00-77")

BACKGROUND = """\
@req:SRPD-6.1f-iii
Feature: A tester's feature
  Background:
    Given the time is 2026-03-01 10:00
    And NO-A is a User in the role ED
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A

"""

# Two scenarios: a read (SRV 4.1.1, one exchange on /api/v1/serviceS) and the critical flow
# (SRV 6.15.1: /api/v1/serviceT, then /api/v1/serviceS), so a fault on serviceT breaks only
# the second and the first must carry on. The meter is SMETS1: over DUIS its outcomes are
# readable from the S1SP's signed MMC answers (a SMETS2 meter's travel in GBCS).
TWO_SCENARIOS = """\
  Scenario: a read
    When NO-A sends SRV 4.1.1 to "meter-1"
    Then the request is applied

  @req:SEC-OWNERSHIP-SMETS1
  Scenario: a critical update
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the request is applied
"""


def run_cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_feature(directory: Path, body: str, *, background: bool = True) -> Path:
    """A features folder holding ``mine.feature``; returns the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    text = (BACKGROUND if background else "") + textwrap.dedent(body)
    (directory / "mine.feature").write_text(text, encoding="utf-8")
    return directory


# A pytest-style traceback has "E   " lines and "_ _ _" separators; Python's has its header.
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^E {3}|^(_ ){5}|^\s+\^{5}", re.M)


def assert_no_traceback(text: str) -> None:
    found = _TRACEBACK.search(text)
    assert found is None, f"a traceback reached the user:\n{text[-3000:]}"


def one_line(text: str, *needles: str) -> str:
    """The single output line holding every needle (the message a user reads)."""
    lines = [line for line in text.splitlines() if all(n in line for n in needles)]
    assert lines, f"no line holds {needles}:\n{text[-3000:]}"
    return lines[0]


# -- keys and certificates, made here with cryptography ----------------------------------
def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def certificate(
    key: ec.EllipticCurvePrivateKey,
    owner: Eui64 = SIGNER,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    """An XML-signing certificate shaped like the SMKI's (OU 87, owner in
    x500UniqueIdentifier), self-issued."""
    now = datetime.now(UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "87"),
            x509.NameAttribute(
                NameOID.X500_UNIQUE_IDENTIFIER,
                b"\x00" + owner.to_bytes(),
                x509.name._ASN1Type.BitString,
            ),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ZT")]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )


def pem_key(
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, password: bytes | None = None
) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def pem_certificate(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def signer_config(certificate_file: str, key_file: str, user_id: Eui64 = SIGNER) -> str:
    return (
        "[[signers]]\n"
        f'user_id = "{user_id}"\n'
        f'certificate = "{certificate_file}"\n'
        f'key = "{key_file}"\n'
    )


def slow_journal_writes(
    monkeypatch: pytest.MonkeyPatch, written: list[bytes], *, seconds: float, fail: bool = False
) -> None:
    """Every state-journal write takes ``seconds`` (so that requests pile up behind it) and
    is remembered in ``written``; with ``fail``, every write fails as a full disk would."""
    original = Journal._write

    def write(self: Journal, batch: list[tuple[str, str | None, bytes]]) -> str | None:
        time.sleep(seconds)
        if fail:
            return "disk full (simulated)"
        outcome = original(self, batch)
        written.extend(body for _, _, body in batch)
        return outcome

    monkeypatch.setattr(Journal, "_write", write)
