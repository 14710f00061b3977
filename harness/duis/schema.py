"""The DUIS 5.4 XSD: where it lives, loading it once per process, validating against it.

The XSD is the DCC's published material, not part of this repository: it is found in
``$DSP_CONFORMANCE_DUIS_DIR`` or, failing that, in ``<repository>/../shared/duis``, as
``xsd/DUIS Schema V5.4.xsd`` next to the files it imports.

Validation is libxml2's (lxml), about 0.1 ms a request, with two corrections where libxml2
departs from XML Schema 1.0 Part 2 (:mod:`harness.duis.xsd_types`): every ``xs:base64Binary``
value of a document libxml2 accepts is checked again against the datatype's lexical space
(§3.2.16: libxml2 accepts some values outside it), and a document libxml2 refuses over an
``xs:anyURI`` value is judged again with those values the datatype's RFC 2396 syntax allows
set aside (§3.2.17: libxml2 applies RFC 3986, stricter). On the mutated DCC templates
where libxml2, ``xmlschema`` and Java's XSD engine disagree, the result is the answer the
XML Schema rules give (``tests/interop/test_schema_validators.py``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from copy import deepcopy as copy_tree
from pathlib import Path
from typing import cast

from lxml import etree

from harness.duis.errors import DuisSchemaError, SchemaUnavailable
from harness.duis.safe_xml import parse_untrusted
from harness.duis.xsd_types import (
    XS,
    base64_elements,
    base64_lexical,
    schema_documents,
    uri_attributes,
    uri_lexical,
)

ENV_VAR = "DSP_CONFORMANCE_DUIS_DIR"
SCHEMA_FILE = Path("xsd") / "DUIS Schema V5.4.xsd"
_REASON_LIMIT = 240

_lock = threading.Lock()
_loaded: dict[Path, DuisSchema] = {}


def duis_dir() -> Path:
    """The DUIS data directory (it may not exist: see :func:`schema_file`)."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    repository = Path(__file__).resolve().parents[2]
    return repository.parent / "shared" / "duis"


def schema_file(directory: Path | None = None) -> Path:
    """The XSD's path, or :class:`SchemaUnavailable` saying where it was looked for."""
    base = directory or duis_dir()
    path = base / SCHEMA_FILE
    if not path.is_file():
        raise SchemaUnavailable(
            f"the DUIS 5.4 XSD is not at {path}: set {ENV_VAR} to a directory holding "
            f"'{SCHEMA_FILE}' (the DCC's published DUIS schema and the files it imports)"
        )
    return path


def _sandboxed(path: Path) -> etree._ElementTree:
    """The XSD with its imports given as file URIs in its own directory (libxml2 reads a
    relative ``schemaLocation`` with a space as a URI and fails: "MMC Schema V5.4.xsd");
    an import from anywhere else is refused."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(str(path), parser)
    folder = path.parent.resolve()
    for reference in ("import", "include", "redefine"):
        for node in tree.getroot().iterfind(f"{{{XS}}}{reference}"):
            location = node.get("schemaLocation")
            if location is None:
                continue
            target = (folder / location).resolve()
            if "://" in location or target.parent != folder:
                raise SchemaUnavailable(
                    f"cannot load the DUIS XSD {path}: it imports {location!r}, outside {folder}"
                )
            node.set("schemaLocation", target.as_uri())
    return tree


def _one_line(text: str) -> str:
    reason = " ".join(text.split())
    return reason if len(reason) <= _REASON_LIMIT else reason[: _REASON_LIMIT - 1] + "…"


class DuisSchema:
    """A loaded DUIS XSD. Validation is serialised: one schema object, many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self.lxml_schema = etree.XMLSchema(_sandboxed(path))
            documents = schema_documents(path)
            self.base64_elements = base64_elements(documents)
            self.uri_attributes = uri_attributes(documents)
        except (etree.LxmlError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SchemaUnavailable(f"cannot load the DUIS XSD {path}: {first}") from None

    def first_error(self, root: etree._Element) -> str | None:
        """``path: reason`` of the first violation, or ``None`` when the tree is valid."""
        with self._lock:
            error = self._libxml2_error(root)
            if error is not None and "'xs:anyURI'" in error.message:
                error = self._libxml2_error(self._uris_set_aside(root))
        if error is not None:
            return f"{error.path or '/'}: {_one_line(error.message)}"
        for element in root.iter(*self.base64_elements):
            # the value of simple content: comments and processing instructions are not part
            # of it (their tails are)
            value = (element.text or "") + "".join(child.tail or "" for child in element)
            if not base64_lexical(value):
                path = element.getroottree().getpath(element)
                shown = _one_line(repr(value)[:60])
                return f"{path}: {shown} is not in the lexical space of xs:base64Binary"
        return None

    def _libxml2_error(self, root: etree._Element) -> etree._LogEntry | None:
        if self.lxml_schema.validate(root):
            return None
        # the log lists every violation found, in document order (the stubs omit __iter__)
        errors = list(cast(Iterable[etree._LogEntry], self.lxml_schema.error_log))
        return errors[0] if errors else None

    def _uris_set_aside(self, root: etree._Element) -> etree._Element:
        """A copy with every ``xs:anyURI`` attribute value XML Schema 1.0 allows replaced by
        one libxml2 accepts too: what is left for libxml2 to refuse is really invalid."""
        copy = copy_tree(root)
        for element in copy.iter():
            for name in self.uri_attributes.intersection(element.attrib):
                if uri_lexical(str(element.attrib[name])):
                    element.attrib[name] = "urn:x"
        return copy

    def validate(self, root: etree._Element) -> None:
        problem = self.first_error(root)
        if problem is not None:
            raise DuisSchemaError(f"not valid DUIS 5.4: {problem}")


def load_schema(directory: Path | None = None) -> DuisSchema:
    """The DUIS schema, loaded on first use (about 50 ms) and shared by the process."""
    path = schema_file(directory).resolve()
    with _lock:
        schema = _loaded.get(path)
        if schema is None:
            schema = DuisSchema(path)
            _loaded[path] = schema
        return schema


def validate(xml: bytes | etree._Element, directory: Path | None = None) -> None:
    """Raise :class:`DuisSchemaError` (first error's path and reason) unless ``xml`` is
    valid DUIS 5.4. Bytes are parsed with the safe parser first."""
    root = parse_untrusted(xml) if isinstance(xml, bytes) else xml
    load_schema(directory).validate(root)
