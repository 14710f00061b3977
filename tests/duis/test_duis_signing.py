"""DUIS XML signatures: made by the harness, checked by xmlsec1; made with the DCC's ZAZ1
test keys and by the DCC itself, checked by the harness; tampering always caught."""

from __future__ import annotations

import copy
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, load_der_private_key
from duis_samples import ca_path, sample_requests
from lxml import etree

from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.requests import Outcome, RequestId, Response
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.envelope import read_envelope
from harness.duis.errors import HostileXml, SignatureInvalid, UnknownSigner
from harness.duis.requests import decode_request, encode_request
from harness.duis.responses import decode_response, encode_response
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import DuisSchema
from harness.duis.signing import IssuerSerial, lookup_in, same_name, sign, signer_of, verify
from harness.duis.tree import readable
from harness.errors import HarnessError, InvalidValue
from harness.pki import Credential, TestPki

NETWORK_OPERATOR = Eui64.parse("90-B3-D5-1F-30-02-00-00")
ZAZ1_USER = "xml-sign-90B3D51F30020000-ds"


@pytest.fixture(scope="session")
def xml_signer(pki: TestPki) -> Credential:
    return pki.issue(NETWORK_OPERATOR, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)


@pytest.fixture(scope="session")
def signed_request(pki: TestPki, xml_signer: Credential) -> bytes:
    request = sample_requests(pki)["6.15.1 CV4"]
    xml = encode_request(request, certification_path=ca_path(pki))
    return sign(xml, xml_signer.private_key, xml_signer.certificate)


def zaz1(duis_data: Path, name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((duis_data / "zaz1" / f"{name}.pem").read_bytes())


def xmlsec1_verifies(
    xmlsec1: str, document: bytes, certificate: x509.Certificate, tmp: Path
) -> bool:
    (tmp / "signer.pem").write_bytes(certificate.public_bytes(Encoding.PEM))
    (tmp / "signed.xml").write_bytes(document)
    result = subprocess.run(
        [
            xmlsec1,
            "--verify",
            "--pubkey-cert-pem",
            str(tmp / "signer.pem"),
            str(tmp / "signed.xml"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0


# -- the harness signs -----------------------------------------------------------------------
def test_a_signed_request_verifies_still_validates_and_still_decodes(
    pki: TestPki, xml_signer: Credential, signed_request: bytes, duis_schema: DuisSchema
) -> None:
    duis_schema.validate(parse_untrusted(signed_request))
    signer = verify(signed_request, lookup_in([xml_signer.certificate]))
    assert signer == xml_signer.certificate.certificate
    assert read_envelope(signed_request).signed
    assert decode_request(signed_request) == sample_requests(pki)["6.15.1 CV4"]
    assert signer_of(signed_request) == IssuerSerial.of(signer)


def test_the_signature_is_the_duis_kind(signed_request: bytes) -> None:
    root = parse_untrusted(signed_request)
    signature = root[-1]
    assert signature.tag == "{http://www.w3.org/2000/09/xmldsig#}Signature", "last child of root"
    algorithms = [e.get("Algorithm") for e in signature.iter() if e.get("Algorithm")]
    assert algorithms == [
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/2001/04/xmlenc#sha256",
    ]
    reference = signature.find(".//{http://www.w3.org/2000/09/xmldsig#}Reference")
    assert reference is not None
    assert reference.get("URI") == ""
    key_info = signature.find("{http://www.w3.org/2000/09/xmldsig#}KeyInfo")
    assert key_info is not None
    assert [etree_local(e.tag) for e in key_info.iter()] == [
        "KeyInfo",
        "X509Data",
        "X509IssuerSerial",
        "X509IssuerName",
        "X509SerialNumber",
    ], "the signer is named by issuer and serial, with no embedded certificate"


def etree_local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def test_xmlsec1_verifies_harness_signatures(
    xmlsec1: str,
    pki: TestPki,
    xml_signer: Credential,
    signed_request: bytes,
    tmp_path: Path,
) -> None:
    certificate = xml_signer.certificate.certificate
    assert xmlsec1_verifies(xmlsec1, signed_request, certificate, tmp_path)
    response = Response(
        RequestId(NETWORK_OPERATOR, Eui64(5), 9),
        "E4",
        Outcome.REJECTED,
        requirement="SRPD-6.1f-ii",
        detail="signed annotation",
    )
    signed_response = sign(
        encode_response(response, datetime(2026, 3, 1, tzinfo=UTC), srv="6.15.1"),
        xml_signer.private_key,
        certificate,
    )
    assert xmlsec1_verifies(xmlsec1, signed_response, certificate, tmp_path)
    read = decode_response(signed_response)
    assert (read.request_id, read.code, read.outcome) == (
        response.request_id,
        "E4",
        response.outcome,
    )
    # The annotation is signed too: xmlsec1 notices when it changes.
    altered = signed_response.replace(b"signed annotation", b"altered annotation")
    assert not xmlsec1_verifies(xmlsec1, altered, certificate, tmp_path)
    with pytest.raises(SignatureInvalid, match="Digest mismatch"):
        verify(altered, lookup_in([certificate]))


def test_every_sample_request_signs_and_verifies(
    pki: TestPki, xml_signer: Credential, duis_schema: DuisSchema
) -> None:
    lookup = lookup_in([xml_signer.certificate])
    for request in sample_requests(pki).values():
        signed = sign(
            encode_request(request, certification_path=ca_path(pki)),
            xml_signer.private_key,
            xml_signer.certificate,
        )
        duis_schema.validate(parse_untrusted(signed))
        verify(signed, lookup)
        assert decode_request(signed) == request


def test_the_signed_bytes_carry_no_element_content_whitespace(
    pki: TestPki, xml_signer: Credential, xmlsec1: str, tmp_path: Path
) -> None:
    """What is signed is what travels, in the form a whitespace-ignoring reader sees."""
    request = sample_requests(pki)["6.21 supplier"]
    indented = readable(encode_request(request, certification_path=ca_path(pki)))
    assert b"\n  <sr:Header>" in indented
    signed = sign(indented, xml_signer.private_key, xml_signer.certificate)
    root = parse_untrusted(signed)
    blank = [
        e.tag
        for e in root.iter()
        if len(e) and ((e.text or "x").isspace() or any((c.tail or "x").isspace() for c in e))
    ]
    assert blank == []
    assert verify(signed, lookup_in([xml_signer.certificate])) == xml_signer.certificate.certificate
    assert xmlsec1_verifies(xmlsec1, signed, xml_signer.certificate.certificate, tmp_path)
    assert decode_request(signed) == request
    # the indented copy is for reading: a whitespace-keeping verifier refuses it
    with pytest.raises(SignatureInvalid):
        verify(readable(signed), lookup_in([xml_signer.certificate]))


# -- the DCC's keys and the DCC's own signatures ------------------------------------------------
def test_a_signature_made_with_the_zaz1_key_verifies_against_its_certificate(
    duis_data: Path, duis_schema: DuisSchema
) -> None:
    key = load_der_private_key((duis_data / "zaz1" / f"{ZAZ1_USER}.key").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = zaz1(duis_data, ZAZ1_USER)
    template = duis_data / "templates" / "CS02bNOByNO_6.15.1_SUCCESS_REQUEST_DUIS.XML"
    signed = sign(template.read_bytes(), key, certificate)  # replaces the placeholder
    duis_schema.validate(parse_untrusted(signed))
    others = [zaz1(duis_data, n) for n in ("xml-sign-90B3D51F30010000-ds", "Z1-supplier-ds")]
    assert verify(signed, lookup_in([*others, certificate])) == certificate
    assert signer_of(signed) == IssuerSerial("CN=Z1,OU=07", certificate.serial_number)


def test_xmlsec1_verifies_a_zaz1_signature_made_by_the_harness(
    duis_data: Path, xmlsec1: str, tmp_path: Path
) -> None:
    key = load_der_private_key((duis_data / "zaz1" / f"{ZAZ1_USER}.key").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = zaz1(duis_data, ZAZ1_USER)
    template = duis_data / "templates" / "8.2_READ_INVENTORY_REQUEST_DUIS.XML"
    assert xmlsec1_verifies(
        xmlsec1, sign(template.read_bytes(), key, certificate), certificate, tmp_path
    )


def test_a_document_declaring_xml_dsig_under_another_prefix_is_signed_validly(
    duis_data: Path, xmlsec1: str, tmp_path: Path
) -> None:
    """The DCC's responses declare the XML-DSig namespace on the root as ``ns3``: the new
    signature joins the document under that prefix, and SignedInfo is signed as it is
    there (signed before joining, under ``ds``, it verified nowhere)."""
    key = load_der_private_key((duis_data / "zaz1" / f"{ZAZ1_USER}.key").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = zaz1(duis_data, ZAZ1_USER)
    document = (duis_data / "templates" / "readfw-response.xml").read_bytes()
    assert b'xmlns:ns3="http://www.w3.org/2000/09/xmldsig#"' in document
    signed = sign(document, key, certificate)  # its DCC signature replaced by ours
    assert b"<ns3:SignedInfo>" in signed
    assert verify(signed, lookup_in([certificate])) == certificate
    assert xmlsec1_verifies(xmlsec1, signed, certificate, tmp_path)


@pytest.mark.parametrize(
    ("document", "signer"),
    [
        ("readfw-response.xml", "dsp-xml-sign-90B3D51F30000002-ds-pre-1.4.1"),
        ("read-inventory-response-5.4.xml", "Z1-accessControlBroker-dSPXmlSign"),
    ],
)
def test_responses_signed_by_the_dcc_verify(duis_data: Path, document: str, signer: str) -> None:
    certificate = zaz1(duis_data, signer)
    xml = (duis_data / "templates" / document).read_bytes()
    assert verify(xml, lookup_in([certificate])) == certificate


def test_the_dcc_sample_with_a_broken_signature_fails(duis_data: Path) -> None:
    certificate = zaz1(duis_data, "dsp-xml-sign-90B3D51F30000002-ds-pre-1.4.1")
    xml = (duis_data / "templates" / "readfw-response-badsignature.xml").read_bytes()
    with pytest.raises(SignatureInvalid, match="does not verify"):
        verify(xml, lookup_in([certificate]))


def test_the_placeholder_signatures_of_the_templates_fail(duis_data: Path) -> None:
    xml = (duis_data / "templates" / "8.2_READ_INVENTORY_REQUEST_DUIS.XML").read_bytes()
    assert signer_of(xml) == IssuerSerial("CN=U1, OU=07", 1234567890)
    with pytest.raises(UnknownSigner, match="serial 1234567890"):
        verify(xml, lookup_in([zaz1(duis_data, ZAZ1_USER)]))


# -- tampering ------------------------------------------------------------------------------
TAMPERING = {
    "body value": (b"NetworkOperator", b"Supplier"),
    "header value": (b"<sr:CommandVariant>4<", b"<sr:CommandVariant>5<"),
    "new attribute": (b'schemaVersion="5.4"', b'schemaVersion="5.4" extra="1"'),
    "signature value": (b"<ds:SignatureValue>", b"<ds:SignatureValue>AAAA"),
    "digest value": (b"<ds:DigestValue>", b"<ds:DigestValue>AAAA"),
    "reference narrowed": (b'URI=""', b'URI="#nothing"'),
    "weaker digest": (b"xmlenc#sha256", b"xmldsig#sha1"),
    "other canonicalisation": (
        b'<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
        b'<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
    ),
    "signer named otherwise": (b"X509IssuerSerial", b"X509SubjectName"),
}


@pytest.mark.parametrize("change", list(TAMPERING), ids=list(TAMPERING))
def test_tampered_documents_fail(
    signed_request: bytes, xml_signer: Credential, change: str
) -> None:
    old, new = TAMPERING[change]
    tampered = signed_request.replace(old, new)
    assert tampered != signed_request
    with pytest.raises((SignatureInvalid, HostileXml)) as caught:
        verify(tampered, lookup_in([xml_signer.certificate]))
    assert "\n" not in str(caught.value)


def test_a_signature_naming_someone_else_fails(
    pki: TestPki, signed_request: bytes, xml_signer: Credential
) -> None:
    other = pki.issue(Eui64(42), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    with pytest.raises(UnknownSigner, match="not known"):
        verify(signed_request, lookup_in([other.certificate]))
    # A lookup that answers with the wrong certificate is caught by the cryptography.
    with pytest.raises(SignatureInvalid, match="does not verify"):
        verify(signed_request, lambda issuer, serial: other.certificate.certificate)


def test_unsigned_twice_signed_and_hostile_documents_fail(
    pki: TestPki, signed_request: bytes, xml_signer: Credential
) -> None:
    lookup = lookup_in([xml_signer.certificate])
    unsigned = encode_request(sample_requests(pki)["4.1.1"])
    with pytest.raises(SignatureInvalid, match="found 0"):
        verify(unsigned, lookup)
    root = parse_untrusted(signed_request)
    root.append(copy.deepcopy(root[-1]))
    with pytest.raises(SignatureInvalid, match="found 2"):
        verify(etree.tostring(root), lookup)
    with pytest.raises(HostileXml):
        verify(b"<!DOCTYPE x [<!ENTITY a 'b'>]>" + signed_request.split(b"?>", 1)[1], lookup)


def test_a_certificate_out_of_its_validity_fails(
    signed_request: bytes, xml_signer: Credential
) -> None:
    lookup = lookup_in([xml_signer.certificate])
    verify(signed_request, lookup, at=datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(SignatureInvalid, match="expired on 2045-01-01") as expired:
        verify(signed_request, lookup, at=datetime(2050, 1, 1, tzinfo=UTC))
    with pytest.raises(SignatureInvalid, match="not valid before") as early:
        verify(signed_request, lookup, at=datetime(1990, 1, 1, tzinfo=UTC))
    owner = xml_signer.certificate.owner
    for refused in (expired, early):
        message = str(refused.value)
        assert f"issued to {owner} with role code {XML_SIGNING_OU}" in message
        assert "SignatureConfiguration" not in message  # no hint meant for a programmer


def test_signing_with_someone_elses_certificate_is_refused(
    pki: TestPki, xml_signer: Credential
) -> None:
    other = pki.issue(Eui64(43), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    with pytest.raises(InvalidValue, match="does not belong"):
        sign(
            encode_request(sample_requests(pki)["4.1.1"]), xml_signer.private_key, other.certificate
        )


def test_issuer_names_match_however_they_are_written(xml_signer: Credential) -> None:
    issuer = xml_signer.certificate.certificate.issuer
    assert same_name("CN=ZH,OU=07", issuer)
    assert same_name("OU=07, CN=ZH", issuer)
    assert not same_name("CN=ZX,OU=07", issuer)
    assert not same_name("not a name", issuer)


def test_the_signature_is_the_one_signxml_writes_for_the_same_configuration(
    pki: TestPki, xml_signer: Credential
) -> None:
    """The harness builds the enveloped signature itself (signxml's signer costs four times
    as much); element for element, attribute for attribute and digest for digest it is what
    signxml's XMLSigner writes in this configuration; only the ECDSA value differs (ECDSA is
    randomised), and signxml's verifier accepts it."""
    from signxml.algorithms import (
        CanonicalizationMethod,
        DigestAlgorithm,
        SignatureConstructionMethod,
        SignatureMethod,
    )
    from signxml.signer import XMLSigner

    from harness.duis.signing import _key_info, drop_element_content_whitespace
    from harness.duis.xml_signer import XmlSigner

    xml = encode_request(sample_requests(pki)["6.15.1 CV4"], certification_path=ca_path(pki))
    ours = parse_untrusted(sign(xml, xml_signer.private_key, xml_signer.certificate))
    theirs = parse_untrusted(xml)
    drop_element_content_whitespace(theirs)
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signer.namespaces = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
    theirs = signer.sign(
        theirs,
        key=xml_signer.private_key,
        key_info=_key_info(IssuerSerial.of(xml_signer.certificate.certificate)),
    )

    def shape(root: etree._Element) -> list[tuple[str, dict[str, str], str | None]]:
        return [
            (str(e.tag), dict(e.attrib), None if e.tag.endswith("SignatureValue") else e.text)
            for e in root.iter()
        ]

    assert shape(ours) == shape(theirs)
    assert (
        etree.tostring(ours).split(b"<ds:SignatureValue>")[0]
        == etree.tostring(theirs).split(b"<ds:SignatureValue>")[0]
    )
    lookup = lookup_in([xml_signer.certificate])
    assert verify(etree.tostring(ours), lookup) == xml_signer.certificate.certificate
    again = XmlSigner(xml_signer.private_key, xml_signer.certificate.certificate).sign(xml)
    assert verify(again, lookup) == xml_signer.certificate.certificate


def test_the_direct_check_accepts_only_what_signxml_accepts(
    duis_data: Path, signed_request: bytes, xml_signer: Credential
) -> None:
    """The usual signature is checked directly, without signxml's verifier; whatever the
    direct check accepts, signxml accepts too (on the harness's and the DCC's own signed
    documents and 1,500 mutants of them, which it all refuses: signxml then says why), and it
    does take the usual ones."""
    import random

    from signxml.verifier import XMLVerifier

    from fuzz.corpus import mutate
    from harness.duis.signature_direct import verifies_directly
    from harness.duis.signing import _CONFIG, _signature

    dcc = zaz1(duis_data, "Z1-accessControlBroker-dSPXmlSign")
    originals = [
        (signed_request, xml_signer.certificate.certificate),
        ((duis_data / "templates" / "read-inventory-response-5.4.xml").read_bytes(), dcc),
    ]
    for document, certificate in originals:
        root = parse_untrusted(document)
        assert verifies_directly(root, _signature(root), certificate, None)
    benign = signed_request + b"\n"  # outside the root: nothing signed changes
    root = parse_untrusted(benign)
    assert verifies_directly(root, _signature(root), xml_signer.certificate.certificate, None)
    taken = 0
    for n in range(1500):
        rng = random.Random(f"direct:{n}")
        document, certificate = originals[n % 2]
        mutant = mutate(document, rng)
        try:
            root = parse_untrusted(mutant)
            signature = _signature(root)
        except (HarnessError, ValueError):  # not well-formed, hostile, not one signature
            continue
        if verifies_directly(root, signature, certificate, None):
            taken += 1
            XMLVerifier().verify(root, x509_cert=certificate, expect_config=_CONFIG)
    assert taken < 1500


def test_the_one_pass_shape_reading_agrees_with_the_general_checks(
    duis_data: Path, signed_request: bytes
) -> None:
    """Where the one-pass reading of the usual signature takes a signature, the general
    checks take it too and name the same signer (on the harness's and the DCC's signed
    documents and 1,500 mutants of them); it takes the originals."""
    import random

    from fuzz.corpus import mutate
    from harness.duis.signature_direct import direct_shape
    from harness.duis.signing import _check_shape, _named_signer, _signature

    originals = [
        signed_request,
        (duis_data / "templates" / "read-inventory-response-5.4.xml").read_bytes(),
    ]
    taken = 0
    for n in range(1500):
        document = originals[n % 2]
        mutant = document if n < 2 else mutate(document, random.Random(f"shape:{n}"))
        try:
            signature = _signature(parse_untrusted(mutant))
        except (HarnessError, ValueError):
            continue
        shape = direct_shape(signature)
        if n < 2:
            assert shape is not None
        if shape is not None:
            taken += 1
            _check_shape(signature)
            assert _named_signer(signature) == IssuerSerial(shape.issuer, shape.serial)
    assert 2 <= taken < 1500


def test_a_transform_list_holding_another_element_is_not_the_usual_kind(
    signed_request: bytes, xml_signer: Credential
) -> None:
    """Only ``ds:Transform`` elements count as the reference's transforms: another element
    naming exclusive C14N there leaves the decision to signxml, which refuses it."""
    from harness.duis.signature_direct import direct_shape
    from harness.duis.signing import _signature

    exclusive = b'<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    odd = signed_request.replace(
        exclusive,
        b'<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>',
    )
    assert odd != signed_request
    assert direct_shape(_signature(parse_untrusted(signed_request))) is not None
    assert direct_shape(_signature(parse_untrusted(odd))) is None
    with pytest.raises(SignatureInvalid):
        verify(odd, lookup_in([xml_signer.certificate]))


def test_a_serial_number_in_other_digits_is_refused_clearly(
    signed_request: bytes, xml_signer: Credential
) -> None:
    """``²`` or Arabic-Indic digits pass ``str.isdigit`` but are no decimal serial."""
    serial = str(xml_signer.certificate.certificate.serial_number)
    for digits in ("\u00b2", "\u0663"):
        odd = signed_request.replace(
            f"<ds:X509SerialNumber>{serial}".encode(),
            f"<ds:X509SerialNumber>{digits}".encode(),
        )
        assert odd != signed_request
        with pytest.raises(SignatureInvalid, match="decimal serial"):
            verify(odd, lookup_in([xml_signer.certificate]))


def test_a_document_already_parsed_is_verified_as_it_is_and_left_unchanged(
    signed_request: bytes, xml_signer: Credential
) -> None:
    """``verify(root=…)``: the caller's parsed tree is checked without parsing again, both
    by the direct check and by signxml's (here: a signature with a comment in it, which
    only signxml takes), and the tree is the same afterwards."""
    lookup = lookup_in([xml_signer.certificate])
    certificate = xml_signer.certificate.certificate
    unusual = signed_request.replace(b"<ds:SignatureValue>", b"<!--x--><ds:SignatureValue>", 1)
    for document in (signed_request, unusual):
        root = parse_untrusted(document)
        before = etree.tostring(root)
        assert verify(document, lookup, root=root) == certificate
        assert etree.tostring(root) == before
    tampered = signed_request.replace(b"<sr:RequestID>", b"<sr:RequestID>9", 1)
    with pytest.raises(SignatureInvalid):
        verify(tampered, lookup, root=parse_untrusted(tampered))
