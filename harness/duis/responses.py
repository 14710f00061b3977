"""DUIS 5.4 responses ⇄ :class:`~harness.domain.requests.Response`, from standard
elements only (docs/duis.md, "Responses"):

- ``Header/RequestID`` names the request; an alert, which names none, is tied to it by its
  ``ResponseID`` (the request's ID mirrored) or by ``S1SPAlert/RequestID``;
- ``Header/ResponseID`` present: the answer comes from beyond the DSP;
- the outcome: ``E…`` rejected; ``I99`` acknowledged; ``PreCommand`` transformed;
  ``DSPInventory`` (or a DSP answer with no body) completed; a GBCS payload
  :attr:`~Outcome.IN_GBCS` (the harness does not parse GBCS); an ``SMETS1ResponseMessage``
  by its MMC payload (:mod:`harness.duis.mmc_read`); ``DCCAlertMessage/S1SPAlertDSP``
  rejected by the S1SP with its ``S1SPAlertCode`` and ``AdditionalInformation``.

The ``<?dsp-conformance?>`` explanation a served DSP may add is never read here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.requests import Outcome, RequestId, Response
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.answers import Answering, encode_answer
from harness.duis.envelope import read_request_id
from harness.duis.errors import CannotDecode, DuisSchemaError
from harness.duis.lexical import read_base64, read_datetime
from harness.duis.mmc_read import smets1_outcome
from harness.duis.names import ds, prefixed, sr
from harness.duis.safe_xml import parse_untrusted
from harness.duis.tree import Node, elements
from harness.duis.xml_signer import XmlSigner
from harness.pki import TestPki

DSP = "DSP"
DEVICE = "device"


@dataclass(frozen=True)
class ResponseEnvelope:
    """The header of any DUIS response, and the names its body uses."""

    request_id: RequestId | None
    response_id: RequestId | None
    code: str
    response_datetime: datetime
    body_element: str
    schema_version: str
    service_reference: str | None = None
    service_reference_variant: str | None = None
    signed: bool = False


def inferred_outcome(code: str, has_pre_command: bool) -> Outcome:
    """What a response's code and body say about how the request ended."""
    if code.startswith("E"):
        return Outcome.REJECTED
    if code == "I99":
        return Outcome.ACKNOWLEDGED
    if has_pre_command:
        return Outcome.TRANSFORMED
    return Outcome.COMPLETED


def inferred_answerer(has_response_id: bool) -> str:
    """Who answered, as far as DUIS says: a ResponseID means the device side did."""
    return DEVICE if has_response_id else DSP


# -- writing ---------------------------------------------------------------------------
def encode_response(response: Response, response_datetime: datetime, *, srv: str) -> bytes:
    """The unsigned DUIS response to a request for SRV ``srv`` from a DSP that knows nothing
    of the device's generation (a device's answer is a GBCS payload), with the harness's
    explanation; an S1SP's part is signed by a throwaway identity. The served DSP uses
    :func:`harness.duis.answers.encode_answer` with its own identities."""
    context = Answering(srv, explain=True)
    return encode_answer(response, response_datetime, context, _throwaway_s1sp())


@functools.cache
def _throwaway_s1sp() -> XmlSigner:
    owner = Eui64.parse("90-B3-D5-1F-30-00-00-51")
    credential = TestPki("ZT").issue(owner, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    return XmlSigner(credential.private_key, credential.certificate.certificate)


# -- reading ---------------------------------------------------------------------------
def read_response_envelope(xml: bytes) -> ResponseEnvelope:
    """Read the header of any DUIS response (after the safe parse)."""
    return _envelope(_response_root(parse_untrusted(xml)))


def decode_response(xml: bytes, *, root: etree._Element | None = None) -> Response:
    """The Response a DUIS ``sr:Response`` carries, read from standard elements only.
    ``root``: ``xml`` already parsed (by :func:`parse_untrusted`), not parsed again."""
    response = _response_root(parse_untrusted(xml) if root is None else root)
    envelope = _envelope(response)
    if (
        envelope.response_id is not None
        and envelope.request_id is not None
        and envelope.response_id != _mirror(envelope.request_id)
    ):
        raise CannotDecode(
            f"{response.path}/sr:Header/sr:ResponseID: {envelope.response_id} does not "
            f"mirror RequestID {envelope.request_id}"
        )
    body = response.required("Body").only_child()
    reader = _BODIES.get(body.local_name)
    if reader is None:
        raise CannotDecode(f"{body.path}: the harness reads no outcome from sr:{body.local_name}")
    return reader(envelope, body)


def correlate(xml: bytes, *, root: etree._Element | None = None) -> RequestId:
    """The request a response belongs to (nothing is verified). ``root``: ``xml`` already
    parsed."""
    response = _response_root(parse_untrusted(xml) if root is None else root)
    envelope = _envelope(response)
    body = response.required("Body").only_child()
    return _request_id(envelope, body)


def s1sp_signed_part(xml: bytes, *, root: etree._Element | None = None) -> bytes | None:
    """The part of a response the S1SP signed (``SMETS1SignedResponse`` or ``S1SPAlert``),
    as a document of its own, or ``None`` when the DSP alone answered. ``root``: ``xml``
    already parsed."""
    root = parse_untrusted(xml) if root is None else root
    for tag in (sr("SMETS1SignedResponse"), sr("S1SPAlert")):
        found = root.find(f".//{tag}")
        if found is not None:
            return etree.tostring(found, xml_declaration=True, encoding="UTF-8")
    return None


def _request_id(envelope: ResponseEnvelope, body: Node) -> RequestId:
    if envelope.request_id is not None:
        return envelope.request_id
    alert = body.element.find(f".//{sr('S1SPAlert')}/{sr('RequestID')}")
    if alert is not None:
        return read_request_id(
            (alert.text or "").strip(), f"{body.path}//sr:S1SPAlert/sr:RequestID"
        )
    if envelope.response_id is not None:
        mirrored = envelope.response_id
        return RequestId(mirrored.target, mirrored.originator, mirrored.counter)
    raise CannotDecode(f"{body.path}: names no request (no RequestID, ResponseID or S1SPAlert)")


def _answerer(envelope: ResponseEnvelope) -> str:
    return inferred_answerer(envelope.response_id is not None)


def _response_message(envelope: ResponseEnvelope, body: Node) -> Response:
    request_id = _request_id(envelope, body)
    answered_by = _answerer(envelope)
    payload = body.children()[2:] if len(body.children()) > 2 else []
    kind = payload[0].local_name if payload else None
    if envelope.code.startswith("E"):
        return Response(request_id, envelope.code, Outcome.REJECTED, answered_by)
    if envelope.code == "I99":
        return Response(request_id, envelope.code, Outcome.ACKNOWLEDGED, answered_by)
    if kind == "PreCommand":
        found = payload[0].required("GBCSPayload")
        pre_command = read_base64(found.text(), found.path)
        return Response(
            request_id, envelope.code, Outcome.TRANSFORMED, answered_by, pre_command=pre_command
        )
    if kind in ("GBCSPayload", "FutureDatedDeviceAlertMessage", "DSPScheduledMessage"):
        return Response(request_id, envelope.code, Outcome.IN_GBCS, DEVICE)
    if kind == "DSPInventory":
        rows = tuple(
            (
                device.required_text("DeviceID"),
                " ".join(
                    filter(None, (device.optional_text(n) for n in ("DeviceType", "DeviceStatus")))
                ),
            )
            for device in payload[0].children("Device")
        )
        return Response(request_id, envelope.code, Outcome.COMPLETED, answered_by, data=rows)
    if answered_by == DEVICE:
        raise CannotDecode(f"{body.path}: a device's answer with no payload")
    return Response(request_id, envelope.code, Outcome.COMPLETED, answered_by)


def _smets1_message(envelope: ResponseEnvelope, body: Node) -> Response:
    request_id = _request_id(envelope, body)
    signed = body.required("SMETS1SignedResponse")
    if envelope.code.startswith("E"):
        return Response(request_id, envelope.code, Outcome.REJECTED, DEVICE)
    outcome, data = smets1_outcome(signed)
    return Response(request_id, envelope.code, outcome, DEVICE, data=data)


def _dcc_alert(envelope: ResponseEnvelope, body: Node) -> Response:
    alert_dsp = body.required("DCCAlert").optional("S1SPAlertDSP")
    if alert_dsp is None:
        raise CannotDecode(f"{body.path}: a DCC alert that is not about a Service Request")
    alert = alert_dsp.required("S1SPAlert")
    return Response(
        _request_id(envelope, body),
        alert.required_text("S1SPAlertCode"),
        Outcome.REJECTED,
        "S1SP",
        detail=alert.optional_text("AdditionalInformation") or "",
    )


def _device_alert(envelope: ResponseEnvelope, body: Node) -> Response:
    return Response(_request_id(envelope, body), envelope.code, Outcome.IN_GBCS, DEVICE)


_BODIES: dict[str, Callable[[ResponseEnvelope, Node], Response]] = {
    "ResponseMessage": _response_message,
    "SMETS1ResponseMessage": _smets1_message,
    "DCCAlertMessage": _dcc_alert,
    "DeviceAlertMessage": _device_alert,
}


def _mirror(request_id: RequestId) -> RequestId:
    return RequestId(request_id.target, request_id.originator, request_id.counter)


def _response_root(root: etree._Element) -> Node:
    if root.tag != sr("Response"):
        raise DuisSchemaError(
            f"/{prefixed(str(root.tag))}: not a DUIS response (expected sr:Response "
            f"in namespace {sr('')[1:-1]})"
        )
    return Node.root(root)


def _envelope(response: Node) -> ResponseEnvelope:
    version = response.element.get("schemaVersion")
    if version is None:
        raise DuisSchemaError(f"{response.path}: missing the schemaVersion attribute")
    header = response.required("Header")
    request_id = header.optional("RequestID")
    response_id = header.optional("ResponseID")
    when = header.required("ResponseDateTime")
    body = response.required("Body").only_child()
    return ResponseEnvelope(
        request_id=None
        if request_id is None
        else read_request_id(request_id.text(), request_id.path),
        response_id=(
            None if response_id is None else read_request_id(response_id.text(), response_id.path)
        ),
        code=header.required_text("ResponseCode"),
        response_datetime=read_datetime(when.text(), when.path),
        body_element=body.local_name,
        schema_version=version,
        service_reference=body.optional_text("ServiceReference"),
        service_reference_variant=body.optional_text("ServiceReferenceVariant"),
        signed=any(child.tag == ds("Signature") for child in elements(response.element)),
    )
