"""Parse untrusted bytes into an lxml tree, refusing anything that could hurt the reader.

Refused, each with a one-line :class:`HostileXml`:

- more than ``max_bytes`` (checked before anything else);
- anything but UTF-8 (a UTF-16/32 byte-order mark, NUL bytes, another declared encoding),
  so the byte-level checks below see the markup as it is;
- any DTD markup (``<!DOCTYPE``, ``<!ENTITY``, ``<!ELEMENT``, ``<!ATTLIST``, ``<!NOTATION``)
  and any entity reference other than the five predefined ones and character references:
  a bomb, an external entity or an external DTD is refused by a byte scan, before parsing;
- more than ``max_depth`` nested elements or more than ``max_elements`` elements. A
  document with more ``<`` than ``max_elements`` (so possibly too many elements) is parsed
  incrementally and counted as it goes, so a wide document stops as soon as it crosses the
  line; any other is parsed in one call (libxml2 stops past 256 levels by itself) and its
  depth checked after, at half the cost of the incremental parse.

The parser itself is configured defensively too (no entity resolution, no DTD loading, no
network, libxml2's own size limits kept). Processing instructions and comments are kept
but never acted on; nothing is fetched, included or transformed.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from lxml import etree

from harness.duis.errors import HostileXml, MalformedXml

ONE_MIB = 1 << 20

_DTD_MARKUP = re.compile(rb"<!\s*(doctype|entity|element|attlist|notation)", re.IGNORECASE)
_ENTITY_REFERENCE = re.compile(
    rb"&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)([^;\s<&]{0,40})"
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_CHUNK = 16 * 1024


@dataclass(frozen=True)
class Limits:
    """How much an untrusted document may cost."""

    max_bytes: int = ONE_MIB
    max_depth: int = 64
    max_elements: int = 50_000


DEFAULT_LIMITS = Limits()


def parse_untrusted(data: bytes, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """The root element of ``data``, or :class:`HostileXml` / :class:`MalformedXml`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise HostileXml(f"expected XML as bytes, got {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > limits.max_bytes:
        raise HostileXml(f"document of {len(raw)} bytes refused: the limit is {limits.max_bytes}")
    _refuse_other_encodings(raw)
    _refuse_dtd_and_entities(raw)
    return _parse_within_limits(raw, limits)


def _refuse_other_encodings(raw: bytes) -> None:
    if raw.startswith(_OTHER_BOMS) or b"\x00" in raw:
        raise HostileXml("document refused: only UTF-8 is accepted (found UTF-16/32 or NUL bytes)")
    body = raw.removeprefix(_UTF8_BOM).lstrip()
    declared = _DECLARED_ENCODING.match(body)
    if declared and declared[1].decode("ascii").lower() not in _UTF8_NAMES:
        raise HostileXml(
            f"document refused: declared encoding {declared[1].decode('ascii')!r}, "
            "only UTF-8 is accepted"
        )


def _refuse_dtd_and_entities(raw: bytes) -> None:
    markup = _DTD_MARKUP.search(raw)
    if markup:
        kind = markup[1].decode("ascii").upper()
        raise HostileXml(f"document refused: DTD markup <!{kind} at byte {markup.start()}")
    reference = _ENTITY_REFERENCE.search(raw)
    if reference:
        name = reference[1].decode("utf-8", "replace")
        raise HostileXml(
            f"document refused: entity reference &{name}… at byte {reference.start()} "
            "(only &lt; &gt; &amp; &quot; &apos; and character references are allowed)"
        )


_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "no_network": True,
    "huge_tree": False,
    "remove_blank_text": False,
    "remove_comments": False,
    "remove_pis": False,
    "strip_cdata": False,
    "recover": False,
}


def _parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(events=("start", "end"), **_OPTIONS)  # type: ignore[arg-type]


class _WholeParsers(threading.local):
    """One whole-document parser per thread (an lxml parser is not shared between threads)."""

    def __init__(self) -> None:
        self.parser = etree.XMLParser(**_OPTIONS)  # type: ignore[arg-type]


_WHOLE = _WholeParsers()


@functools.cache
def _deeper_than(depth: int) -> etree.XPath:
    """Is any element nested deeper than ``depth`` (the root at depth 1)?"""
    return etree.XPath("boolean(/*" + "/*" * depth + ")")


def _parse_within_limits(raw: bytes, limits: Limits) -> etree._Element:
    try:
        if raw.count(b"<") > limits.max_elements:  # perhaps too many elements: count them
            root = _parse_counting(raw, limits)
        else:  # every element starts with "<": too many cannot be there
            root = etree.fromstring(raw, _WHOLE.parser)
            if _deeper_than(limits.max_depth)(root):
                raise HostileXml(
                    f"document refused: elements nested deeper than {limits.max_depth}"
                )
    except etree.XMLSyntaxError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "not well-formed"
        if "depth" in message.lower():
            raise HostileXml(
                f"document refused: elements nested deeper than {limits.max_depth} ({message})"
            ) from None
        raise MalformedXml(f"not well-formed XML: {message}") from None
    if root is None:
        raise MalformedXml("not well-formed XML: no root element")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise HostileXml("document refused: it declares a DTD")
    return root


def _parse_counting(raw: bytes, limits: Limits) -> etree._Element | None:
    """Parse incrementally, counting elements and depth as they open: a document past a
    limit stops there."""
    parser = _parser()
    depth = 0
    elements = 0
    for offset in range(0, len(raw), _CHUNK):
        parser.feed(raw[offset : offset + _CHUNK])
        for event, _ in parser.read_events():
            if event == "end":
                depth -= 1
                continue
            depth += 1
            elements += 1
            if depth > limits.max_depth:
                raise HostileXml(
                    f"document refused: elements nested deeper than {limits.max_depth}"
                )
            if elements > limits.max_elements:
                raise HostileXml(f"document refused: more than {limits.max_elements} elements")
    root: etree._Element | None = parser.close()
    return root
