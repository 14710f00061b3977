"""Organisation certificates as the SEC's SMKI shapes them, and their identifiers."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from harness.domain.eui import Eui64
from harness.errors import InvalidValue

if TYPE_CHECKING:  # imported where used: a CLI that only names profiles does not load it
    from cryptography import x509


class KeyUsage(Enum):
    DIGITAL_SIGNING = "digitalSigning"
    KEY_AGREEMENT = "keyAgreement"


@dataclass(frozen=True, order=True)
class CertificateId:
    """How the DCC names a certificate: serial number and issuer CN."""

    serial: int
    issuer: str

    def __str__(self) -> str:
        return f"{self.issuer}/{self.serial:X}"


@dataclass(frozen=True)
class OrgCertificate:
    """A parsed organisation (or XML-signing) certificate with the SMKI fields pulled out."""

    certificate: x509.Certificate
    owner: Eui64
    role_code: str
    usage: KeyUsage

    # Read on every provisioning, signature and look-up: computed once per certificate
    # (kept beside the fields; equality and hashing still compare the fields alone).
    @functools.cached_property
    def id(self) -> CertificateId:
        return CertificateId(self.certificate.serial_number, issuer_cn(self.certificate))

    @functools.cached_property
    def der(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.certificate.public_bytes(Encoding.DER)

    @classmethod
    def from_x509(cls, cert: x509.Certificate) -> OrgCertificate:
        return _from_x509(cert)

    @classmethod
    def from_der(cls, der: bytes) -> OrgCertificate:
        return _from_der(der)


@functools.lru_cache(maxsize=4096)
def _from_x509(cert: x509.Certificate) -> OrgCertificate:
    """Read once per certificate: a served DSP names the signer of every request it checks."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    ou = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    uid = cert.subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER)
    if not ou or not uid:
        raise InvalidValue(
            "certificate subject lacks the role code (OU) or the owner's EUI-64 "
            "(x500UniqueIdentifier)"
        )
    raw = uid[0].value
    raw_bytes = raw if isinstance(raw, bytes) else raw.encode()
    if len(raw_bytes) == 9 and raw_bytes[0] == 0:  # BIT STRING unused-bits octet
        raw_bytes = raw_bytes[1:]
    if len(raw_bytes) != 8:
        raise InvalidValue(f"x500UniqueIdentifier holds {len(raw_bytes)} bytes, not 8")
    try:
        key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise InvalidValue("certificate has no keyUsage extension") from None
    signing = key_usage.digital_signature
    agreement = key_usage.key_agreement
    if signing == agreement:
        raise InvalidValue("key usage must be digitalSignature or keyAgreement, not both")
    return OrgCertificate(
        certificate=cert,
        owner=Eui64(int.from_bytes(raw_bytes, "big")),
        role_code=str(ou[0].value),
        usage=KeyUsage.DIGITAL_SIGNING if signing else KeyUsage.KEY_AGREEMENT,
    )


@functools.lru_cache(maxsize=4096)
def _from_der(der: bytes) -> OrgCertificate:
    """Parsed once per process: every scenario publishes the same parties' certificates."""
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        raise InvalidValue("not a DER X.509 certificate") from None
    return OrgCertificate.from_x509(cert)


def ca_certificate(der: bytes) -> x509.Certificate | None:
    """The certificate if ``der`` is a CA's (basicConstraints cA), else ``None``."""
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except (ValueError, x509.ExtensionNotFound):
        return None
    return cert if constraints.ca else None


def issuer_cn(cert: x509.Certificate) -> str:
    from cryptography.x509.oid import NameOID

    names = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.issuer.rfc4514_string()
