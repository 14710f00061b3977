"""Response ⇄ DUIS response XML: valid against the real XSD, and lossless for every
response the reference DSP gives (indeed for any Response)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from duis_samples import reference_run
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.catalogue.tables import response_codes
from harness.domain.eui import Eui64
from harness.domain.requests import MAX_COUNTER, Outcome, RequestId, Response
from harness.duis.errors import CannotDecode, DuisSchemaError
from harness.duis.responses import (
    decode_response,
    encode_response,
    inferred_outcome,
    read_response_envelope,
)
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import DuisSchema
from harness.pki import TestPki

WHEN = datetime(2026, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)
RID = RequestId.parse("90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200")


def test_every_reference_response_validates_and_round_trips(
    pki: TestPki, duis_schema: DuisSchema
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
        ("E21", Outcome.REJECTED, "S1SP"),
    }, "the run should draw every kind of answer the reference DSP gives"
    for srv, response in run.responses:
        xml = encode_response(response, WHEN, srv=srv)
        duis_schema.validate(parse_untrusted(xml))
        assert decode_response(xml) == response
        envelope = read_response_envelope(xml)
        assert envelope.service_reference_variant == srv
        assert envelope.response_datetime == WHEN
        assert (envelope.response_id is not None) == (response.answered_by != "DSP")


def test_duis_carries_what_it_can_in_its_own_elements() -> None:
    transformed = Response(RID, "I0", Outcome.TRANSFORMED, pre_command=b"GBCS|\x00\xff")
    xml = encode_response(transformed, WHEN, srv="6.15.1").decode()
    assert "<sr:PreCommand>" in xml
    assert "<sr:GBCSPayload>R0JDU3wA/w==</sr:GBCSPayload>" in xml
    assert "dsp-conformance" not in xml, "nothing left over for the annotation"
    assert "<sr:ResponseDateTime>2026-03-01T10:00:00.123000Z</sr:ResponseDateTime>" in xml

    final = Response(RID, "I0", Outcome.COMPLETED, answered_by="device")
    xml = encode_response(final, WHEN, srv="6.15.1").decode()
    assert (
        "<sr:ResponseID>00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-02-00-00:1200</sr:ResponseID>" in xml
    )
    assert "dsp-conformance" not in xml

    rejected = Response(RID, "E4", Outcome.REJECTED, requirement="SRPD-6.1f-ii", detail="a<b&c?>")
    xml = encode_response(rejected, WHEN, srv="6.15.1").decode()
    assert "<sr:ResponseID>" not in xml
    assert '"requirement":"SRPD-6.1f-ii"' in xml
    assert "a\\u003cb\\u0026c?\\u003e" in xml, "no markup can escape the instruction"


def test_the_dcc_response_samples_decode(duis_data: Path) -> None:
    templates = duis_data / "templates"
    error = decode_response((templates / "acknowledgement-error.xml").read_bytes())
    assert error == Response(
        RequestId.parse("90-B3-D5-1F-30-01-00-00:88-73-84-57-00-2F-96-6C:1658482675800"),
        "E65",
        Outcome.REJECTED,
    )
    device = decode_response((templates / "readfw-response.xml").read_bytes())
    assert (device.code, device.outcome, device.answered_by) == ("I0", Outcome.COMPLETED, "device")
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
    no_request_id = xml.replace(
        b"<sr:RequestID>90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200</sr:RequestID>", b""
    )
    with pytest.raises(CannotDecode, match="no RequestID"):
        decode_response(no_request_id)
    bad_annotation = encode_response(
        Response(RID, "E4", Outcome.REJECTED, detail="x"), WHEN, srv="4.1.1"
    ).replace(b'{"detail":"x"}', b'{"detail":7}')
    with pytest.raises(CannotDecode, match="annotation"):
        decode_response(bad_annotation)
    nested = bad_annotation.replace(b'{"detail":7}', b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(CannotDecode, match="annotation"):
        decode_response(nested)
    twice = bad_annotation.replace(
        b'<?dsp-conformance {"detail":7}?>',
        b'<?dsp-conformance {"detail":"a"}?><?dsp-conformance {"detail":"b"}?>',
    )
    with pytest.raises(CannotDecode, match="more than one"):
        decode_response(twice)
    with pytest.raises(DuisSchemaError, match="not a DUIS response"):
        decode_response(
            b'<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"/>'
        )


def test_outcome_inference() -> None:
    assert inferred_outcome("E061504", False) is Outcome.REJECTED
    assert inferred_outcome("I99", False) is Outcome.ACKNOWLEDGED
    assert inferred_outcome("I0", True) is Outcome.TRANSFORMED
    assert inferred_outcome("I0", False) is Outcome.COMPLETED
    assert inferred_outcome("W110101", False) is Outcome.COMPLETED


# -- properties -----------------------------------------------------------------------------
euis = st.integers(0, (1 << 64) - 1).map(Eui64)
printable = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
responses = st.builds(
    Response,
    request_id=st.builds(RequestId, euis, euis, st.integers(0, MAX_COUNTER)),
    code=st.sampled_from(sorted(response_codes())),
    outcome=st.sampled_from(Outcome),
    answered_by=st.sampled_from(["DSP", "S1SP", "device"]) | printable,
    requirement=st.none() | printable,
    detail=printable,
    pre_command=st.none() | st.binary(max_size=64),
    data=st.lists(st.tuples(printable, printable), max_size=4).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(responses)
def test_any_response_survives_the_codec(response: Response) -> None:
    assert decode_response(encode_response(response, WHEN, srv="6.15.1")) == response


@settings(max_examples=40, deadline=None)
@given(responses, st.sampled_from(["6.15.1", "6.21", "6.23", "6.24.1", "4.1.1", "4.8.1", "8.2"]))
def test_generated_responses_are_valid_duis(
    duis_schema: DuisSchema, response: Response, srv: str
) -> None:
    duis_schema.validate(parse_untrusted(encode_response(response, WHEN, srv=srv)))


def test_a_response_with_an_empty_answerer_is_still_exact() -> None:
    response = replace(Response(RID, "I0", Outcome.COMPLETED), answered_by="")
    assert decode_response(encode_response(response, WHEN, srv="8.2")) == response
