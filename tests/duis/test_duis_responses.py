"""DUIS responses: valid against the real XSD, read from standard DUIS/MMC elements only
(the harness's explanation is never read), for every answer the reference DSP gives, per
device generation, and for the DCC's own example responses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from duis_samples import reference_run
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from harness.catalogue.tables import response_codes
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Generation
from harness.domain.eui import Eui64
from harness.domain.requests import MAX_COUNTER, Outcome, RequestId, Response
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.answers import Answering, answer_tree, encode_answer
from harness.duis.errors import CannotDecode, DuisSchemaError
from harness.duis.mmc import S1SP_ALERT_CODE, SMETS1_PAYLOADS
from harness.duis.names import ds
from harness.duis.responses import (
    decode_response,
    encode_response,
    inferred_outcome,
    read_response_envelope,
    s1sp_signed_part,
)
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import DuisSchema
from harness.duis.signing import lookup_in, verify
from harness.duis.xml_signer import XmlSigner
from harness.pki import TestPki

WHEN = datetime(2026, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)
RID = RequestId.parse("90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200")


@pytest.fixture(scope="module")
def s1sp() -> XmlSigner:
    credential = TestPki("ZS").issue(
        Eui64.parse("90-B3-D5-1F-30-00-00-51"), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING
    )
    return XmlSigner(credential.private_key, credential.certificate.certificate)


# SRVs no SMETS1 device ever answers: the DSP refuses them for SMETS1 (SRV-6.24.2-device-certificate).
SMETS2_DEVICE_ONLY = frozenset({"6.24.2"})
# The reads whose MMC answer carries data the harness asserts on (harness/domain/reports.py).
READS_WITH_DATA = frozenset({"6.24.1", "4.1.1", "4.8.1"})


def _expected(response: Response, generation: Generation) -> tuple[str, Outcome, str]:
    """What the standard elements of the served answer say."""
    if response.answered_by == "DSP":
        return response.code, response.outcome, "DSP"
    if response.answered_by == "S1SP":
        return S1SP_ALERT_CODE[response.code], Outcome.REJECTED, "S1SP"
    if generation is Generation.SMETS2:
        return response.code, Outcome.IN_GBCS, "device"
    return response.code, response.outcome, "device"


def _answer_cases(
    responses: list[tuple[str, Response]],
) -> Iterator[tuple[str, Response, Generation]]:
    """Every reference answer under every device generation that can give it."""
    for srv, response in responses:
        for generation in Generation:
            if response.answered_by == "S1SP" and generation is Generation.SMETS2:
                continue
            if srv in SMETS2_DEVICE_ONLY and generation is Generation.SMETS1:
                continue
            yield srv, response, generation


def test_every_reference_answer_validates_and_reads_from_standard_elements(
    pki: TestPki, duis_schema: DuisSchema, s1sp: XmlSigner
) -> None:
    run = reference_run(pki)
    kinds = {(r.code, r.outcome, r.answered_by) for _, r in run.responses}
    assert kinds >= {
        ("I0", Outcome.TRANSFORMED, "DSP"),
        ("I99", Outcome.ACKNOWLEDGED, "DSP"),
        ("I0", Outcome.COMPLETED, "DSP"),
        ("I0", Outcome.COMPLETED, "device"),
        ("E4", Outcome.REJECTED, "DSP"),
        ("E1", Outcome.REJECTED, "DSP"),
        ("E44", Outcome.REJECTED, "DSP"),
        ("E51", Outcome.REJECTED, "DSP"),
        ("E53", Outcome.REJECTED, "DSP"),
        ("I0", Outcome.REJECTED, "device"),
        ("I0", Outcome.REJECTED, "S1SP"),
        ("S1SP02", Outcome.REJECTED, "S1SP"),
    }, "the run should draw every kind of answer the reference DSP gives"
    checked = 0
    reads_checked: set[str] = set()
    for srv, response, generation in _answer_cases(run.responses):
        if generation is Generation.SMETS1 and response.answered_by == "device":
            assert srv in SMETS1_PAYLOADS, f"no MMC payload for SRV {srv}"
        context = Answering(srv, response.request_id.target, generation, explain=True)
        xml = s1sp.sign(encode_answer(response, WHEN, context, s1sp))
        duis_schema.validate(parse_untrusted(xml))
        read = decode_response(xml)
        assert read.request_id == response.request_id
        assert (read.code, read.outcome, read.answered_by) == _expected(response, generation)
        assert read.pre_command == response.pre_command
        if (
            generation is Generation.SMETS1
            and response.answered_by == "device"
            and response.outcome is Outcome.COMPLETED
            and srv in READS_WITH_DATA
        ):  # what a read reports travels in standard MMC elements, read back the same
            assert read.data == response.data, srv
            reads_checked.add(srv)
        assert decode_response(_strip_explanations(xml)) == read
        part = s1sp_signed_part(xml)
        if part is not None:
            verify(part, lookup_in([s1sp.certificate]))
        checked += 1
    assert checked > len(run.responses)
    assert reads_checked == READS_WITH_DATA, "the run should read every kind of data"


def _without_signature_values(xml: bytes) -> bytes:
    """The document with every ds:SignatureValue emptied (ECDSA signs with a fresh nonce)."""
    root = etree.fromstring(xml)
    for value in root.iter(ds("SignatureValue")):
        value.text = ""
    return etree.tostring(root)


def test_an_answer_signed_as_built_is_the_answer_signed_after_serialising(
    pki: TestPki, s1sp: XmlSigner
) -> None:
    """The served DSP signs the tree it built; the same answer serialised and parsed first
    signs to the same document: the same bytes, the same digest, only the nonce differs."""
    run = reference_run(pki)
    signed = 0
    for srv, response, generation in _answer_cases(run.responses):
        context = Answering(srv, response.request_id.target, generation, explain=True)
        tree = answer_tree(response, WHEN, context, s1sp)
        serialised = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
        after_parsing = s1sp.sign(serialised)
        as_built = s1sp.sign_tree(tree)
        assert _without_signature_values(as_built) == _without_signature_values(after_parsing)
        verify(as_built, lookup_in([s1sp.certificate]))
        signed += 1
    assert signed > len(run.responses)


def _strip_explanations(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for instruction in root.xpath("//processing-instruction('dsp-conformance')"):
        instruction.getparent().remove(instruction)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_future_dated_smets1_update_is_scheduled_then_reported_by_a_device_alert(
    duis_schema: DuisSchema, s1sp: XmlSigner
) -> None:
    context = Answering("6.15.1", RID.target, Generation.SMETS1, future_dated=True)
    accepted = encode_answer(Response(RID, "I0", Outcome.SCHEDULED, "device"), WHEN, context, s1sp)
    assert b"ExecutionOutcome" not in accepted
    assert decode_response(accepted).outcome is Outcome.SCHEDULED
    for outcome in (Outcome.COMPLETED, Outcome.REJECTED):
        alert = encode_answer(Response(RID, "I0", outcome, "device"), WHEN, context, s1sp)
        duis_schema.validate(parse_untrusted(s1sp.sign(alert)))
        assert b"UpdateSecurityCredentialsDeviceAlert" in alert
        assert b"<sr:RequestID>" not in alert, "an alert is tied to its request by ResponseID"
        read = decode_response(alert)
        assert (read.request_id, read.outcome) == (RID, outcome)


def test_an_s1sp_refusal_is_a_dcc_alert_naming_the_request(s1sp: XmlSigner) -> None:
    refusal = Response(RID, "I0", Outcome.REJECTED, "S1SP", detail="not the owner's key")
    xml = encode_answer(refusal, WHEN, Answering("6.15.1", RID.target, Generation.SMETS1), s1sp)
    assert b"<sr:DCCAlertMessage>" in xml
    assert b"<sr:S1SPAlertDSP>" in xml
    read = decode_response(xml)
    assert (read.request_id, read.code, read.outcome, read.answered_by, read.detail) == (
        RID,
        "S1SP01",
        Outcome.REJECTED,
        "S1SP",
        "not the owner's key",
    )


def test_the_dcc_response_samples_decode(duis_data: Path) -> None:
    templates = duis_data / "templates"
    error = decode_response((templates / "acknowledgement-error.xml").read_bytes())
    assert error == Response(
        RequestId.parse("90-B3-D5-1F-30-01-00-00:88-73-84-57-00-2F-96-6C:1658482675800"),
        "E65",
        Outcome.REJECTED,
    )
    device = decode_response((templates / "readfw-response.xml").read_bytes())
    assert (device.code, device.outcome, device.answered_by) == ("I0", Outcome.IN_GBCS, "device")
    inventory_xml = (templates / "read-inventory-response-5.4.xml").read_bytes()
    inventory = decode_response(inventory_xml)
    assert (inventory.code, inventory.outcome, inventory.answered_by) == (
        "I0",
        Outcome.COMPLETED,
        "DSP",
    )
    envelope = read_response_envelope(inventory_xml)
    assert envelope.body_element == "ResponseMessage"
    assert envelope.service_reference_variant == "8.2"
    assert envelope.signed
    assert envelope.response_datetime == datetime(2025, 12, 28, 16, 51, 1, 185000, tzinfo=UTC)


def test_responses_the_harness_cannot_hold_are_refused() -> None:
    xml = encode_response(
        Response(RID, "I0", Outcome.COMPLETED, answered_by="device"), WHEN, srv="4.1.1"
    )
    wrong_mirror = xml.replace(b":1200</sr:ResponseID>", b":1201</sr:ResponseID>")
    with pytest.raises(CannotDecode, match="does not mirror RequestID"):
        decode_response(wrong_mirror)
    nameless = encode_response(Response(RID, "E4", Outcome.REJECTED), WHEN, srv="4.1.1").replace(
        b"<sr:RequestID>90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200</sr:RequestID>", b""
    )
    with pytest.raises(CannotDecode, match="names no request"):
        decode_response(nameless)
    empty = encode_response(
        Response(RID, "I0", Outcome.COMPLETED, answered_by="device"), WHEN, srv="4.1.1"
    )
    empty = empty.split(b"<sr:GBCSPayload>")[0] + b"</sr:ResponseMessage></sr:Body></sr:Response>"
    with pytest.raises(CannotDecode, match="no payload"):
        decode_response(empty)
    with pytest.raises(DuisSchemaError, match="not a DUIS response"):
        decode_response(
            b'<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"/>'
        )


def test_outcome_inference() -> None:
    assert inferred_outcome("E061504", False) is Outcome.REJECTED
    assert inferred_outcome("I99", False) is Outcome.ACKNOWLEDGED
    assert inferred_outcome("I0", True) is Outcome.TRANSFORMED
    assert inferred_outcome("I0", False) is Outcome.COMPLETED


# -- properties -----------------------------------------------------------------------------
euis = st.integers(0, (1 << 64) - 1).map(Eui64)
printable = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
responses = st.builds(
    Response,
    request_id=st.builds(RequestId, euis, euis, st.integers(0, MAX_COUNTER)),
    code=st.sampled_from(sorted(c for c in response_codes() if c[0] in "EIW")),
    outcome=st.sampled_from(Outcome),
    answered_by=st.sampled_from(["DSP", "device"]),
    requirement=st.none() | printable,
    detail=printable,
    pre_command=st.none() | st.binary(max_size=64),
    data=st.lists(st.tuples(printable, printable), max_size=4).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(responses)
def test_the_explanation_never_changes_what_is_read(response: Response) -> None:
    explained = encode_response(response, WHEN, srv="6.15.1")
    plain = encode_answer(response, WHEN, Answering("6.15.1"), None)
    assert decode_response(explained) == decode_response(plain)
    assert decode_response(plain).request_id == response.request_id


@settings(max_examples=40, deadline=None)
@given(responses, st.sampled_from(["6.15.1", "6.21", "6.23", "6.24.1", "4.1.1", "4.8.1", "8.2"]))
def test_generated_responses_are_valid_duis(
    duis_schema: DuisSchema, response: Response, srv: str
) -> None:
    duis_schema.validate(parse_untrusted(encode_response(response, WHEN, srv=srv)))


def test_an_s1sp_refusal_with_any_detail_stays_schema_valid(
    duis_schema: DuisSchema, s1sp: XmlSigner
) -> None:
    """AdditionalInformation is an xs:string of at most 200 characters: control characters
    and over-long reasons must not make the alert unreadable or invalid."""
    request_id = RequestId(Eui64(0x90B3D51F30020000), Eui64(0x00DB1234567890A1), 7)
    for detail in ("\x00\x01 bell\x07", "x" * 500, "ok"):
        response = Response(request_id, "I0", Outcome.REJECTED, answered_by="S1SP", detail=detail)
        context = Answering("6.15.1", request_id.target, Generation.SMETS1, explain=False)
        xml = s1sp.sign(encode_answer(response, WHEN, context, s1sp))
        duis_schema.validate(parse_untrusted(xml))
        read = decode_response(xml)
        assert (read.outcome, read.answered_by) == (Outcome.REJECTED, "S1SP")
