"""The header of any DUIS request, whatever its Service Request (in scope or not)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from harness.domain.requests import RequestId
from harness.duis.errors import DuisSchemaError
from harness.duis.lexical import read_bool, read_int
from harness.duis.names import ds, prefixed, sr
from harness.duis.safe_xml import parse_untrusted
from harness.duis.tree import Node, elements
from harness.errors import InvalidValue


@dataclass(frozen=True)
class RequestEnvelope:
    """What every DUIS request says about itself, before its body is understood."""

    request_id: RequestId
    command_variant: int
    service_reference: str
    service_reference_variant: str
    body_element: str
    schema_version: str
    first_in_sequence: bool | None = None
    preceding_request_id: RequestId | None = None
    signed: bool = False


def read_envelope(xml: bytes) -> RequestEnvelope:
    """Read the header of any DUIS request (after the safe parse); the body is only named."""
    return envelope_of(parse_untrusted(xml))


def read_request_id(text: str, path: str) -> RequestId:
    try:
        return RequestId.parse(text)
    except InvalidValue as exc:
        raise DuisSchemaError(f"{path}: {exc}") from None


def request_root(root: etree._Element) -> Node:
    """The ``sr:Request`` root, or a schema error naming what was found instead."""
    if root.tag != sr("Request"):
        raise DuisSchemaError(
            f"/{prefixed(str(root.tag))}: not a DUIS request (expected sr:Request "
            f"in namespace {sr('')[1:-1]})"
        )
    return Node.root(root)


def body_of(request: Node) -> Node:
    return request.required("Body").only_child()


def envelope_of(root: etree._Element) -> RequestEnvelope:
    request = request_root(root)
    version = root.get("schemaVersion")
    if version is None:
        raise DuisSchemaError(f"{request.path}: missing the schemaVersion attribute")
    header = request.required("Header")
    body = body_of(request)
    if body.element.tag != sr(body.local_name):
        raise DuisSchemaError(f"{body.path}: the body element is not in the DUIS namespace")
    first = header.optional("FirstInSequence")
    preceding = header.optional("PrecedingServiceRequestID")
    variant = header.required("CommandVariant")
    return RequestEnvelope(
        request_id=read_request_id(
            header.required_text("RequestID"), header.path + "/sr:RequestID"
        ),
        command_variant=read_int(variant.text(), variant.path),
        service_reference=header.required_text("ServiceReference"),
        service_reference_variant=header.required_text("ServiceReferenceVariant"),
        body_element=body.local_name,
        schema_version=version,
        first_in_sequence=None if first is None else read_bool(first.text(), first.path),
        preceding_request_id=(
            None if preceding is None else read_request_id(preceding.text(), preceding.path)
        ),
        signed=any(child.tag == ds("Signature") for child in elements(root)),
    )
