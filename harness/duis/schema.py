"""The DUIS 5.4 XSD: where it lives, loading it once per process, validating against it.

The XSD is the DCC's published material, not part of this repository: it is found in
``$DSP_CONFORMANCE_DUIS_DIR`` or, failing that, in ``<repository>/../shared/duis``, as
``xsd/DUIS Schema V5.4.xsd`` next to the files it imports.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from lxml import etree

from harness.duis.errors import DuisSchemaError, SchemaUnavailable
from harness.duis.safe_xml import parse_untrusted

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


def _xmlschema() -> Any:
    """xmlschema, imported on first use: it takes a quarter of a second, and most commands
    that import this module (for :func:`duis_dir`) never validate anything."""
    import xmlschema

    return xmlschema


class DuisSchema:
    """A loaded DUIS XSD. Validation is serialised: one schema object, many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            # "sandbox": the XSD may only import files from its own directory.
            self._schema: Any = _xmlschema().XMLSchema(str(path), allow="sandbox")
        except (_xmlschema().XMLSchemaException, OSError, etree.LxmlError, SyntaxError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SchemaUnavailable(f"cannot load the DUIS XSD {path}: {first}") from None

    def first_error(self, root: etree._Element) -> str | None:
        """``path: reason`` of the first violation, or ``None`` when the tree is valid."""
        resource = _xmlschema().XMLResource(root, allow="none")
        with self._lock:
            error = next(iter(self._schema.iter_errors(resource)), None)
        if error is None:
            return None
        reason = " ".join(str(error.reason or error.message).split())
        if len(reason) > _REASON_LIMIT:
            reason = reason[: _REASON_LIMIT - 1] + "…"
        return f"{error.path or '/'}: {reason}"

    def validate(self, root: etree._Element) -> None:
        problem = self.first_error(root)
        if problem is not None:
            raise DuisSchemaError(f"not valid DUIS 5.4: {problem}")


def load_schema(directory: Path | None = None) -> DuisSchema:
    """The DUIS schema, loaded on first use (about a second) and shared by the process."""
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
