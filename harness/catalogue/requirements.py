"""The requirements catalogue (features/requirements.yaml): stable IDs, their sources, the
response codes they answer with. The one loader every part of the harness uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from harness import yaml_text
from harness.catalogue.tables import response_codes
from harness.errors import ConfigurationError

SEVERITIES = ("blocker", "critical", "normal", "minor", "trivial")
# fact: the rule is what a published source says (``basis`` quotes it);
# model: the sources leave it open and the harness chose (``basis`` gives the reasoning).
GRADES = ("fact", "model")


class CatalogueError(ConfigurationError):
    """The requirements catalogue cannot be read or is malformed."""


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Requirement:
    id: str
    document: str
    clause: str
    group: str
    title: str
    severity: str
    codes: tuple[str, ...] = ()
    testable: bool = True
    not_tested_because: str | None = None
    grade: str | None = None
    basis: str | None = None


@dataclass(frozen=True)
class Catalogue:
    source: Path
    documents: Mapping[str, Document]
    requirements: tuple[Requirement, ...]

    @cached_property
    def _by_id(self) -> dict[str, Requirement]:
        return {r.id: r for r in self.requirements}

    def get(self, requirement_id: str) -> Requirement | None:
        return self._by_id.get(requirement_id)

    def document_of(self, requirement: Requirement) -> Document | None:
        return self.documents.get(requirement.document)

    @property
    def groups(self) -> tuple[str, ...]:
        """Requirement groups in the order the catalogue first names them."""
        return tuple(dict.fromkeys(r.group for r in self.requirements))

    def in_group(self, group: str) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.group == group)


def load_catalogue(path: Path) -> Catalogue:
    """Parse and check the catalogue; every problem names the file and the entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(
            f"requirements catalogue {path} cannot be read ({exc.strerror or exc})"
        ) from None
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"requirements catalogue {path}: not UTF-8 ({exc.reason})") from None
    try:
        document = yaml_text.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise CatalogueError(
            f"requirements catalogue {path}: not valid YAML{where} ({problem})"
        ) from None
    if not isinstance(document, dict):
        raise CatalogueError(f"requirements catalogue {path}: expected a mapping at the top")
    documents = _documents(document.get("documents") or {}, path)
    rows = document.get("requirements")
    if not isinstance(rows, list) or not rows:
        raise CatalogueError(f"requirements catalogue {path}: 'requirements' must be a list")
    requirements: list[Requirement] = []
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        requirement = _requirement(row, index, path, documents)
        if requirement.id in seen:
            raise CatalogueError(f"{path}: requirement {requirement.id} is listed twice")
        seen.add(requirement.id)
        requirements.append(requirement)
    return Catalogue(source=path, documents=documents, requirements=tuple(requirements))


def _documents(raw: object, path: Path) -> dict[str, Document]:
    if not isinstance(raw, dict):
        raise CatalogueError(f"requirements catalogue {path}: 'documents' must be a mapping")
    documents: dict[str, Document] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
            raise CatalogueError(f"{path}: document {key} needs a 'title'")
        url = entry.get("url")
        if url is not None and not isinstance(url, str):
            raise CatalogueError(f"{path}: document {key}: 'url' must be text")
        documents[str(key)] = Document(key=str(key), title=entry["title"], url=url)
    return documents


def _requirement(
    row: object, index: int, path: Path, documents: Mapping[str, Document]
) -> Requirement:
    if not isinstance(row, dict):
        raise CatalogueError(f"{path}: requirement #{index} is not a mapping")
    where = f"{path}: requirement {row.get('id', f'#{index}')}"
    values: dict[str, str] = {}
    for key in ("id", "document", "clause", "group", "title", "severity"):
        value = row.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise CatalogueError(f"{where} has no '{key}'")
        values[key] = str(value).strip()
    if " " in values["id"]:
        raise CatalogueError(f"{where}: an ID has no spaces (it becomes a Gherkin tag)")
    if values["document"] not in documents:
        raise CatalogueError(f"{where} cites unknown document {values['document']!r}")
    if values["severity"] not in SEVERITIES:
        raise CatalogueError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    testable = _flag(row.get("testable", True), where)
    reason = row.get("not_tested_because")
    if reason is not None and not isinstance(reason, str):
        raise CatalogueError(f"{where}: 'not_tested_because' must be text")
    if not testable and not (reason and reason.strip()):
        raise CatalogueError(f"{where} is not testable but says nothing in 'not_tested_because'")
    grade, basis = _grade(row, where)
    return Requirement(
        id=values["id"],
        document=values["document"],
        clause=values["clause"],
        group=values["group"],
        title=values["title"],
        severity=values["severity"],
        codes=_codes(row.get("codes"), where),
        testable=testable,
        not_tested_because=reason.strip() if reason else None,
        grade=grade,
        basis=basis,
    )


def _grade(row: dict[str, Any], where: str) -> tuple[str | None, str | None]:
    grade, basis = row.get("grade"), row.get("basis")
    if grade is None and basis is None:
        return None, None
    if grade not in GRADES:
        raise CatalogueError(f"{where}: 'grade' must be one of {', '.join(GRADES)}")
    if not isinstance(basis, str) or not basis.strip():
        raise CatalogueError(
            f"{where}: a graded requirement says why in 'basis' (the source quoted, or the "
            "reasoning of the model)"
        )
    return grade, " ".join(basis.split())


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise CatalogueError(f"{where}: 'testable' must be true or false")
    return value


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: 'codes' must be a list")
    codes = tuple(str(code) for code in value)
    unknown = [code for code in codes if code not in response_codes()]
    if unknown:
        raise CatalogueError(
            f"{where}: codes {', '.join(unknown)} are not in the response-code table"
        )
    return codes
