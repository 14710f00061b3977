"""Small helpers to write and read DUIS element trees, with paths for error messages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from harness.duis.errors import DuisSchemaError, HostileXml, MalformedXml
from harness.duis.names import NSMAP, SCHEMA_VERSION, prefixed, sr
from harness.duis.safe_xml import parse_untrusted


def new_root(local: str) -> etree._Element:
    """``<sr:Request>`` / ``<sr:Response>`` with ``schemaVersion="5.4"``."""
    root = etree.Element(sr(local), nsmap=NSMAP)
    root.set("schemaVersion", SCHEMA_VERSION)
    return root


def add(parent: etree._Element, local: str, text: str | None = None) -> etree._Element:
    """Append ``<sr:local>text</sr:local>`` to ``parent`` and return it."""
    child = etree.SubElement(parent, sr(local))
    if text is not None:
        child.text = text
    return child


def to_bytes(root: etree._Element) -> bytes:
    """UTF-8 with an XML declaration and no indentation: the form that travels and is signed
    (the DCC's tools read DUIS with element-content whitespace ignored)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def readable(xml: bytes) -> bytes:
    """An indented copy of a DUIS document for people (evidence, logs); never signed or sent.

    A document that does not parse is returned unchanged.
    """
    try:
        root = parse_untrusted(xml)
    except (HostileXml, MalformedXml):
        return xml
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def elements(parent: etree._Element) -> Iterator[etree._Element]:
    """The element children only (no comments or processing instructions): lxml picks
    them out itself."""
    return parent.iterchildren(etree.Element)


@dataclass(frozen=True)
class Node:
    """An element with the path that reached it, so every complaint can say where."""

    element: etree._Element
    path: str

    @classmethod
    def root(cls, element: etree._Element) -> Node:
        return cls(element, "/" + prefixed(str(element.tag)))

    @property
    def local_name(self) -> str:
        return etree.QName(self.element).localname

    def _child(self, element: etree._Element) -> Node:
        return Node(element, f"{self.path}/{prefixed(str(element.tag))}")

    def children(self, local: str | None = None) -> list[Node]:
        """Element children, all or those named ``sr:local``."""
        found = self.element.iterchildren(etree.Element if local is None else sr(local))
        return [self._child(child) for child in found]

    def optional(self, local: str) -> Node | None:
        found = self.children(local)
        if len(found) > 1:
            raise DuisSchemaError(f"{self.path}: more than one sr:{local}")
        return found[0] if found else None

    def required(self, local: str) -> Node:
        found = self.optional(local)
        if found is None:
            raise DuisSchemaError(f"{self.path}: missing sr:{local}")
        return found

    def only_child(self) -> Node:
        found = self.children()
        if len(found) != 1:
            raise DuisSchemaError(f"{self.path}: expected one element, found {len(found)}")
        return found[0]

    def text(self) -> str:
        """The element's own character data, stripped (comments inside it are skipped)."""
        parts = [self.element.text or ""]
        parts += [child.tail or "" for child in self.element if not isinstance(child.tag, str)]
        return "".join(parts).strip()

    def optional_text(self, local: str) -> str | None:
        found = self.optional(local)
        return None if found is None else found.text()

    def required_text(self, local: str) -> str:
        return self.required(local).text()
