"""Settings for an external DSP endpoint, from a TOML file named by --config.

```toml
[target]
timeout = 10              # seconds for each HTTP call
response_timeout = 10     # seconds to wait for an asynchronous final response
retries = 2               # re-sends of the same bytes when the connection was refused
ca_bundle = "ca.pem"      # verify TLS with this CA (or verify_tls = false)
client_cert = "client.pem"
client_key = "client.key"
token_env = "DSP_TEST_CONTROL_TOKEN"   # environment variable holding the test-control token
receiver_host = "127.0.0.1"
receiver_port = 0
dsp_certificate = "dsp-xml-sign.pem"   # to verify the DSP's response signatures

[[signers]]               # XML-signing credentials for Users the target already knows
user_id = "90-B3-D5-1F-30-02-00-00"
certificate = "xml-sign.pem"
key = "xml-sign.key"      # PEM or DER PKCS#8; never stored in the repository
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from harness.domain.certificates import OrgCertificate
from harness.domain.eui import Eui64
from harness.errors import ConfigurationError, HarnessError
from harness.pki import Credential


@dataclass(frozen=True)
class TargetConfig:
    timeout: float = 10.0
    response_timeout: float = 10.0
    retries: int = 2
    verify: bool | str = True
    client_cert: tuple[str, str] | None = None
    token: str | None = None
    receiver_host: str = "127.0.0.1"
    receiver_port: int = 0
    dsp_certificate: x509.Certificate | None = None
    signers: dict[Eui64, Credential] = field(default_factory=dict)


def _read(path: Path, what: str, base: Path) -> bytes:
    full = path if path.is_absolute() else base / path
    try:
        return full.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"{what} {full}: {exc.strerror}") from None


def load_certificate(data: bytes, where: str) -> x509.Certificate:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise ConfigurationError(f"{where}: not an X.509 certificate (PEM or DER)") from None


def load_private_key(data: bytes, where: str) -> ec.EllipticCurvePrivateKey:
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError):
        raise ConfigurationError(
            f"{where}: not an unencrypted private key (PEM or DER PKCS#8)"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ConfigurationError(f"{where}: not an elliptic-curve (P-256) key")
    return key


def _signer(row: dict[str, Any], base: Path, now: datetime) -> tuple[Eui64, Credential]:
    where = f"signer {row.get('user_id', '?')}"
    try:
        user_id = Eui64.parse(str(row["user_id"]))
        cert_path, key_path = Path(str(row["certificate"])), Path(str(row["key"]))
    except KeyError as exc:
        raise ConfigurationError(f"{where}: missing {exc.args[0]!r}") from None
    certificate = load_certificate(_read(cert_path, "certificate", base), f"{where} certificate")
    key = load_private_key(_read(key_path, "key", base), f"{where} key")
    if certificate.public_key() != key.public_key():
        raise ConfigurationError(f"{where}: the key does not belong to the certificate")
    if certificate.not_valid_after_utc < now:
        raise ConfigurationError(
            f"{where}: certificate expired on {certificate.not_valid_after_utc:%Y-%m-%d}"
        )
    if certificate.not_valid_before_utc > now:
        raise ConfigurationError(
            f"{where}: certificate not valid before {certificate.not_valid_before_utc:%Y-%m-%d}"
        )
    try:
        org = OrgCertificate.from_x509(certificate)
    except HarnessError as exc:
        raise ConfigurationError(f"{where}: {exc}") from None
    return user_id, Credential(org, key)


def load_target_config(path: Path | None) -> TargetConfig:
    if path is None:
        return TargetConfig(token=os.environ.get("DSP_CONFORMANCE_TOKEN"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"config {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config {path}: not valid TOML: {exc}") from None
    base = path.parent
    target = data.get("target", {})
    try:
        verify: bool | str = True
        if "ca_bundle" in target:
            verify = str(base / str(target["ca_bundle"]))
        elif "verify_tls" in target:
            verify = bool(target["verify_tls"])
        client = None
        if "client_cert" in target:
            client = (str(base / str(target["client_cert"])), str(base / str(target["client_key"])))
        dsp_cert = None
        if "dsp_certificate" in target:
            dsp_cert = load_certificate(
                _read(Path(str(target["dsp_certificate"])), "dsp_certificate", base),
                "dsp_certificate",
            )
        token_env = str(target.get("token_env", "DSP_CONFORMANCE_TOKEN"))
        now = datetime.now(UTC)
        signers = dict(_signer(row, base, now) for row in data.get("signers", []))
        return TargetConfig(
            timeout=float(target.get("timeout", 10.0)),
            response_timeout=float(target.get("response_timeout", 10.0)),
            retries=int(target.get("retries", 2)),
            verify=verify,
            client_cert=client,
            token=os.environ.get(token_env),
            receiver_host=str(target.get("receiver_host", "127.0.0.1")),
            receiver_port=int(target.get("receiver_port", 0)),
            dsp_certificate=dsp_cert,
            signers=signers,
        )
    except KeyError as exc:
        raise ConfigurationError(f"config {path}: missing {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"config {path}: {exc}") from None
