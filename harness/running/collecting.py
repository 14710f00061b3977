"""The CLI's side of a runner's records: each completed result read into a
:class:`ResultRecord` while the runner still runs (:func:`harness.running.runners.run_job`
calls :meth:`Collector.tick`), the rest when it has ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import ConfigurationError
from harness.results.record import RecordError, ResultRecord, read_record
from harness.running.records import RecordsReader


class Collector:
    """The records of one runner job, as :class:`ResultRecord` values in the order written.

    :meth:`tick` never raises (it runs inside the wait for the runner, which an error would
    end by killing the runner): a document that is not a result is left for :meth:`finish`,
    which says what is wrong with it in one line."""

    def __init__(self, folder: Path) -> None:
        self._reader = RecordsReader(folder)
        self._records: list[ResultRecord] = []
        self._pending: list[dict[str, Any]] = []  # read, not yet made into records

    @property
    def files(self) -> dict[str, str]:
        """File name in the results folder → SHA-256, as the runner wrote it."""
        return self._reader.files

    def tick(self) -> None:
        self._pending += self._reader.poll()
        if self._pending:
            self._convert(raising=False)

    def finish(self) -> list[ResultRecord]:
        self._pending += self._reader.finish()
        self._convert(raising=True)
        return self._records

    def _convert(self, *, raising: bool) -> None:
        done = 0
        try:
            for document in self._pending:
                self._records.append(read_record(document))
                done += 1
        except RecordError as exc:
            if raising:
                raise ConfigurationError(
                    f"a runner recorded a result that is not one: {exc}"
                ) from None
        finally:
            del self._pending[:done]
