"""An XML-signing identity (private key + certificate), e.g. the DSP's or an S1SP's."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from harness.duis.signing import sign, sign_in_place, sign_tree


@dataclass(frozen=True)
class XmlSigner:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def sign(self, xml: bytes) -> bytes:
        """``xml`` with an enveloped signature over the whole document."""
        return sign(xml, self.key, self.certificate)

    def sign_tree(self, root: etree._Element) -> bytes:
        """``root`` (built, not yet serialised) signed and serialised; ``root`` is changed."""
        return sign_tree(root, self.key, self.certificate)

    def sign_in_place(self, root: etree._Element) -> None:
        """``root`` (built, not yet serialised) signed as it stands, left a tree."""
        sign_in_place(root, self.key, self.certificate)

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)
