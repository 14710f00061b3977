"""The direct check of the usual DUIS signature: the shape the harness and the DCC write,
verified without signxml's re-parses and XML-DSig schema pass.

:func:`verifies_directly` says True only for exactly that shape (no attribute, comment or
element beyond it, strict base64) when the digest, the ECDSA signature of SignedInfo and
the certificate's validity all hold; anything else is False, and signxml's verifier
(:func:`harness.duis.signing.verify`) then decides and says why. A test holds that whatever
this accepts, signxml accepts too.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)

from harness.duis.names import ds
from harness.duis.tree import elements

_EXCLUSIVE = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
_ECDSA_SHA256 = SignatureMethod.ECDSA_SHA256.value
_SHA256 = DigestAlgorithm.SHA256.value
_ALLOWED_TRANSFORMS = frozenset({SignatureConstructionMethod.enveloped.value, _EXCLUSIVE.value})
_SIGNATURE, _SIGNED_INFO, _SIGNATURE_VALUE, _KEY_INFO = (
    ds(n) for n in ("Signature", "SignedInfo", "SignatureValue", "KeyInfo")
)
_C14N_METHOD, _SIGNATURE_METHOD, _REFERENCE = (
    ds(n) for n in ("CanonicalizationMethod", "SignatureMethod", "Reference")
)
_TRANSFORMS, _TRANSFORM, _DIGEST_METHOD, _DIGEST_VALUE = (
    ds(n) for n in ("Transforms", "Transform", "DigestMethod", "DigestValue")
)
_X509_DATA, _ISSUER_SERIAL, _ISSUER_NAME, _SERIAL_NUMBER = (
    ds(n) for n in ("X509Data", "X509IssuerSerial", "X509IssuerName", "X509SerialNumber")
)
_ALGORITHMS = {
    _C14N_METHOD: frozenset({_EXCLUSIVE.value}),
    _SIGNATURE_METHOD: frozenset({_ECDSA_SHA256}),
    _TRANSFORM: _ALLOWED_TRANSFORMS,
    _DIGEST_METHOD: frozenset({_SHA256}),
}
_ENVELOPED = SignatureConstructionMethod.enveloped.value
_TRANSFORM_LISTS = ((_ENVELOPED,), (_ENVELOPED, _EXCLUSIVE.value))
# The children each element of the usual signature has, in order.
_SIGNATURE_PARTS = [_SIGNED_INFO, _SIGNATURE_VALUE, _KEY_INFO]
_SIGNED_INFO_PARTS = [_C14N_METHOD, _SIGNATURE_METHOD, _REFERENCE]
_REFERENCE_PARTS = [_TRANSFORMS, _DIGEST_METHOD, _DIGEST_VALUE]
_ISSUER_SERIAL_PARTS = [_ISSUER_NAME, _SERIAL_NUMBER]


@dataclass(frozen=True)
class DirectShape:
    """What a signature of exactly the DUIS kind says: the parts the check needs, and its
    signer as ``ds:X509IssuerSerial`` names it (issuer as written, stripped; serial)."""

    signed_info: etree._Element
    digest_value: str
    signature_value: str
    exclusive: bool  # the reference's transforms end in exclusive C14N
    issuer: str
    serial: int


def direct_shape(signature: etree._Element) -> DirectShape | None:
    """The parts of ``signature`` when it is exactly the DUIS kind (what the harness and
    the DCC write: no attribute, comment or element beyond it), else None."""
    parts = _children(signature)
    if signature.attrib or parts is None or [p.tag for p in parts] != _SIGNATURE_PARTS:
        return None
    signed_info, signature_value, key_info = parts
    info = _children(signed_info)
    keys = _children(key_info)
    if (
        signed_info.attrib
        or signature_value.attrib
        or key_info.attrib
        or info is None
        or [c.tag for c in info] != _SIGNED_INFO_PARTS
        or len(signature_value)
        or keys is None
        or [c.tag for c in keys] != [_X509_DATA]
    ):
        return None
    method, sig_method, reference = info
    if len(reference.attrib) != 1 or reference.get("URI") != "":
        return None
    ref_parts = _children(reference)
    if ref_parts is None or [c.tag for c in ref_parts] != _REFERENCE_PARTS:
        return None
    transforms, digest_method, digest_value = ref_parts
    transform_list = _children(transforms)
    if (
        transforms.attrib
        or not transform_list
        or any(t.tag != _TRANSFORM for t in transform_list)
        or len(digest_value)
        or digest_value.attrib
    ):
        return None
    for element in (method, sig_method, digest_method, *transform_list):
        if not _algorithm_element(element):
            return None
    algorithms = tuple(t.get("Algorithm") for t in transform_list)
    if algorithms not in _TRANSFORM_LISTS:
        return None
    return _named(
        keys[0], signed_info, digest_value.text, signature_value.text, len(algorithms) == 2
    )


def _algorithm_element(element: etree._Element) -> bool:
    """One of the ``Algorithm``-only elements, naming an algorithm allowed where it is."""
    allowed = _ALGORITHMS.get(element.tag)
    return (
        allowed is not None
        and len(element.attrib) == 1
        and element.get("Algorithm") in allowed
        and not len(element)
        and not (element.text or "").strip()
    )


def _named(
    x509_data: etree._Element,
    signed_info: etree._Element,
    digest_value: str | None,
    signature_value: str | None,
    exclusive: bool,
) -> DirectShape | None:
    serial_parts = _children(x509_data)
    if (
        x509_data.attrib
        or serial_parts is None
        or [c.tag for c in serial_parts] != [_ISSUER_SERIAL]
    ):
        return None
    issuer_serial = serial_parts[0]
    named = _children(issuer_serial)
    if (
        issuer_serial.attrib
        or named is None
        or [c.tag for c in named] != _ISSUER_SERIAL_PARTS
        or any(len(c) or c.attrib for c in named)
    ):
        return None
    issuer, serial = named[0].text or "", (named[1].text or "").strip()
    if not issuer or not (serial.isascii() and serial.isdigit()):
        return None
    return DirectShape(
        signed_info,
        digest_value or "",
        signature_value or "",
        exclusive,
        issuer.strip(),
        int(serial),
    )


def verifies_directly(
    root: etree._Element,
    signature: etree._Element,
    certificate: x509.Certificate,
    at: datetime | None,
) -> bool:
    """True when ``signature`` is exactly the DUIS kind (:func:`direct_shape`) and
    verifies: the digest of the document without it, the ECDSA signature of its
    SignedInfo, the certificate valid at ``at``. The checks signxml's verifier makes for
    this shape, without its four re-parses and its XML-DSig schema pass; anything else
    (any other shape, any failure) is False, and signxml then decides and says why."""
    shape = direct_shape(signature)
    return shape is not None and verifies(root, shape, certificate, at)


def verifies(
    root: etree._Element, shape: DirectShape, certificate: x509.Certificate, at: datetime | None
) -> bool:
    """:func:`verifies_directly` for a signature whose shape is already read."""
    try:
        return _verifies(root, shape, certificate, at or datetime.now(UTC))
    except (ValueError, TypeError, etree.LxmlError, InvalidSignature):
        return False


def _children(element: etree._Element) -> list[etree._Element] | None:
    """The child elements, or None if anything else is there (non-blank text around them,
    comments, processing instructions)."""
    found = list(element)
    for child in found:
        if not isinstance(child.tag, str) or (child.tail and child.tail.strip()):
            return None
    if found and element.text and element.text.strip():
        return None
    return found


def _verifies(
    root: etree._Element, shape: DirectShape, certificate: x509.Certificate, at: datetime
) -> bool:
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        return False
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    # The digest: the document without this signature (its tail kept, as signxml does),
    # in exclusive C14N, or inclusive C14N 1.0 when only the enveloped transform is named.
    copied = copy.deepcopy(root)
    _detach(next(c for c in elements(copied) if c.tag == _SIGNATURE))
    c14n = etree.tostring(copied, method="c14n", exclusive=shape.exclusive, with_comments=False)
    expected = _base64(shape.digest_value)
    if not hmac.compare_digest(hashlib.sha256(c14n).digest(), expected):
        return False
    raw = _base64(shape.signature_value)
    size = (key.key_size + 7) // 8
    if len(raw) != 2 * size:
        return False
    der = encode_dss_signature(int.from_bytes(raw[:size], "big"), int.from_bytes(raw[size:], "big"))
    key.verify(der, _exclusive_c14n(shape.signed_info), ec.ECDSA(hashes.SHA256()))
    return True


def _base64(text: str | None) -> bytes:
    """Strict base64 once XML whitespace is removed (the DCC breaks lines with CR LF)."""
    return base64.b64decode(re.sub(r"[ \t\r\n]", "", text or ""), validate=True)


def _detach(signature: etree._Element) -> None:
    """Remove the enveloped signature and keep its tail, as signxml's verifier does."""
    parent = signature.getparent()
    assert parent is not None
    if signature.tail is not None:
        before = signature.getprevious()
        if before is None:
            parent.text = (parent.text or "") + signature.tail
        else:
            before.tail = (before.tail or "") + signature.tail
    parent.remove(signature)


def _exclusive_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)
