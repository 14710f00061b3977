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
    reader = RecordsReader(folder)
    return Records(reader.finish(), reader.files)


class RecordsReader:
    """Reads the records runner processes append to ``folder`` while they run: the CLI parses
    them as they come (on a core the runner does not use) instead of all at once after the
    run. A runner flushes whole lines; a line without its end is read only by :meth:`finish`
    (the runner was killed mid-line: an error there, as it would be afterwards). A problem in
    a record is kept for :meth:`finish`, so that the runner is never stopped by its reader."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._read: dict[Path, tuple[int, int]] = {}  # file → (bytes consumed, lines consumed)
        self._documents: list[dict[str, Any]] = []
        self._taken = 0
        self._problem: str | None = None
        self.files: dict[str, str] = {}  # file name in the results folder → SHA-256

    def poll(self) -> list[dict[str, Any]]:
        """The completed results recorded since the last call (or since the start)."""
        self._consume(whole_lines_only=True)
        return self._take()

    def finish(self) -> list[dict[str, Any]]:
        """Everything not taken yet, once the runners have ended; ConfigurationError if a
        record could not be read or says a result could not be completed."""
        self._consume(whole_lines_only=False)
        if self._problem is not None:
            raise ConfigurationError(self._problem)
        return self._take()

    def _take(self) -> list[dict[str, Any]]:
        new = self._documents[self._taken :]
        self._taken = len(self._documents)
        return new

    def _consume(self, *, whole_lines_only: bool) -> None:
        paths = sorted(self._folder.glob("records-*.jsonl")) if self._folder.is_dir() else []
        for path in paths:
            offset, number = self._read.get(path, (0, 0))
            with path.open("rb") as file:
                file.seek(offset)
                data = file.read()
            end = data.rfind(b"\n") + 1 if whole_lines_only else len(data)
            for line in data[:end].splitlines():
                number += 1
                self._take_line(path, number, line)
            self._read[path] = (offset + end, number)

    def _take_line(self, path: Path, number: int, line: bytes) -> None:
        if self._problem is not None:
            return  # the first problem is the one reported; nothing after it is used
        try:
            document = orjson.loads(line)  # a 2,000-result run holds ~7 MB of records
        except ValueError as exc:
            self._problem = f"{path}:{number}: cannot read a result record: {exc}"
            return
        if FILE_KEY in document:
            self.files[str(document[FILE_KEY])] = str(document["sha256"])
        elif RECORD_ERROR in document:
            self._problem = f"cannot complete an Allure result: {document[RECORD_ERROR]}"
        else:
            self._documents.append(document)
