"""A test PKI the harness makes for itself: root → issuing CA → organisation certificates.

Shaped like the SMKI: P-256 keys, ECDSA-SHA256, role code in the subject OU, the owner's
EUI-64 in x500UniqueIdentifier, digitalSignature xor keyAgreement, 8-byte key identifiers.
Certificates are issued on demand and memoised per (owner, role code, usage, generation)
so scenarios can share them within a process.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier

from harness.domain.certificates import KeyUsage, OrgCertificate
from harness.domain.eui import Eui64
from harness.domain.roles import ISSUING_AUTHORITY_OU

_BITSTRING = x509.name._ASN1Type.BitString
_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
_NOT_AFTER = datetime(2045, 1, 1, tzinfo=UTC)
# The organisation certificate policy OID used on SMKI organisation certificates.
_ORG_POLICY = ObjectIdentifier("1.2.826.0.1.8641679.1.2.1.4")


@dataclass(frozen=True)
class Credential:
    """A certificate with its private key. The key never leaves the process."""

    certificate: OrgCertificate
    private_key: ec.EllipticCurvePrivateKey
    # the certificate's DER, encoded once: every scenario publishes its parties' certificates
    der: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "der", self.certificate.der)

    def __repr__(self) -> str:  # never print key material
        return f"Credential({self.certificate.id}, owner={self.certificate.owner})"


def _key_id(public_key: ec.EllipticCurvePublicKey) -> bytes:
    point = public_key.public_bytes(
        encoding=serialization.Encoding.X962,
        format=serialization.PublicFormat.UncompressedPoint,
    )
    return hashlib.sha256(point).digest()[:8]


class TestPki:
    """Root and issuing CA, issuing organisation credentials on demand."""

    __test__ = False  # not a pytest test class

    def __init__(self, issuer_cn: str = "ZH") -> None:
        self._lock = threading.Lock()
        self._issued: dict[tuple[Eui64, str, KeyUsage, int], Credential] = {}
        # Random, not counted from a constant: certificates are named by issuer and serial
        # (DUIS X509IssuerSerial, CertificateId), and every process has its own PKI with
        # the same issuer name; parallel workers or successive runs against one long-lived
        # target must never mint two certificates with the same name.
        self._serial = secrets.randbits(64) << 16
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        root_name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "00"),
                x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn + "R"),
            ]
        )
        self.root = self._ca(root_name, root_name, self.root_key, self.root_key)
        self.issuer_key = ec.generate_private_key(ec.SECP256R1())
        issuer_name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ISSUING_AUTHORITY_OU),
                x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn),
            ]
        )
        self.issuing_ca = self._ca(issuer_name, root_name, self.issuer_key, self.root_key)

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _ca(
        self,
        subject: x509.Name,
        issuer: x509.Name,
        key: ec.EllipticCurvePrivateKey,
        signer: ec.EllipticCurvePrivateKey,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(self._next_serial())
            .not_valid_before(_NOT_BEFORE)
            .not_valid_after(_NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier(_key_id(key.public_key())), critical=False)
        )
        return builder.sign(signer, hashes.SHA256())

    def issue(
        self, owner: Eui64, role_code: str, usage: KeyUsage, generation: int = 0
    ) -> Credential:
        """The credential for (owner, role, usage); ``generation`` gives a fresh one."""
        key = (owner, role_code, usage, generation)
        with self._lock:
            found = self._issued.get(key)
            if found is None:
                found = self._make(owner, role_code, usage)
                self._issued[key] = found
            return found

    def _make(self, owner: Eui64, role_code: str, usage: KeyUsage) -> Credential:
        private_key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role_code),
                x509.NameAttribute(
                    NameOID.X500_UNIQUE_IDENTIFIER, b"\x00" + owner.to_bytes(), _BITSTRING
                ),
            ]
        )
        signing = usage is KeyUsage.DIGITAL_SIGNING
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.issuing_ca.subject)
            .public_key(private_key.public_key())
            .serial_number(self._next_serial())
            .not_valid_before(_NOT_BEFORE)
            .not_valid_after(_NOT_AFTER)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=signing,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=not signing,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier(_key_id(private_key.public_key())), critical=False
            )
            .add_extension(
                x509.CertificatePolicies([x509.PolicyInformation(_ORG_POLICY, None)]),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier(_key_id(self.issuer_key.public_key()), None, None),
                critical=False,
            )
            .sign(self.issuer_key, hashes.SHA256())
        )
        return Credential(OrgCertificate.from_x509(cert), private_key)


_shared: TestPki | None = None
_shared_lock = threading.Lock()


def shared_pki() -> TestPki:
    """One PKI per process, so scenarios reuse certificates instead of minting new ones."""
    global _shared  # noqa: PLW0603 - a process-wide cache
    with _shared_lock:
        if _shared is None:
            _shared = TestPki()
        return _shared
