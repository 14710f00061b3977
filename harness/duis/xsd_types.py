"""Where libxml2 departs from XML Schema 1.0 Part 2 on the DUIS XSDs, and what the XSDs
declare with the two datatypes concerned, read from the XSD files themselves.

- ``xs:base64Binary`` (§3.2.16): libxml2 (lxml) accepts values outside the lexical space
  (padding or other characters in the middle of a value, among others);
  :mod:`harness.duis.schema` checks every such value of a document libxml2 accepts again
  with :func:`base64_lexical`, on the elements :func:`base64_elements` finds.
- ``xs:anyURI`` (§3.2.17): libxml2 parses values as RFC 3986 URIs, stricter than the RFC 2396
  (+ RFC 2732) syntax the datatype names, e.g. ``http://www:.w3.org/x`` (an RFC 2396
  ``reg_name`` authority); when libxml2 refuses a document over such a value,
  :func:`uri_lexical` decides.

An element is found by its qualified name, an attribute by its (unqualified) name: every
declaration in the schema files whose type is, or derives from, the datatype (through named or
anonymous simple types, and complex types with simple content), provided no declaration of
the same name has another type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
BASE64 = f"{{{XS}}}base64Binary"
ANY_URI = f"{{{XS}}}anyURI"

# XML Schema 1.0 Part 2 (second edition), §3.2.16 base64Binary, lexical space, after the
# whiteSpace facet ("collapse") has been applied:
#   Base64Binary ::= ((B64S B64S B64S B64S)*
#                     ((B64S B64S B64S B64) | (B64S B64S B16S '=') | (B64S B04S '=' #x20? '=')))?
#   B64S ::= B64 #x20?   B16S ::= B16 #x20?   B04S ::= B04 #x20?
#   B04 ::= [AQgw]   B16 ::= [AEIMQUYcgkosw048]   B64 ::= [A-Za-z0-9+/]
_B64, _B16, _B04 = "[A-Za-z0-9+/]", "[AEIMQUYcgkosw048]", "[AQgw]"
BASE64_LEXICAL = re.compile(
    rf"(?:(?:{_B64} ?){{4}})*"
    rf"(?:(?:{_B64} ?){{3}}{_B64}|(?:{_B64} ?){{2}}{_B16} ?=|{_B64} ?{_B04} ?= ?=)?"
)
# The same language for a value with no space left in it (nearly every value: certificates
# travel as one unbroken line), at a quarter of the cost of the general pattern.
_UNSPACED_LEXICAL = re.compile(rf"(?:{_B64}{{4}})*(?:{_B64}{{2}}{_B16}=|{_B64}{_B04}==)?")
_WHITESPACE = re.compile(r"[ \t\n\r]+")


# RFC 2396 appendix A with RFC 2732's IPv6 literals, as XML Schema 1.0 §3.2.17 names it, on
# a value already escaped as XLink §5.4 says (see :func:`uri_lexical`).
_ESCAPED = r"%[0-9A-Fa-f]{2}"
_UNRESERVED = r"[A-Za-z0-9\-_.!~*'()]"
_PCHAR = rf"(?:{_UNRESERVED}|{_ESCAPED}|[:@&=+$,])"
_URIC = rf"(?:{_UNRESERVED}|{_ESCAPED}|[;/?:@&=+$,\[\]])"
_SEGMENT = rf"{_PCHAR}*(?:;{_PCHAR}*)*"
_ABS_PATH = rf"/{_SEGMENT}(?:/{_SEGMENT})*"
_AUTHORITY = rf"(?:(?:{_UNRESERVED}|{_ESCAPED}|[$,;:@&=+])*(?:\[[0-9A-Fa-f:.]+\](?::[0-9]*)?)?)"
_NET_PATH = rf"//{_AUTHORITY}(?:{_ABS_PATH})?"
_REL_PATH = rf"(?:{_UNRESERVED}|{_ESCAPED}|[;@&=+$,])+(?:{_ABS_PATH})?"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_OPAQUE = rf"(?:{_UNRESERVED}|{_ESCAPED}|[;?:@&=+$,]){_URIC}*"
URI_REFERENCE = re.compile(
    rf"(?:{_SCHEME}:(?:(?:{_NET_PATH}|{_ABS_PATH})(?:\?{_URIC}*)?|{_OPAQUE})"
    rf"|(?:{_NET_PATH}|{_ABS_PATH}|{_REL_PATH})(?:\?{_URIC}*)?)?"
    rf"(?:#{_URIC}*)?"
)
# XLink §5.4: characters RFC 2396 disallows, other than "#", "%" and "[" "]", are escaped
# (as UTF-8 bytes) before the check: space, "<", ">", '"', "{", "}", "|", "\\", "^", "`",
# control characters and every non-ASCII character.
_XLINK_ESCAPED = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\U0010ffff]')


def uri_lexical(text: str) -> bool:
    """Whether ``text`` is in the lexical space of ``xs:anyURI`` (XML Schema 1.0)."""
    collapsed = _WHITESPACE.sub(" ", text).strip(" ")
    escaped = _XLINK_ESCAPED.sub(
        lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")),
        collapsed,
    )
    return URI_REFERENCE.fullmatch(escaped) is not None


def base64_lexical(text: str) -> bool:
    """Whether ``text`` is in the lexical space of ``xs:base64Binary``."""
    collapsed = _WHITESPACE.sub(" ", text).strip(" ")
    pattern = BASE64_LEXICAL if " " in collapsed else _UNSPACED_LEXICAL
    return pattern.fullmatch(collapsed) is not None


class _Walk:
    def __init__(self, documents: list[etree._Element]) -> None:
        self.documents = documents
        self.bases: dict[str, str | None] = {}  # named type → the type it derives from
        for schema in documents:
            target = schema.get("targetNamespace", "")
            for kind in ("simpleType", "complexType"):
                for declared in schema.iterfind(f"{{{XS}}}{kind}"):
                    self.bases[f"{{{target}}}{declared.get('name')}"] = self._base(declared)

    @staticmethod
    def _qname(node: etree._Element, value: str) -> str:
        prefix, _, local = value.rpartition(":")
        return f"{{{node.nsmap.get(prefix or None, '')}}}{local}"

    def _base(self, declared: etree._Element) -> str | None:
        """The base of a type declaration (restriction, or simple content), if any."""
        for path in (
            f"{{{XS}}}restriction",
            f"{{{XS}}}simpleContent/{{{XS}}}extension",
            f"{{{XS}}}simpleContent/{{{XS}}}restriction",
        ):
            found = declared.find(path)
            if found is not None and found.get("base"):
                return self._qname(found, str(found.get("base")))
        return None

    def is_base64(self, qname: str | None) -> bool:
        seen = set()
        while qname is not None and qname not in seen:
            if qname == BASE64:
                return True
            seen.add(qname)
            qname = self.bases.get(qname)
        return False

    def elements(self) -> Iterator[tuple[str, bool]]:
        """(qualified name, base64?) of every element declaration."""
        for schema in self.documents:
            target = schema.get("targetNamespace", "")
            qualified = schema.get("elementFormDefault") == "qualified"
            for element in schema.iter(f"{{{XS}}}element"):
                name = element.get("name")
                if name is None:
                    continue
                top = element.getparent() is schema
                form = element.get("form")
                in_target = top or form == "qualified" or (form is None and qualified)
                qname = f"{{{target if in_target else ''}}}{name}"
                if element.get("type"):
                    yield qname, self.is_base64(self._qname(element, str(element.get("type"))))
                    continue
                anonymous = element.find(f"{{{XS}}}simpleType")
                if anonymous is None:
                    anonymous = element.find(f"{{{XS}}}complexType")
                yield qname, anonymous is not None and self.is_base64(self._base(anonymous))


def base64_elements(documents: list[etree._Element]) -> frozenset[str]:
    """The qualified names of the elements whose content is ``xs:base64Binary``."""
    walk = _Walk(documents)
    yes: set[str] = set()
    no: set[str] = set()
    for qname, base64 in walk.elements():
        (yes if base64 else no).add(qname)
    return frozenset(yes - no)


def uri_attributes(documents: list[etree._Element]) -> frozenset[str]:
    """The names of the unqualified attributes declared ``xs:anyURI`` itself (no facets)."""
    yes: set[str] = set()
    no: set[str] = set()
    for schema in documents:
        for attribute in schema.iter(f"{{{XS}}}attribute"):
            name, declared = attribute.get("name"), attribute.get("type")
            if name is None or attribute.get("form") == "qualified":
                continue
            exact = declared is not None and _Walk._qname(attribute, declared) == ANY_URI
            (yes if exact else no).add(name)
    return frozenset(yes - no)


def schema_documents(path: Path) -> list[etree._Element]:
    """The XSD at ``path`` and every XSD it imports or includes, transitively (file paths
    relative to it; what cannot be read is left to the schema loader to report)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    found: dict[Path, etree._Element] = {}
    pending = [path.resolve()]
    while pending:
        current = pending.pop()
        if current in found or not current.is_file():
            continue
        root = etree.parse(str(current), parser).getroot()
        found[current] = root
        for reference in ("import", "include", "redefine"):
            for node in root.iterfind(f"{{{XS}}}{reference}"):
                location = node.get("schemaLocation")
                if location and "://" not in location:
                    pending.append((current.parent / location).resolve())
    return list(found.values())
