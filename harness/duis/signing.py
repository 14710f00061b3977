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
import copy
import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
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
from harness.duis.signature_direct import direct_shape, verifies
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
        return _issuer_serial(certificate)


@functools.lru_cache(maxsize=256)
def _issuer_serial(certificate: x509.Certificate) -> IssuerSerial:
    """Remembered: a signer signs many documents, and writing its issuer's name costs more
    than the rest of the signature's KeyInfo."""
    return IssuerSerial(certificate.issuer.rfc4514_string(), certificate.serial_number)


# -- signing ---------------------------------------------------------------------------
def sign(
    xml: bytes,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate | OrgCertificate,
) -> bytes:
    """``xml`` with an enveloped signature by ``key``, naming ``certificate``.

    A ``ds:Signature`` the root already has (e.g. a template's placeholder) is replaced.
    """
    return sign_tree(parse_untrusted(xml), key, certificate)


def sign_tree(
    root: etree._Element,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate | OrgCertificate,
) -> bytes:
    """:func:`sign` for a document already built or parsed (not parsed again): ``root``
    itself is signed (:func:`sign_in_place`) and returned serialised."""
    sign_in_place(root, key, certificate)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sign_in_place(
    root: etree._Element,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate | OrgCertificate,
) -> None:
    """Sign the document ``root`` is the root of, as it stands: its old signature removed,
    insignificant whitespace dropped, the new signature appended (e.g. a part signed by
    one party before it is placed in another's document)."""
    cert = certificate.certificate if isinstance(certificate, OrgCertificate) else certificate
    if cert.public_key() != key.public_key():
        raise InvalidValue(
            f"the private key does not belong to certificate {IssuerSerial.of(cert)}"
        )
    for old in [c for c in elements(root) if c.tag == ds("Signature")]:
        root.remove(old)
    drop_element_content_whitespace(root)
    _append_signature(root, key, IssuerSerial.of(cert))


def _append_signature(
    root: etree._Element, key: ec.EllipticCurvePrivateKey, signer: IssuerSerial
) -> None:
    """Append the enveloped ``ds:Signature`` over ``root``, built directly: the sha256
    digest of the exclusive C14N of the document, then SignedInfo in exclusive C14N signed
    with ecdsa-sha256, the value as r || s (XML-DSig 1.1 §6.4.3). The same elements, in the
    same order, as signxml's ``XMLSigner`` writes for this configuration, at a quarter of
    its cost (it parses and serialises the document several times).

    SignedInfo is signed where it ends up: a document that already declares the XML-DSig
    namespace under another prefix (the DCC's responses declare ``ns3``) has the new
    elements written with that prefix when they join it, and that is what a verifier
    canonicalises."""
    digest = hashlib.sha256(_exclusive_c14n(root)).digest()
    signature = copy.deepcopy(_signature_template(signer))
    signature[0][2][2].text = base64.b64encode(digest).decode()  # Reference/DigestValue
    value = signature[1]
    root.append(signature)
    signed_info = signature[0]  # as it now is in the document
    der = key.sign(_exclusive_c14n(signed_info), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    size = (key.key_size + 7) // 8
    value.text = base64.b64encode(r.to_bytes(size, "big") + s.to_bytes(size, "big")).decode()


_templates = threading.local()  # per thread: an lxml tree is not shared between threads


def _signature_template(signer: IssuerSerial) -> etree._Element:
    """The ``ds:Signature`` a signer writes, but for its DigestValue and SignatureValue:
    built once per signer (and thread) and copied for each document (copying costs a
    quarter of building). Never changed itself."""
    made: dict[IssuerSerial, etree._Element] = _templates.__dict__.setdefault("made", {})
    template = made.get(signer)
    if template is None:
        template = made[signer] = _build_signature(signer)
    return template


def _build_signature(signer: IssuerSerial) -> etree._Element:
    signature = etree.Element(ds("Signature"), nsmap={"ds": DS_NS})
    signed_info = etree.SubElement(signature, ds("SignedInfo"))
    etree.SubElement(signed_info, ds("CanonicalizationMethod"), Algorithm=_EXCLUSIVE.value)
    etree.SubElement(signed_info, ds("SignatureMethod"), Algorithm=_ECDSA_SHA256)
    reference = etree.SubElement(signed_info, ds("Reference"), URI="")
    transforms = etree.SubElement(reference, ds("Transforms"))
    for algorithm in (SignatureConstructionMethod.enveloped.value, _EXCLUSIVE.value):
        etree.SubElement(transforms, ds("Transform"), Algorithm=algorithm)
    etree.SubElement(reference, ds("DigestMethod"), Algorithm=_SHA256)
    etree.SubElement(reference, ds("DigestValue"))
    etree.SubElement(signature, ds("SignatureValue"))
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


def verify(
    xml: bytes,
    lookup: Lookup,
    *,
    at: datetime | None = None,
    root: etree._Element | None = None,
) -> x509.Certificate:
    """The certificate whose key signed the whole of ``xml``.

    ``lookup(issuer_dn, serial)`` returns the certificate the signature names, or ``None``
    (then :class:`UnknownSigner`). Anything else wrong is :class:`SignatureInvalid`. The
    certificate must be valid at ``at`` (default: now). ``root``: ``xml`` already parsed
    (by :func:`parse_untrusted`), not parsed again; it is left unchanged.
    """
    given = root is not None
    root = parse_untrusted(xml) if root is None else root
    signature = _signature(root)
    shape = direct_shape(signature)  # the usual kind: its shape and signer read in one pass
    if shape is None:
        _check_shape(signature)
        named = _named_signer(signature)
    else:
        named = IssuerSerial(shape.issuer, shape.serial)
    certificate = lookup(named.issuer, named.serial)
    if certificate is None:
        raise UnknownSigner(
            f"the signature names certificate serial {named.serial} from issuer "
            f"{named.issuer!r}, which is not known"
        )
    _check_validity(certificate, at or datetime.now(UTC))
    if shape is not None and verifies(root, shape, certificate, at):
        return certificate
    config = _CONFIG if at is None else replace(_CONFIG, verification_time=at)
    try:
        # signxml gets a tree of its own: the caller's stays as it was
        tree = parse_untrusted(xml) if given else root
        result = XMLVerifier().verify(tree, x509_cert=certificate, expect_config=config)
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
    if not issuer or not (serial.isascii() and serial.isdigit()):
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
