"""An XML-signing identity (private key + certificate), e.g. the DSP's or an S1SP's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from harness.duis.signing import sign
from harness.errors import ConfigurationError


@dataclass(frozen=True)
class XmlSigner:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def sign(self, xml: bytes) -> bytes:
        """``xml`` with an enveloped signature over the whole document."""
        return sign(xml, self.key, self.certificate)

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)


def load_xml_signer(key_path: Path, certificate_path: Path, what: str) -> XmlSigner:
    """Read a signing identity from the files a user names (nothing is copied)."""
    from harness.adapters.target_config import load_certificate, load_private_key

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
