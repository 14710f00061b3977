"""ServiceRequest ⇄ unsigned DUIS 5.4 ``sr:Request`` XML, for the Service Requests in scope."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from harness.domain.requests import Endpoint, ServiceRequest
from harness.duis.bodies import decode_body, encode_body
from harness.duis.envelope import RequestEnvelope, body_of, envelope_of, request_root
from harness.duis.safe_xml import parse_untrusted
from harness.duis.tree import add, new_root, to_bytes


def encode_request(request: ServiceRequest, *, certification_path: Sequence[bytes] = ()) -> bytes:
    """The unsigned DUIS request (sign it with :func:`harness.duis.signing.sign`).

    ``certification_path`` (DER certificates, one to three) is what a 6.21 or 6.23 sends as
    ``CertificationPathCertificates``: their domain bodies have no path of their own. A
    6.15.1 sends its body's ``certification_path``. The endpoint is the HTTP path the
    request travels to, not part of the XML.
    """
    return to_bytes(encode_request_tree(request, certification_path=certification_path))


def encode_request_tree(
    request: ServiceRequest, *, certification_path: Sequence[bytes] = ()
) -> etree._Element:
    """:func:`encode_request` as a tree, to sign as built
    (:func:`harness.duis.signing.sign_tree`) rather than serialised and parsed again."""
    root = new_root("Request")
    header = add(root, "Header")
    add(header, "RequestID", str(request.request_id))
    add(header, "CommandVariant", str(request.command_variant))
    add(header, "ServiceReference", request.service_reference)
    add(header, "ServiceReferenceVariant", request.srv)
    encode_body(request.body, add(root, "Body"), certification_path)
    return root


def decode_request(xml: bytes, *, endpoint: Endpoint | None = None) -> ServiceRequest:
    """The ServiceRequest a DUIS request carries (after the safe parse).

    The body element decides the domain type; the header's ServiceReferenceVariant becomes
    ``srv`` as written. ``endpoint`` is where the request arrived, if the caller knows it.
    """
    return decode_request_tree(parse_untrusted(xml), endpoint=endpoint)


def decode_request_tree(
    root: etree._Element,
    *,
    endpoint: Endpoint | None = None,
    envelope: RequestEnvelope | None = None,
) -> ServiceRequest:
    """:func:`decode_request` of a request already read with the safe parser (and its
    header, if already read: ``envelope_of(root)``)."""
    envelope = envelope_of(root) if envelope is None else envelope
    return ServiceRequest(
        request_id=envelope.request_id,
        srv=envelope.service_reference_variant,
        command_variant=envelope.command_variant,
        body=decode_body(body_of(request_root(root))),
        endpoint=endpoint,
    )
