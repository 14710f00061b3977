"""Response ⇄ DUIS 5.4 ``sr:Response`` XML.

Where each field of :class:`~harness.domain.requests.Response` travels (docs/duis.md says
why):

- ``request_id`` → ``Header/RequestID``;
- ``code`` → ``Header/ResponseCode``;
- ``pre_command`` → ``ResponseMessage/PreCommand/GBCSPayload``;
- ``answered_by`` → ``Header/ResponseID`` is present exactly when the answer comes from
  beyond the DSP (the device, or the S1SP for a SMETS1 device); decoding infers ``"DSP"``
  without it and ``"device"`` with it;
- ``outcome`` → inferred from the code and the body: ``E…`` rejected, ``I99``
  acknowledged, a PreCommand transformed, anything else completed;
- whatever the inference would get wrong, and ``requirement``, ``detail`` and ``data``
  (which DUIS has no place for) → the harness annotation (:mod:`harness.duis.annotation`).

So ``decode_response(encode_response(r, t, srv=s)) == r`` for every Response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from harness.domain.requests import Outcome, RequestId, Response
from harness.duis.annotation import Annotation, read_annotation, write_annotation
from harness.duis.envelope import read_request_id
from harness.duis.errors import CannotDecode, DuisSchemaError
from harness.duis.lexical import read_base64, read_datetime, write_base64, write_datetime
from harness.duis.names import GBCS_VERSION, ds, prefixed, sr
from harness.duis.safe_xml import parse_untrusted
from harness.duis.tree import Node, add, elements, new_root, to_bytes

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
    """The unsigned DUIS response to a request for SRV ``srv`` (e.g. ``"6.15.1"``)."""
    beyond_dsp = response.answered_by != DSP
    root = new_root("Response")
    header = add(root, "Header")
    add(header, "RequestID", str(response.request_id))
    if beyond_dsp:
        add(header, "ResponseID", response.request_id.response_id())
    add(header, "ResponseCode", response.code)
    add(header, "ResponseDateTime", write_datetime(response_datetime))
    message = add(add(root, "Body"), "ResponseMessage")
    add(message, "ServiceReference", ".".join(srv.split(".")[:2]))
    add(message, "ServiceReferenceVariant", srv)
    if response.pre_command is not None:
        pre_command = add(message, "PreCommand")
        add(pre_command, "GBCSVersion", GBCS_VERSION)
        add(pre_command, "GBCSPayload", write_base64(response.pre_command))
    outcome = inferred_outcome(response.code, response.pre_command is not None)
    answerer = inferred_answerer(beyond_dsp)
    write_annotation(
        message,
        Annotation(
            outcome=None if response.outcome is outcome else response.outcome,
            answered_by=None if response.answered_by == answerer else response.answered_by,
            requirement=response.requirement,
            detail=response.detail,
            data=response.data,
        ),
    )
    return to_bytes(root)


# -- reading ---------------------------------------------------------------------------
def read_response_envelope(xml: bytes) -> ResponseEnvelope:
    """Read the header of any DUIS response (after the safe parse)."""
    return _envelope(_response_root(parse_untrusted(xml)))


def decode_response(xml: bytes) -> Response:
    """The Response a DUIS ``sr:ResponseMessage`` carries (after the safe parse)."""
    response = _response_root(parse_untrusted(xml))
    envelope = _envelope(response)
    if envelope.request_id is None:
        raise CannotDecode(f"{response.path}/sr:Header: no RequestID, so no harness Response")
    if envelope.body_element != "ResponseMessage":
        raise CannotDecode(
            f"{response.path}/sr:Body: the harness decodes sr:ResponseMessage, "
            f"not sr:{envelope.body_element}"
        )
    if envelope.response_id is not None and envelope.response_id != _mirror(envelope.request_id):
        raise CannotDecode(
            f"{response.path}/sr:Header/sr:ResponseID: {envelope.response_id} does not "
            f"mirror RequestID {envelope.request_id}"
        )
    message = response.required("Body").required("ResponseMessage")
    pre_command = _pre_command(message)
    annotation = read_annotation(message)
    outcome = annotation.outcome
    if outcome is None:
        outcome = inferred_outcome(envelope.code, pre_command is not None)
    answered_by = annotation.answered_by
    if answered_by is None:
        answered_by = inferred_answerer(envelope.response_id is not None)
    return Response(
        request_id=envelope.request_id,
        code=envelope.code,
        outcome=outcome,
        answered_by=answered_by,
        requirement=annotation.requirement,
        detail=annotation.detail,
        pre_command=pre_command,
        data=annotation.data,
    )


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


def _pre_command(message: Node) -> bytes | None:
    found = message.optional("PreCommand")
    if found is None:
        return None
    payload = found.required("GBCSPayload")
    return read_base64(payload.text(), payload.path)
