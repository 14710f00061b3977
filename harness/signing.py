"""ECDSA P-256 / SHA-256 signatures over GBCS pre-commands (real keys, real signatures)."""

from __future__ import annotations

import functools

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from harness.domain.certificates import OrgCertificate


def sign_payload(private_key: ec.EllipticCurvePrivateKey, payload: bytes) -> bytes:
    return private_key.sign(payload, ec.ECDSA(hashes.SHA256()))


@functools.lru_cache(maxsize=256)
def signed_by(certificate: OrgCertificate, payload: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``payload`` verifies under the certificate's key.
    Remembered for the last few: a critical command's signature is checked against its
    sender's key and then against the key its device holds, usually the same one."""
    public_key = certificate.certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return False
    try:
        public_key.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True
