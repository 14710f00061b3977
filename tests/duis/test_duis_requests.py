"""ServiceRequest ⇄ DUIS request XML: valid against the real XSD, lossless for what the
domain holds, and able to read every request in the DCC's reference test data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from duis_samples import MPAN, ca_path, pair_of, reference_run, sample_requests
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.meterpoint import Fuel, MeterPoint
from harness.domain.requests import (
    MAX_COUNTER,
    CertificatePair,
    Endpoint,
    ReadInstantaneousImportRegisters,
    ReadInventory,
    ReadProfileData,
    RequestHandover,
    RequestId,
    RetrieveDeviceSecurityCredentials,
    ServiceRequest,
    SignedPreCommand,
    UpdateSecurityCredentialsCoS,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole
from harness.domain.timeline import Period
from harness.duis.bodies import decoded_body_elements
from harness.duis.envelope import read_envelope
from harness.duis.errors import CannotDecode, CannotEncode, DuisSchemaError
from harness.duis.names import ds
from harness.duis.requests import decode_request, encode_request, encode_request_tree
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import DuisSchema
from harness.duis.signing import lookup_in, sign, sign_tree, verify
from harness.pki import TestPki

IN_SCOPE = {"6.15.1", "6.21", "6.23", "6.24.1", "6.24.2", "4.1.1", "4.8.1", "8.2"}
SAMPLE_NAMES = list(sample_requests(TestPki()))

euis = st.integers(0, (1 << 64) - 1).map(Eui64)
request_ids = st.builds(RequestId, euis, euis, st.integers(0, MAX_COUNTER))
moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
)


def encoded(request: ServiceRequest, pki: TestPki) -> bytes:
    return encode_request(request, certification_path=ca_path(pki))


# -- what the codec writes -----------------------------------------------------------------
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_request_in_scope_validates_and_round_trips(
    name: str, pki: TestPki, duis_schema: DuisSchema
) -> None:
    request = sample_requests(pki)[name]
    xml = encoded(request, pki)
    duis_schema.validate(parse_untrusted(xml))
    assert decode_request(xml) == request
    envelope = read_envelope(xml)
    assert envelope.request_id == request.request_id
    assert envelope.command_variant == request.command_variant
    assert envelope.service_reference == request.service_reference
    assert envelope.service_reference_variant == request.srv
    assert envelope.schema_version == "5.4"
    assert not envelope.signed


def test_every_request_the_reference_run_sends_validates_and_round_trips(
    pki: TestPki, duis_schema: DuisSchema
) -> None:
    run = reference_run(pki)
    assert {r.srv for r in run.requests} == IN_SCOPE
    for request in run.requests:
        xml = encoded(request, pki)
        duis_schema.validate(parse_untrusted(xml))
        assert decode_request(xml) == request


def test_a_request_signed_as_built_is_the_request_signed_after_serialising(
    pki: TestPki,
) -> None:
    """The adapter signs the tree it built; the same request serialised and parsed first
    signs to the same document (the same digest; only the ECDSA nonce differs)."""
    signer = pki.issue(Eui64(0x90B3D51F30010000), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    key, certificate = signer.private_key, signer.certificate
    for request in reference_run(pki).requests:
        path = ca_path(pki)
        as_built = sign_tree(
            encode_request_tree(request, certification_path=path), key, certificate
        )
        after_parsing = sign(encode_request(request, certification_path=path), key, certificate)
        assert _without_signature_value(as_built) == _without_signature_value(after_parsing)
        assert verify(as_built, lookup_in([certificate])) == certificate.certificate


def _without_signature_value(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for value in root.iter(ds("SignatureValue")):
        value.text = ""
    return etree.tostring(root)


def test_the_endpoint_is_not_in_the_xml_but_can_be_given(pki: TestPki) -> None:
    request = replace(sample_requests(pki)["4.1.1"], endpoint=Endpoint.SEND_COMMAND)
    xml = encoded(request, pki)
    assert decode_request(xml).endpoint is None
    assert decode_request(xml, endpoint=Endpoint.SEND_COMMAND) == request


def test_the_request_reads_like_the_dcc_writes_it(pki: TestPki) -> None:
    xml = encoded(sample_requests(pki)["6.15.1 CV4"], pki).decode()
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8'?>")
    assert '<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"' in xml
    assert 'schemaVersion="5.4"' in xml
    assert "<sr:RemotePartyRole>NetworkOperator</sr:RemotePartyRole>" in xml
    assert "<sr:ExecutionDateTime>2026-03-03T10:00:00Z</sr:ExecutionDateTime>" in xml


# -- what DUIS cannot say -----------------------------------------------------------------
def test_domain_values_duis_cannot_carry_are_refused(pki: TestPki) -> None:
    samples = sample_requests(pki)
    krp = samples["6.15.1 CV4"]
    assert isinstance(krp.body, UpdateSecurityCredentialsKRP)
    handover = samples["6.21 supplier"]
    assert isinstance(handover.body, RequestHandover)
    both = replace(handover.body, network_operator=handover.body.supplier)
    cases: list[tuple[ServiceRequest, tuple[bytes, ...], str]] = [
        (replace(krp, body=replace(krp.body, certification_path=())), (), "1 to 3"),
        (replace(krp, body=replace(krp.body, certification_path=ca_path(pki) * 4)), (), "got 4"),
        (
            replace(krp, body=replace(krp.body, remote_party_role=RemotePartyRole.WAN_PROVIDER)),
            (),
            "no RemotePartyRole for WANProvider",
        ),
        (replace(handover, body=both), ca_path(pki), "one remote party"),
        (replace(handover, body=RequestHandover()), ca_path(pki), "has 0"),
        (handover, (), "pass certification_path"),
        (
            replace(handover, body=RequestHandover(supplier=CertificatePair(key_agreement=b"x"))),
            ca_path(pki),
            "requires a DigitalSigningCertificate",
        ),
        (replace(krp, body=ReadInventory()), (), "exactly one"),
        (
            replace(krp, body=ReadInventory(Eui64(1), MPAN)),
            (),
            "exactly one",
        ),
        (replace(krp, body=SignedPreCommand(b"GBCS", b"not DER")), (), "not a DER ECDSA"),
    ]
    for request, path, words in cases:
        with pytest.raises(CannotEncode, match=words):
            encode_request(request, certification_path=path)


# -- the DCC's reference test data ----------------------------------------------------------
def test_all_templates_validate_and_their_envelopes_read(
    request_templates: list[Path], duis_schema: DuisSchema
) -> None:
    assert len(request_templates) == 297
    problems = []
    for path in request_templates:
        xml = path.read_bytes()
        root = parse_untrusted(xml)
        duis_schema.validate(root)
        try:
            envelope = read_envelope(xml)
        except DuisSchemaError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        assert envelope.service_reference_variant.startswith(envelope.service_reference)
        assert envelope.signed, "the templates carry placeholder signatures"
        assert envelope.body_element
    assert not problems, "\n".join(problems)


def test_in_scope_templates_decode(
    request_templates: list[Path], pki: TestPki, duis_schema: DuisSchema
) -> None:
    decoded = 0
    for path in request_templates:
        xml = path.read_bytes()
        envelope = read_envelope(xml)
        if envelope.service_reference_variant not in IN_SCOPE:
            if envelope.body_element not in decoded_body_elements():
                with pytest.raises(CannotDecode, match=f"sr:{envelope.body_element}"):
                    decode_request(xml)
            continue
        if "LoadController" in path.name:
            with pytest.raises(CannotDecode, match="no remote party role 'LoadController'"):
                decode_request(xml)
            continue
        request = decode_request(xml)
        decoded += 1
        assert request.request_id == envelope.request_id
        assert request.srv == envelope.service_reference_variant
        assert request.command_variant == envelope.command_variant
        # What the harness read, it can say again, and the XSD still accepts it.
        again = encoded(request, pki)
        duis_schema.validate(parse_untrusted(again))
        assert decode_request(again) == request
    assert decoded == 23


def test_template_values_are_read_as_written(duis_data: Path) -> None:
    templates = duis_data / "templates"

    def read(name: str) -> ServiceRequest:
        return decode_request((templates / name).read_bytes())

    krp = read("CS02bSupplierBySupplier_6.15.1_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML")
    assert krp.request_id == RequestId.parse("90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1001")
    assert krp.command_variant == 4
    assert isinstance(krp.body, UpdateSecurityCredentialsKRP)
    assert krp.body.remote_party_role is RemotePartyRole.SUPPLIER
    assert krp.body.execution_time == datetime(2030, 1, 15, tzinfo=UTC)
    assert krp.body.apply_time_based_cpv_checks is True
    assert krp.body.replacement.digital_signing is not None
    assert krp.body.replacement.digital_signing.startswith(b"\x30\x82")
    assert len(krp.body.certification_path) == 1

    handover = read("CS02bNOByNOHandover_6.21_SUCCESS_REQUEST_DUIS.XML")
    assert isinstance(handover.body, RequestHandover)
    assert handover.body.supplier is None
    assert handover.body.network_operator is not None

    cos = read("CS02bSupplierByTransCoS_6.23_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML")
    assert isinstance(cos.body, UpdateSecurityCredentialsCoS)
    # The template's MPAN has a wrong check digit: the codec reads it as sent, the DSP judges.
    assert cos.body.meter_point == MeterPoint(Fuel.ELECTRICITY, "1312345678333")

    profile = read("ECS22b_4.8.1_SINGLE_SUCCESS_REQUEST_DUIS.XML")
    assert profile.body == ReadProfileData(
        Period(datetime(2014, 12, 31, tzinfo=UTC), datetime(2015, 1, 1, tzinfo=UTC))
    )
    registers = read("ECS17b_4.1.1_DSP_FUTURE_DATED_REQUEST_DUIS.XML")
    assert registers.body == ReadInstantaneousImportRegisters(datetime(2015, 1, 15, 9, tzinfo=UTC))
    assert (
        read("CS02aMAC_6.24.1_SUCCESS_REQUEST_DUIS.XML").body == RetrieveDeviceSecurityCredentials()
    )
    inventory = read("8.2_READ_INVENTORY_REQUEST_DUIS.XML")
    assert inventory.command_variant == 8
    assert inventory.body == ReadInventory(device_id=Eui64.parse("00-DB-12-34-56-78-90-A2"))


def test_envelope_reads_sequenced_requests_out_of_scope() -> None:
    xml = (
        b'<?xml version="1.0"?><sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"'
        b' schemaVersion="5.4"><sr:Header>'
        b"<sr:RequestID>90-b3-d5-1f-30-01-00-00:00-DB-12-34-56-78-90-A0:7</sr:RequestID>"
        b"<sr:FirstInSequence>false</sr:FirstInSequence>"
        b"<sr:PrecedingServiceRequestID>90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:6"
        b"</sr:PrecedingServiceRequestID>"
        b"<sr:CommandVariant>1</sr:CommandVariant><sr:ServiceReference>3.2</sr:ServiceReference>"
        b"<sr:ServiceReferenceVariant>3.2</sr:ServiceReferenceVariant></sr:Header>"
        b"<sr:Body><sr:RestrictAccessForChangeOfTenancy/></sr:Body></sr:Request>"
    )
    envelope = read_envelope(xml)
    assert envelope.request_id == RequestId.parse(
        "90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7"
    )
    assert envelope.first_in_sequence is False
    assert envelope.preceding_request_id is not None
    assert envelope.preceding_request_id.counter == 6
    assert envelope.body_element == "RestrictAccessForChangeOfTenancy"
    with pytest.raises(CannotDecode, match="does not decode sr:RestrictAccessForChangeOfTenancy"):
        decode_request(xml)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ((b":1000</sr:RequestID>", b":x</sr:RequestID>"), "not a RequestID"),
        ((b"<sr:CommandVariant>8</sr:CommandVariant>", b""), "missing sr:CommandVariant"),
        ((b'schemaVersion="5.4"', b""), "missing the schemaVersion"),
        ((b"<sr:DeviceID>00-DB", b"<sr:DeviceID>zz-DB"), "not an EUI-64"),
    ],
)
def test_broken_envelopes_name_the_path(
    duis_data: Path, change: tuple[bytes, bytes], words: str
) -> None:
    xml = (duis_data / "templates" / "8.2_READ_INVENTORY_REQUEST_DUIS.XML").read_bytes()
    broken = xml.replace(*change)
    assert broken != xml
    with pytest.raises(DuisSchemaError, match=words) as caught:
        decode_request(broken)
    assert str(caught.value).startswith("/sr:Request")


# -- properties -----------------------------------------------------------------------------
@given(request_ids)
def test_request_ids_survive_their_text_form(request_id: RequestId) -> None:
    assert RequestId.parse(str(request_id)) == request_id
    mirrored = RequestId.parse(request_id.response_id())
    assert (mirrored.originator, mirrored.target) == (request_id.target, request_id.originator)


@settings(max_examples=50, deadline=None)
@given(request_ids)
def test_request_ids_are_valid_duis_and_survive_the_codec(
    duis_schema: DuisSchema, request_id: RequestId
) -> None:
    request = ServiceRequest(request_id, "4.1.1", 1, ReadInstantaneousImportRegisters())
    xml = encode_request(request)
    duis_schema.validate(parse_untrusted(xml))
    assert decode_request(xml) == request


bodies = st.one_of(
    st.builds(ReadInstantaneousImportRegisters, st.none() | moments),
    st.builds(
        lambda start, length, when: ReadProfileData(Period(start, start + length), when),
        moments.filter(lambda m: m.year < 9990),
        st.timedeltas(timedelta(0), timedelta(days=400)),
        st.none() | moments,
    ),
    st.builds(lambda device: ReadInventory(device_id=device), euis),
    st.builds(
        lambda digits: ReadInventory(meter_point=MeterPoint(Fuel.GAS, digits)),
        st.text("0123456789", min_size=6, max_size=10),
    ),
    st.builds(RetrieveDeviceSecurityCredentials),
)
SRV_FOR = {
    ReadInstantaneousImportRegisters: ("4.1.1", 1),
    ReadProfileData: ("4.8.1", 1),
    ReadInventory: ("8.2", 8),
    RetrieveDeviceSecurityCredentials: ("6.24.1", 1),
}


@settings(max_examples=60, deadline=None)
@given(request_ids, bodies)
def test_generated_requests_validate_and_round_trip(
    duis_schema: DuisSchema, request_id: RequestId, body: object
) -> None:
    srv, cv = SRV_FOR[type(body)]
    request = ServiceRequest(request_id, srv, cv, body)  # type: ignore[arg-type]
    xml = encode_request(request)
    duis_schema.validate(parse_untrusted(xml))
    assert decode_request(xml) == request


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(
        [
            RemotePartyRole.SUPPLIER,
            RemotePartyRole.NETWORK_OPERATOR,
            RemotePartyRole.ACCESS_CONTROL_BROKER,
            RemotePartyRole.TRANSITIONAL_COS,
            RemotePartyRole.ROOT,
            RemotePartyRole.RECOVERY,
        ]
    ),
    st.booleans(),
    st.booleans(),
    st.none() | moments,
    st.integers(1, 3),
    st.booleans(),
)
def test_generated_krp_requests_validate_and_round_trip(
    duis_schema: DuisSchema,
    pki: TestPki,
    role: RemotePartyRole,
    with_signing: bool,
    with_agreement: bool,
    when: datetime | None,
    path_length: int,
    apply_checks: bool,
) -> None:
    owner = Eui64.parse("90-B3-D5-1F-30-02-00-00")
    full = pair_of(pki, owner, RemotePartyRole.NETWORK_OPERATOR)
    pair = CertificatePair(
        full.digital_signing if with_signing else None,
        full.key_agreement if with_agreement else None,
    )
    ca = pki.issuing_ca.public_bytes(Encoding.DER)
    body = UpdateSecurityCredentialsKRP(role, pair, (ca,) * path_length, when, apply_checks)
    request = ServiceRequest(RequestId(owner, Eui64(7), 1), "6.15.1", 4, body)
    xml = encode_request(request)
    duis_schema.validate(parse_untrusted(xml))
    assert decode_request(xml) == request
