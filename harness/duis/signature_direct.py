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
_SHAPE = (
    ("SignedInfo", ("CanonicalizationMethod", "SignatureMethod", "Reference")),
    ("SignatureValue", ()),
    ("KeyInfo", ("X509Data",)),
)
_ALGORITHMS = {
    "CanonicalizationMethod": frozenset({_EXCLUSIVE.value}),
    "SignatureMethod": frozenset({_ECDSA_SHA256}),
    "Transform": _ALLOWED_TRANSFORMS,
    "DigestMethod": frozenset({_SHA256}),
}


def verifies_directly(
    root: etree._Element,
    signature: etree._Element,
    certificate: x509.Certificate,
    at: datetime | None,
) -> bool:
    """True when ``signature`` is exactly the DUIS kind (what the harness and the DCC write:
    no attribute, comment or element beyond it, strict base64) and verifies: the digest of
    the document without it, the ECDSA signature of its SignedInfo, the certificate valid at
    ``at``. The checks signxml's verifier makes for this shape, without its four re-parses
    and its XML-DSig schema pass; anything else (any other shape, any failure) is False, and
    signxml then decides and says why."""
    try:
        return _direct(root, signature, certificate, at or datetime.now(UTC))
    except (ValueError, TypeError, etree.LxmlError, InvalidSignature):
        return False


def _children(element: etree._Element) -> list[etree._Element] | None:
    """The child elements, or None if anything else is there (text, comments, attributes)."""
    if (
        element.attrib
        and element.tag != ds("Reference")
        and not _ALGORITHMS.get(etree.QName(element).localname)
    ):
        return None
    found = []
    for child in element:
        if not isinstance(child.tag, str) or (child.tail or "").strip():
            return None
        found.append(child)
    if found and (element.text or "").strip():
        return None
    return found


def _direct(
    root: etree._Element, signature: etree._Element, certificate: x509.Certificate, at: datetime
) -> bool:
    if signature.attrib or _children(signature) is None:
        return False
    parts = list(signature)
    if [etree.QName(p).localname for p in parts] != [name for name, _ in _SHAPE]:
        return False
    for part, (_, inner) in zip(parts, _SHAPE, strict=True):
        if part.tag != ds(etree.QName(part).localname) or part.attrib:
            return False
        kids = _children(part)
        if kids is None or [c.tag for c in kids] != [ds(n) for n in inner]:
            return False
    signed_info, signature_value, key_info = parts
    method, sig_method, reference = list(signed_info)
    if set(reference.attrib) != {"URI"} or reference.get("URI") != "":
        return False
    ref_parts = _children(reference)
    if ref_parts is None or [c.tag for c in ref_parts] != [
        ds("Transforms"),
        ds("DigestMethod"),
        ds("DigestValue"),
    ]:
        return False
    transforms, digest_method, digest_value = ref_parts
    transform_list = _children(transforms)
    if not transform_list or transforms.attrib:
        return False
    for element in (method, sig_method, digest_method, *transform_list):
        name = etree.QName(element).localname
        if (
            element.tag != ds(name)
            or set(element.attrib) != {"Algorithm"}
            or element.get("Algorithm") not in _ALGORITHMS.get(name, ())
            or len(element)
            or (element.text or "").strip()
        ):
            return False
    algorithms = [t.get("Algorithm") for t in transform_list]
    if algorithms not in (
        [SignatureConstructionMethod.enveloped.value],
        [SignatureConstructionMethod.enveloped.value, _EXCLUSIVE.value],
    ):
        return False
    x509_data = key_info[0]
    serial_parts = _children(x509_data)
    if (
        x509_data.attrib
        or serial_parts is None
        or [c.tag for c in serial_parts] != [ds("X509IssuerSerial")]
    ):
        return False
    issuer_serial = serial_parts[0]
    named = _children(issuer_serial)
    if (
        issuer_serial.attrib
        or named is None
        or [c.tag for c in named] != [ds("X509IssuerName"), ds("X509SerialNumber")]
        or any(len(c) or c.attrib for c in named)
    ):
        return False
    if len(digest_value) or len(signature_value) or digest_value.attrib:
        return False
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        return False
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    # The digest: the document without this signature (its tail kept, as signxml does),
    # in exclusive C14N, or inclusive C14N 1.0 when only the enveloped transform is named.
    copied = copy.deepcopy(root)
    _detach(next(c for c in elements(copied) if c.tag == ds("Signature")))
    exclusive = len(algorithms) == 2
    c14n = etree.tostring(copied, method="c14n", exclusive=exclusive, with_comments=False)
    expected = _base64(digest_value.text)
    if not hmac.compare_digest(hashlib.sha256(c14n).digest(), expected):
        return False
    raw = _base64(signature_value.text)
    size = (key.key_size + 7) // 8
    if len(raw) != 2 * size:
        return False
    der = encode_dss_signature(int.from_bytes(raw[:size], "big"), int.from_bytes(raw[size:], "big"))
    key.verify(der, _exclusive_c14n(signed_info), ec.ECDSA(hashes.SHA256()))
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
