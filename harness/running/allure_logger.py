"""Enrichment inside the runner process, as each result is written.

Both Allure plugins hand every result, container and attachment to a file logger
(``allure_commons.logger.AllureFileLogger``). :class:`EnrichingFileLogger` takes its place
when ``$DSP_CONFORMANCE_ENRICHMENT`` names an :class:`EnrichmentJob` (written by
``dsp-conformance run``): each result is completed (``harness/running/enrich.py``) before it
is written, the World's outcome is folded in (handed over in memory by
:meth:`EnrichingFileLogger.take_outcome`, so no file is written for it; an outcome
attachment another writer left is read as ``enrich`` would), and the completed document is
also appended as one line to the job's records, which the CLI reads instead of the results
folder. The files and records are written by a writer process, in the order handed over
(``harness/running/result_writer.py``). Without the variable it is Allure's logger,
unchanged.

A result that cannot be completed (an outcome attachment the harness did not write) is
written as the runner reported it, and the records say why, so the CLI stops with one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

import orjson
from allure_commons import hookimpl
from allure_commons.logger import INDENT, AllureFileLogger

from harness.errors import ConfigurationError
from harness.results.outcome import OUTCOME_ATTACHMENT, OUTCOME_KEY, ScenarioOutcome
from harness.results.record import attachments_of
from harness.results.writer import fold_outcome, write_outcome
from harness.running.allure_json import dumps, plain
from harness.running.enrich import EnrichmentIndex, enrich_result
from harness.running.records import ENV_ENRICHMENT, FILE_KEY, RECORD_ERROR, EnrichmentJob
from harness.running.result_writer import ResultWriter


def file_logger(report_dir: str | Path, clean: bool = False) -> AllureFileLogger:
    """The file logger a runner process should use: enriching when the CLI asked for it."""
    job = os.environ.get(ENV_ENRICHMENT)
    if not job:
        return AllureFileLogger(report_dir, clean)  # type: ignore[no-untyped-call]
    return EnrichingFileLogger(report_dir, EnrichmentJob.read(Path(job)), clean)


class EnrichingFileLogger(AllureFileLogger):
    def __init__(self, report_dir: str | Path, job: EnrichmentJob, clean: bool = False) -> None:
        super().__init__(report_dir, clean)  # type: ignore[no-untyped-call]
        self._job = job
        # a path joined as text: 2 files a scenario
        self._writer = ResultWriter(os.fspath(self._report_dir), job.records)
        self._index: EnrichmentIndex | None = None
        self._attached: dict[str, str | bytes] = {}  # the current test's JSON attachments
        self._outcome: ScenarioOutcome | None = None  # the current test's, handed over

    @property
    def index(self) -> EnrichmentIndex:
        if self._index is None:
            try:
                data = json.loads(self._job.index.read_text(encoding="utf-8"))
                self._index = EnrichmentIndex.from_json(data)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ConfigurationError(
                    f"{self._job.index}: not an enrichment index: {exc}"
                ) from None
        return self._index

    def drain(self) -> None:
        """Return once every file and record handed to the writer is written."""
        self._writer.drain()

    def take_outcome(self, outcome: ScenarioOutcome) -> None:
        """The World's outcome for the test being run (``OUTCOME_SINK``): the last one
        handed over before its result is the one written into it."""
        self._outcome = outcome

    @hookimpl
    def report_attached_data(self, body: str | bytes, file_name: str) -> None:
        # its record is flushed with the result (or container) that names it
        content = body.encode("utf-8") if isinstance(body, str) else body
        self._write(file_name, content, flush=False, in_place=True)
        if file_name.endswith(".json"):
            self._attached[file_name] = body

    @hookimpl
    def report_attached_file(self, source: str, file_name: str) -> None:
        super().report_attached_file(source, file_name)  # type: ignore[no-untyped-call]
        with open(source, "rb") as handle:
            self._record_file(file_name, hashlib.file_digest(handle, "sha256").hexdigest())

    @hookimpl
    def report_container(self, container: Any) -> None:
        name = container.file_pattern.format(prefix=uuid.uuid4())
        if os.environ.get("ALLURE_INDENT_OUTPUT"):  # as Allure does
            content = json.dumps(plain(container), indent=INDENT, ensure_ascii=False).encode()
        else:
            content = dumps(plain(container))
        self._write(name, content)

    @hookimpl
    def report_result(self, result: Any) -> None:
        data: dict[str, Any] = plain(result)
        try:
            outcome = self._fold(data)
            document = enrich_result(data, self.index, self._job.run, outcome)
        except (ValueError, ConfigurationError) as exc:
            self._write_result(result, dumps(data))
            self._record(dumps({RECORD_ERROR: f"{data.get('name', '?')}: {exc}"}))
            return
        finally:
            self._attached.clear()
            self._outcome = None
        line = dumps(document)
        self._write_result(result, line)
        self._record(line)

    def _fold(self, data: dict[str, Any]) -> ScenarioOutcome | None:
        """The World's outcome into the document: handed over, or from an attachment."""
        if self._outcome is not None:
            write_outcome(data, self._outcome)
            return self._outcome
        found = [a for a in attachments_of(data, "result") if a.name == OUTCOME_ATTACHMENT]
        if not found:
            return None
        body = self._attached.get(found[-1].source)
        if body is None:  # not seen by this logger: read it as a pass afterwards would
            if not fold_outcome(data, self._report_dir):
                return None
            return ScenarioOutcome.from_json(data[OUTCOME_KEY])
        outcome = ScenarioOutcome.from_json(orjson.loads(body))
        write_outcome(data, outcome)
        return outcome

    def _write_result(self, result: Any, content: bytes) -> None:
        # the record that follows it (the document, or why it could not be) flushes both
        name = result.file_pattern.format(prefix=uuid.uuid4())
        self._write(name, content, flush=False)

    def _write(self, name: str, content: bytes, flush: bool = True, in_place: bool = False) -> None:
        """As Allure writes a file (a temporary file renamed into place), its hash recorded:
        by the writer process (``harness/running/result_writer.py``). ``in_place``: an
        attachment is written under its own name, no rename: nothing reads it before the
        result that names it, which is written after it (and renamed)."""
        self._writer.file(name, content, in_place=in_place, flush=flush)

    def _record_file(self, name: str, sha256: str, flush: bool = True) -> None:
        self._record(orjson.dumps({FILE_KEY: name, "sha256": sha256}), flush)

    def _record(self, line: bytes, flush: bool = True) -> None:
        self._writer.record(line, flush=flush)
