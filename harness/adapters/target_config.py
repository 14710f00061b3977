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
dsp_certificate = "dsp-xml-sign.pem"   # to verify the DSP's response signatures; a list
                                       # names several (e.g. the three ZAZ1 DSP identities)
s1sp_certificate = ["s1sp-xml-sign.pem"]  # to verify SMETS1SignedResponse / S1SPAlert

[[signers]]               # XML-signing credentials for Users the target already knows
user_id = "90-B3-D5-1F-30-02-00-00"
certificate = "xml-sign.pem"
key = "xml-sign.key"      # PEM or DER PKCS#8; never stored in the repository
role = "ED"               # optional: each scenario's first party in this User Role is this
                          # User, signing with this key (e.g. DCC Boxed's ZAZ1 Users)
```
"""

from __future__ import annotations

import os
import ssl
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
from harness.domain.roles import UserRole
from harness.duis.xml_signer import XmlSigner
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
    dsp_certificates: tuple[x509.Certificate, ...] = ()
    s1sp_certificates: tuple[x509.Certificate, ...] = ()
    signers: dict[Eui64, Credential] = field(default_factory=dict)
    identities: dict[UserRole, Eui64] = field(default_factory=dict)  # [[signers]] role = …


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
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigurationError(f"{where}: not an elliptic-curve P-256 key (as the SMKI uses)")
    return key


def _signer(row: dict[str, Any], base: Path, now: datetime) -> tuple[Eui64, Credential]:
    where = f"signer {row.get('user_id', '?')}"
    _known_keys(row, _SIGNER_KEYS, f"a [[signers]] entry ({where})")
    try:
        user_id = Eui64.parse(str(row["user_id"]))
        cert_path, key_path = Path(str(row["certificate"])), Path(str(row["key"]))
    except KeyError as exc:
        raise ConfigurationError(f"{where}: missing {exc.args[0]!r}") from None
    except HarnessError as exc:
        raise ConfigurationError(f"{where}: {exc}") from None
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
    if org.owner != user_id:
        raise ConfigurationError(f"{where}: the certificate belongs to {org.owner}, not {user_id}")
    return user_id, Credential(org, key)


_TARGET_KEYS = {
    "timeout",
    "response_timeout",
    "retries",
    "ca_bundle",
    "verify_tls",
    "client_cert",
    "client_key",
    "token_env",
    "receiver_host",
    "receiver_port",
    "dsp_certificate",
    "s1sp_certificate",
}
_SIGNER_KEYS = {"user_id", "certificate", "key", "role"}


def _identities(rows: list[dict[str, Any]]) -> dict[UserRole, Eui64]:
    identities: dict[UserRole, Eui64] = {}
    for row in rows:
        if "role" not in row:
            continue
        where = f"signer {row.get('user_id', '?')}"
        try:
            role = UserRole.parse(str(row["role"]))
        except HarnessError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
        if role in identities:
            raise ConfigurationError(f"{where}: another signer already has role {role.value}")
        identities[role] = Eui64.parse(str(row["user_id"]))
    return identities


def _known_keys(table: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigurationError(
            f"unknown setting {unknown[0]!r} in {where}; known: {', '.join(sorted(known))}"
        )


def _number(table: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigurationError(
            f"[target] {key} = {value!r}: expected a number from {low:g} to {high:g}"
        )
    return float(value)


def _text(table: dict[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"[target] {key} = {value!r}: expected a non-empty string")
    return value


def _tls(target: dict[str, Any], base: Path) -> tuple[bool | str, tuple[str, str] | None]:
    """TLS settings, each file checked now (not when the first scenario connects)."""
    verify: bool | str = True
    if "ca_bundle" in target:
        bundle = base / _text(target, "ca_bundle", "")
        _read(bundle, "ca_bundle", base)
        try:
            ssl.create_default_context(cafile=str(bundle))
        except (ssl.SSLError, ValueError):
            raise ConfigurationError(f"ca_bundle {bundle}: not PEM CA certificates") from None
        verify = str(bundle)
    elif "verify_tls" in target:
        if not isinstance(target["verify_tls"], bool):
            raise ConfigurationError(
                f"[target] verify_tls = {target['verify_tls']!r}: expected true or false"
            )
        verify = target["verify_tls"]
    if ("client_cert" in target) != ("client_key" in target):
        raise ConfigurationError("[target] client_cert and client_key go together: give both")
    if "client_cert" not in target:
        return verify, None
    cert = base / _text(target, "client_cert", "")
    key = base / _text(target, "client_key", "")
    _read(cert, "client_cert", base)
    _read(key, "client_key", base)
    try:
        ssl.create_default_context().load_cert_chain(str(cert), str(key))
    except (ssl.SSLError, ValueError):
        raise ConfigurationError(
            f"client_cert {cert} / client_key {key}: not a PEM certificate and its unencrypted key"
        ) from None
    return verify, (str(cert), str(key))


def _certificates(target: dict[str, Any], key: str, base: Path) -> tuple[x509.Certificate, ...]:
    """One file name or a list of them."""
    value = target.get(key, [])
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ConfigurationError(f"[target] {key} = {value!r}: expected a file name or a list")
    return tuple(load_certificate(_read(Path(n), key, base), key) for n in names)


def load_target_config(path: Path | None) -> TargetConfig:
    if path is None:
        return TargetConfig(token=os.environ.get("DSP_CONFORMANCE_TOKEN"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"config {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"config {path}: not UTF-8 text (a TOML file is)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config {path}: not valid TOML: {exc}") from None
    base = path.resolve().parent  # files named in the config are relative to it
    try:
        _known_keys(
            data,
            {"target", "signers", "binding", "ics"},
            "the file (tables: [target], [[signers]], [binding], [ics])",
        )
        target = data.get("target", {})
        if not isinstance(target, dict):
            raise ConfigurationError("target must be a table: [target]")
        _known_keys(target, _TARGET_KEYS, "[target]")
        rows = data.get("signers", [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ConfigurationError("signers must be tables: [[signers]]")
        verify, client = _tls(target, base)
        dsp_certs = _certificates(target, "dsp_certificate", base)
        s1sp_certs = _certificates(target, "s1sp_certificate", base)
        token_env = _text(target, "token_env", "DSP_CONFORMANCE_TOKEN")
        now = datetime.now(UTC)
        signers = dict(_signer(row, base, now) for row in rows)
        return TargetConfig(
            timeout=_number(target, "timeout", 10.0, 0.1, 3600),
            response_timeout=_number(target, "response_timeout", 10.0, 0.1, 3600),
            retries=int(_number(target, "retries", 2, 0, 10)),
            verify=verify,
            client_cert=client,
            token=os.environ.get(token_env),
            receiver_host=_text(target, "receiver_host", "127.0.0.1"),
            receiver_port=int(_number(target, "receiver_port", 0, 0, 65535)),
            dsp_certificates=dsp_certs,
            s1sp_certificates=s1sp_certs,
            signers=signers,
            identities=_identities(rows),
        )
    except ConfigurationError as exc:
        raise ConfigurationError(f"config {path}: {exc}") from None


def load_xml_signer(key_path: Path, certificate_path: Path, what: str) -> XmlSigner:
    """Read a signing identity from the files a user names (nothing is copied)."""

    def read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ConfigurationError(f"{what} {path}: {exc.strerror or exc}") from None

    certificate = load_certificate(read(certificate_path), f"{what} certificate {certificate_path}")
    key = load_private_key(read(key_path), f"{what} key {key_path}")
    if certificate.public_key() != key.public_key():
        raise ConfigurationError(
            f"{what}: the key {key_path} does not belong to the certificate {certificate_path}"
        )
    if certificate.not_valid_after_utc < datetime.now(UTC):
        raise ConfigurationError(
            f"{what}: certificate {certificate_path} expired on "
            f"{certificate.not_valid_after_utc:%Y-%m-%d}"
        )
    return XmlSigner(key, certificate)
