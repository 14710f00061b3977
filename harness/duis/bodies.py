"""The body of each Service Request in scope: domain dataclass ⇄ DUIS 5.4 element.

Each body's mapping lives with its spec in ``harness/srv``; this module looks the spec up
by domain type (writing) or element name (reading). What DUIS requires but the domain does
not model is written with a fixed value and ignored when read (floor sequence numbers,
top-up certificates, the roles a 6.24.1 asks about …); docs/duis.md lists every such choice.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from harness.domain.requests import RequestBody
from harness.duis.errors import CannotDecode, CannotEncode
from harness.duis.tree import Node
from harness.errors import UnknownName
from harness.srv import registry


def encode_body(
    body: RequestBody, parent: etree._Element, certification_path: Sequence[bytes] = ()
) -> etree._Element:
    """Append the ``sr:<body element>`` for a domain body to ``parent`` (the ``sr:Body``).

    ``certification_path`` is sent by the bodies whose domain type has no path of its own
    (6.21, 6.23); DUIS requires one to three certificates there.
    """
    try:
        spec = registry.for_body(body)
    except UnknownName:
        raise CannotEncode(f"no DUIS body for {type(body).__name__}") from None
    return spec.encode(body, parent, certification_path)


def decode_body(node: Node) -> RequestBody:
    """The domain body for a DUIS body element, or :class:`CannotDecode` when out of scope."""
    spec = registry.for_element(node.local_name)
    if spec is None:
        raise CannotDecode(f"{node.path}: the harness does not decode sr:{node.local_name}")
    body: RequestBody = spec.decode(node)
    return body


def decoded_body_elements() -> frozenset[str]:
    """The body elements the codec reads."""
    return frozenset(spec.element for spec in registry.specs())
