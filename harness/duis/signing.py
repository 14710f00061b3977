"""Enveloped XML-DSig over a whole DUIS message, as DUIS signs requests and responses.

Signing: the signed bytes are the bytes that travel. The document is first put in the form
the DCC's own tools read it in (element-content whitespace dropped, as the DCC Boxed tool's
parser drops it) and written without indentation, so the digest holds whichever way a peer
reads it (``xmlsec1`` keeps whitespace, the DCC tool drops it); only copies kept as evidence
are indented (:func:`harness.duis.tree.readable`). Then exclusive C14N, ecdsa-sha256, a
sha256 digest of the whole document (reference ``URI=""`` with the enveloped-signature and
exclusive C14N transforms), the signer named by ``ds:KeyInfo/ds:X509Data/ds:X509IssuerSerial``
(issuer DN and serial, no certificate), the ``ds:Signature`` appended as the root's last
child, where the DUIS XSD wants it.

Verifying: exactly one ``ds:Signature`` as a child of the root, of exactly that kind, naming
its signer by issuer and serial; the caller's ``lookup`` says which certificate that is. A
reference with only the enveloped-signature transform (as the DCC writes them) is
canonicalised with inclusive C14N 1.0, the XML-DSig default.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.exceptions import SignXMLException
from signxml.verifier import SignatureConfiguration, XMLVerifier

from harness.domain.certificates import OrgCertificate
from harness.duis.errors import SignatureInvalid, UnknownSigner
from harness.duis.names import DS_NS, ds
from harness.duis.safe_xml import parse_untrusted
from harness.duis.tree import elements
from harness.errors import InvalidValue

Lookup = Callable[[str, int], x509.Certificate | None]

_EXCLUSIVE = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
_ECDSA_SHA256 = SignatureMethod.ECDSA_SHA256.value
_SHA256 = DigestAlgorithm.SHA256.value
_ALLOWED_TRANSFORMS = frozenset({SignatureConstructionMethod.enveloped.value, _EXCLUSIVE.value})
_CONFIG = SignatureConfiguration(
    require_x509=True,
    location="./",
    expect_references=1,
    signature_methods=frozenset({SignatureMethod.ECDSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    default_reference_c14n_method=CanonicalizationMethod.CANONICAL_XML_1_0,
)


@dataclass(frozen=True)
class IssuerSerial:
    """How a DUIS signature names its signer's certificate."""

    issuer: str
    serial: int

    @classmethod
    def of(cls, certificate: x509.Certificate) -> IssuerSerial:
        return cls(certificate.issuer.rfc4514_string(), certificate.serial_number)


# -- signing ---------------------------------------------------------------------------
def sign(
    xml: bytes,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate | OrgCertificate,
) -> bytes:
    """``xml`` with an enveloped signature by ``key``, naming ``certificate``.

    A ``ds:Signature`` the root already has (e.g. a template's placeholder) is replaced.
    """
    cert = certificate.certificate if isinstance(certificate, OrgCertificate) else certificate
    if cert.public_key() != key.public_key():
        raise InvalidValue(
            f"the private key does not belong to certificate {IssuerSerial.of(cert)}"
        )
    root = parse_untrusted(xml)
    for old in [c for c in elements(root) if c.tag == ds("Signature")]:
        root.remove(old)
    drop_element_content_whitespace(root)
    root.append(_signature_of(root, key, IssuerSerial.of(cert)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _signature_of(
    root: etree._Element, key: ec.EllipticCurvePrivateKey, signer: IssuerSerial
) -> etree._Element:
    """The enveloped ``ds:Signature`` over ``root`` (not yet holding it), built directly:
    the sha256 digest of the exclusive C14N of the document, then SignedInfo in exclusive
    C14N signed with ecdsa-sha256, the value as r || s (XML-DSig 1.1 §6.4.3). The same
    elements, in the same order, as signxml's ``XMLSigner`` writes for this configuration,
    at a quarter of its cost (it parses and serialises the document several times)."""
    digest = hashlib.sha256(_exclusive_c14n(root)).digest()
    signature = etree.Element(ds("Signature"), nsmap={"ds": DS_NS})
    signed_info = etree.SubElement(signature, ds("SignedInfo"))
    etree.SubElement(signed_info, ds("CanonicalizationMethod"), Algorithm=_EXCLUSIVE.value)
    etree.SubElement(signed_info, ds("SignatureMethod"), Algorithm=_ECDSA_SHA256)
    reference = etree.SubElement(signed_info, ds("Reference"), URI="")
    transforms = etree.SubElement(reference, ds("Transforms"))
    for algorithm in (SignatureConstructionMethod.enveloped.value, _EXCLUSIVE.value):
        etree.SubElement(transforms, ds("Transform"), Algorithm=algorithm)
    etree.SubElement(reference, ds("DigestMethod"), Algorithm=_SHA256)
    etree.SubElement(reference, ds("DigestValue")).text = base64.b64encode(digest).decode()
    der = key.sign(_exclusive_c14n(signed_info), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    size = (key.key_size + 7) // 8
    value = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    etree.SubElement(signature, ds("SignatureValue")).text = base64.b64encode(value).decode()
    signature.append(_key_info(signer))
    return signature


def _exclusive_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def drop_element_content_whitespace(root: etree._Element) -> None:
    """Remove whitespace-only text between the children of elements that have children.

    DUIS has no mixed content, so that whitespace is insignificant: the DCC tool's parser
    (``setIgnoringElementContentWhitespace``) drops it before checking a digest. Text of
    leaf elements is left as it is.
    """
    for element in root.iter():
        if len(element) == 0:
            continue
        if element.text is not None and not element.text.strip():
            element.text = None
        for child in element:
            if child.tail is not None and not child.tail.strip():
                child.tail = None


def _key_info(signer: IssuerSerial) -> etree._Element:
    key_info = etree.Element(ds("KeyInfo"), nsmap={"ds": DS_NS})
    issuer_serial = etree.SubElement(
        etree.SubElement(key_info, ds("X509Data")), ds("X509IssuerSerial")
    )
    etree.SubElement(issuer_serial, ds("X509IssuerName")).text = signer.issuer
    etree.SubElement(issuer_serial, ds("X509SerialNumber")).text = str(signer.serial)
    return key_info


# -- verifying -------------------------------------------------------------------------
def signer_of(xml: bytes) -> IssuerSerial:
    """Who the signature says signed ``xml`` (nothing is verified)."""
    return _named_signer(_signature(parse_untrusted(xml)))


def verify(xml: bytes, lookup: Lookup, *, at: datetime | None = None) -> x509.Certificate:
    """The certificate whose key signed the whole of ``xml``.

    ``lookup(issuer_dn, serial)`` returns the certificate the signature names, or ``None``
    (then :class:`UnknownSigner`). Anything else wrong is :class:`SignatureInvalid`. The
    certificate must be valid at ``at`` (default: now).
    """
    root = parse_untrusted(xml)
    signature = _signature(root)
    _check_shape(signature)
    named = _named_signer(signature)
    certificate = lookup(named.issuer, named.serial)
    if certificate is None:
        raise UnknownSigner(
            f"the signature names certificate serial {named.serial} from issuer "
            f"{named.issuer!r}, which is not known"
        )
    _check_validity(certificate, at or datetime.now(UTC))
    if _verifies_directly(root, signature, certificate, at):
        return certificate
    config = _CONFIG if at is None else replace(_CONFIG, verification_time=at)
    try:
        result = XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        # signxml checks the ds:Signature against the XML-DSig schema with lxml, which
        # raises DocumentInvalid (e.g. a SignatureValue that is not base64), not its own.
        reason = " ".join(str(exc).split()).rstrip(":") or type(exc).__name__
        raise SignatureInvalid(f"the XML signature does not verify: {reason}") from None
    if isinstance(result, list) or result.signed_xml is None or result.signed_xml.tag != root.tag:
        raise SignatureInvalid("the XML signature does not cover the whole document")
    return certificate


def _check_validity(certificate: x509.Certificate, at: datetime) -> None:
    """A signer's certificate outside its validity at ``at``, named in the domain's terms:
    whose certificate it is, in which role, and when it expired (or becomes valid)."""
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if start <= at <= end:
        return
    expired = f"expired on {_instant(end)}"
    when = expired if at > end else f"is not valid before {_instant(start)}"
    raise SignatureInvalid(
        f"the signer's certificate ({_whose(certificate)}, serial {certificate.serial_number}) "
        f"{when}; the signature was checked at {_instant(at)}"
    )


def _whose(certificate: x509.Certificate) -> str:
    try:
        org = OrgCertificate.from_x509(certificate)
    except (InvalidValue, ValueError):
        return f"issued to {certificate.subject.rfc4514_string()}"
    return f"issued to {org.owner} with role code {org.role_code}"


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# -- the direct check of the usual signature ---------------------------------------------
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


def _verifies_directly(
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
    copied = etree.fromstring(etree.tostring(root))
    _detach(_signature(copied))
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


def _signature(root: etree._Element) -> etree._Element:
    found = [c for c in elements(root) if c.tag == ds("Signature")]
    if len(found) != 1:
        raise SignatureInvalid(
            f"expected one ds:Signature as a child of the root element, found {len(found)}"
        )
    return found[0]


def _check_shape(signature: etree._Element) -> None:
    """The DUIS kind of signature: one reference to the whole document, known transforms."""
    references = signature.findall(f"{ds('SignedInfo')}/{ds('Reference')}")
    if len(references) != 1:
        raise SignatureInvalid(f"expected one ds:Reference, found {len(references)}")
    if references[0].get("URI") != "":
        raise SignatureInvalid(
            f'the ds:Reference must cover the whole document (URI=""), '
            f"not URI={references[0].get('URI')!r}"
        )
    transforms = [t.get("Algorithm") for t in references[0].iter(ds("Transform"))]
    if (
        SignatureConstructionMethod.enveloped.value not in transforms
        or not set(transforms) <= _ALLOWED_TRANSFORMS
    ):
        raise SignatureInvalid(f"unexpected ds:Transforms {transforms}")
    method = signature.find(f"{ds('SignedInfo')}/{ds('CanonicalizationMethod')}")
    if method is None or method.get("Algorithm") != _EXCLUSIVE.value:
        found = None if method is None else method.get("Algorithm")
        raise SignatureInvalid(f"SignedInfo must use exclusive C14N, not {found}")


def _named_signer(signature: etree._Element) -> IssuerSerial:
    issuer_serial = signature.find(f"{ds('KeyInfo')}/{ds('X509Data')}/{ds('X509IssuerSerial')}")
    if issuer_serial is None:
        raise SignatureInvalid("the signature does not name its signer by ds:X509IssuerSerial")
    issuer = issuer_serial.findtext(ds("X509IssuerName"))
    serial = (issuer_serial.findtext(ds("X509SerialNumber")) or "").strip()
    if not issuer or not serial.isdigit():
        raise SignatureInvalid("ds:X509IssuerSerial lacks an issuer name or a decimal serial")
    return IssuerSerial(issuer.strip(), int(serial))


# -- finding certificates ----------------------------------------------------------------
def same_name(text: str, name: x509.Name) -> bool:
    """Does an RFC 4514 string (``CN=Z1,OU=07`` or ``CN=U1, OU=07``) name ``name``?

    Compared as sets of (attribute type, value), so order, spacing and string types do not
    matter.
    """
    tidy = ",".join(part.strip() for part in re.split(r"(?<!\\),", text))
    try:
        parsed = x509.Name.from_rfc4514_string(tidy)
    except ValueError:
        return False
    return _attributes(parsed) == _attributes(name)


def _attributes(name: x509.Name) -> frozenset[tuple[str, str]]:
    return frozenset((a.oid.dotted_string, str(a.value)) for a in name)


def lookup_in(certificates: Iterable[x509.Certificate | OrgCertificate]) -> Lookup:
    """A ``lookup`` for :func:`verify` over known certificates."""
    known = [c.certificate if isinstance(c, OrgCertificate) else c for c in certificates]

    def lookup(issuer: str, serial: int) -> x509.Certificate | None:
        return next(
            (c for c in known if c.serial_number == serial and same_name(issuer, c.issuer)),
            None,
        )

    return lookup
