"""The requirements catalogue (features/requirements.yaml): stable IDs, sources, codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.catalogue.tables import response_codes
from harness.errors import ConfigurationError

SEVERITIES = ("blocker", "critical", "normal", "minor", "trivial")


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Requirement:
    id: str
    document: Document
    clause: str
    group: str
    title: str
    severity: str
    codes: tuple[str, ...]
    testable: bool = True
    not_tested_because: str = ""

    @property
    def source(self) -> str:
        return f"{self.document.title}, {self.clause}"


@dataclass(frozen=True)
class Catalogue:
    requirements: dict[str, Requirement]
    documents: dict[str, Document]

    def get(self, requirement_id: str) -> Requirement | None:
        return self.requirements.get(requirement_id)


def load_catalogue(path: Path) -> Catalogue:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the catalogue: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("requirements"), list):
        raise ConfigurationError(f"{path}: expected 'documents' and a 'requirements' list")
    documents = {
        key: Document(key, str(doc["title"]), str(doc["url"]))
        for key, doc in (data.get("documents") or {}).items()
    }
    known_codes = response_codes()
    requirements: dict[str, Requirement] = {}
    for index, row in enumerate(data["requirements"], start=1):
        where = f"{path}: requirement {index}"
        try:
            rid = str(row["id"])
            if " " in rid:
                raise ConfigurationError(f"{where}: ID {rid!r} contains a space")
            if rid in requirements:
                raise ConfigurationError(f"{where}: duplicate ID {rid}")
            document = documents.get(str(row["document"]))
            if document is None:
                raise ConfigurationError(f"{where} ({rid}): unknown document {row['document']!r}")
            severity = str(row.get("severity", "normal"))
            if severity not in SEVERITIES:
                raise ConfigurationError(
                    f"{where} ({rid}): severity {severity!r} not one of {SEVERITIES}"
                )
            codes = tuple(str(c) for c in row.get("codes", []))
            unknown = [c for c in codes if c not in known_codes]
            if unknown:
                raise ConfigurationError(
                    f"{where} ({rid}): codes {unknown} are not in the response-code table"
                )
            testable = bool(row.get("testable", True))
            reason = str(row.get("not_tested_because", "")).strip()
            if not testable and not reason:
                raise ConfigurationError(f"{where} ({rid}): untestable without not_tested_because")
            requirements[rid] = Requirement(
                id=rid,
                document=document,
                clause=str(row["clause"]),
                group=str(row["group"]),
                title=str(row["title"]),
                severity=severity,
                codes=codes,
                testable=testable,
                not_tested_because=reason,
            )
        except KeyError as exc:
            raise ConfigurationError(f"{where}: missing field {exc.args[0]!r}") from None
    return Catalogue(requirements, documents)
