"""What the CLI and a runner process exchange for enrichment as results are written
(``harness/running/allure_logger.py``): the job the CLI hands over, and the records the runner
appends, one completed result document per line. Kept apart from the logger so that the CLI
does not import Allure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from harness.errors import ConfigurationError
from harness.running.enrich import RunIdentity

ENV_ENRICHMENT = "DSP_CONFORMANCE_ENRICHMENT"
"""The path of an :class:`EnrichmentJob` (JSON); unset, results are written as Allure does."""

RECORD_ERROR = "harnessEnrichmentError"
"""The key of a record that says why a result could not be completed."""

FILE_KEY = "harnessFile"
"""The key of a record that names a file the runner wrote, with the SHA-256 of its bytes (the
evidence manifest takes it from there instead of reading the file back)."""


@dataclass(frozen=True)
class EnrichmentJob:
    """What a runner process needs to complete its results: the index of the suite (a JSON
    file, shared by the profiles of a run), the run's identity, where to append records."""

    index: Path
    run: RunIdentity
    records: Path  # a folder: one records-<pid>.jsonl per runner process (xdist workers)

    def write(self, path: Path) -> Path:
        document = {"index": str(self.index), "run": self.run.to_json()}
        document["records"] = str(self.records)
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> EnrichmentJob:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                Path(data["index"]), RunIdentity.from_json(data["run"]), Path(data["records"])
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(
                f"${ENV_ENRICHMENT} {path}: not an enrichment job: {exc}"
            ) from None


@dataclass(frozen=True)
class Records:
    documents: list[dict[str, Any]]  # the completed results, in the order written
    files: dict[str, str]  # file name in the results folder → SHA-256, as written


def read_records(folder: Path) -> Records:
    """What the runner processes recorded in ``folder``."""
    records = Records([], {})
    for path in sorted(folder.glob("records-*.jsonl")) if folder.is_dir() else []:
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            try:
                document = orjson.loads(line)  # a 2,000-result run holds ~10 MB of records
            except ValueError as exc:
                raise ConfigurationError(
                    f"{path}:{number}: cannot read a result record: {exc}"
                ) from None
            if FILE_KEY in document:
                records.files[str(document[FILE_KEY])] = str(document["sha256"])
                continue
            if RECORD_ERROR in document:
                raise ConfigurationError(
                    f"cannot complete an Allure result: {document[RECORD_ERROR]}"
                )
            records.documents.append(document)
    return records
