"""Read an Allure results directory into a :class:`ResultSet` of frozen result records.

The directory is written by allure-pytest-bdd or allure-behave (2.16): one ``*-result.json`` per
scenario run, ``*-container.json`` for fixtures, attachments, and optionally
``environment.properties`` and ``executor.json``. Each result is read by the one reader of
results (:func:`harness.results.record.read_record`); the verdict and the expected outcome are
the ones the World recorded. Anything unreadable is reported as a :class:`ResultsError` naming
the file, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from harness.report.environment import RunEnvironment, read_environment
from harness.report.errors import ResultsError
from harness.results.record import (
    UNSPECIFIED,
    Attachment,
    Lane,
    RecordError,
    ResultRecord,
    Run,
    ScenarioKey,
    attachments_of,
    load_document,
    read_record,
)


@dataclass(frozen=True)
class ResultSet:
    """Every scenario result of a directory; repeated runs keep only the latest.

    The views below (profiles, targets, runs, period) are worked out once and kept.
    """

    directory: Path
    scenarios: tuple[ResultRecord, ...]
    environment: RunEnvironment = field(default_factory=RunEnvironment)
    superseded: int = 0  # earlier attempts (retries) dropped in favour of a later one

    @cached_property
    def profiles(self) -> tuple[str, ...]:
        return order_profiles(s.profile for s in self.scenarios)

    @cached_property
    def targets(self) -> tuple[str, ...]:
        return tuple(sorted({s.target for s in self.scenarios}))

    @cached_property
    def lanes(self) -> tuple[Lane, ...]:
        return tuple(sorted({s.run.lane for s in self.scenarios}))

    @cached_property
    def several_runners(self) -> bool:
        return len({lane.runner for lane in self.lanes}) > 1

    def lane_label(self, lane: Lane) -> str:
        """The target, plus the runner when results from several runners are mixed."""
        return lane.label(with_runner=self.several_runners)

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """Every (profile, lane) that has results: profiles in report order, then lanes."""
        position = {profile: i for i, profile in enumerate(self.profiles)}
        found = {s.run for s in self.scenarios}
        return tuple(sorted(found, key=lambda r: (position[r.profile], r.lane)))

    @cached_property
    def period(self) -> tuple[int, int] | None:
        starts = [s.start for s in self.scenarios if s.start is not None]
        stops = [s.stop for s in self.scenarios if s.stop is not None]
        if not starts or not stops:
            return None
        return min(starts), max(stops)


def order_profiles(profiles: Iterable[str]) -> tuple[str, ...]:
    """``baseline`` first (it is what a modification is compared against), then by name."""
    unique = set(profiles)
    return tuple(sorted(unique, key=lambda p: (p != "baseline", p == UNSPECIFIED, p)))


# --- reading ---------------------------------------------------------------------------------


def read_results(directory: Path) -> ResultSet:
    """Read every ``*-result.json`` in ``directory``.

    Raises :class:`ResultsError` when the directory is missing, holds no results, or a file in it
    is not readable JSON of the expected shape.
    """
    directory = Path(directory)
    if not directory.exists():
        raise ResultsError(f"results directory {directory} does not exist")
    if not directory.is_dir():
        raise ResultsError(f"results directory {directory} is not a directory")
    result_files = sorted(directory.glob("*-result.json"))
    if not result_files:
        raise ResultsError(
            f"results directory {directory} holds no *-result.json files; "
            "run the scenarios with --alluredir pointing at it first"
        )
    fixture_attachments = _container_attachments(sorted(directory.glob("*-container.json")))
    latest: dict[tuple[ScenarioKey, Run], ResultRecord] = {}
    superseded = 0
    for path in result_files:
        result = _parse_result(path, _load_json_object(path), fixture_attachments)
        slot = (result.key, result.run)
        earlier = latest.get(slot)
        if earlier is not None:
            superseded += 1
            if _recency(earlier) > _recency(result):
                continue
        latest[slot] = result
    scenarios = tuple(
        sorted(latest.values(), key=lambda s: (s.feature, s.name, s.key, s.profile, s.target))
    )
    return ResultSet(
        directory=directory,
        scenarios=scenarios,
        environment=read_environment(directory),
        superseded=superseded,
    )


def _recency(result: ResultRecord) -> tuple[int, str]:
    return (result.stop or result.start or 0, result.source)


def _load_json_object(path: Path) -> Mapping[str, Any]:
    try:
        return load_document(path)
    except RecordError as exc:
        raise ResultsError(str(exc)) from None


def _parse_result(
    path: Path,
    document: Mapping[str, Any],
    fixture_attachments: Mapping[str, tuple[Attachment, ...]],
) -> ResultRecord:
    uuid = document.get("uuid")
    extra = fixture_attachments.get(uuid, ()) if isinstance(uuid, str) else ()
    try:
        return read_record(document, where=str(path), extra_attachments=extra)
    except RecordError as exc:
        raise ResultsError(str(exc)) from None


def _container_attachments(paths: list[Path]) -> dict[str, tuple[Attachment, ...]]:
    """Attachments of before/after fixtures, keyed by the uuid of each result they wrap."""
    by_child: dict[str, list[Attachment]] = {}
    for path in paths:
        document = _load_json_object(path)
        found: list[Attachment] = []
        for phase in ("befores", "afters"):
            fixtures = document.get(phase) or []
            if not isinstance(fixtures, list):
                raise ResultsError(f"{path}: '{phase}' should be a list")
            for fixture in fixtures:
                if isinstance(fixture, dict):
                    found.extend(_fixture_attachments(fixture, path))
        children = document.get("children") or []
        if not isinstance(children, list):
            raise ResultsError(f"{path}: 'children' should be a list")
        if found:
            for child in children:
                if isinstance(child, str):
                    by_child.setdefault(child, []).extend(found)
    return {child: tuple(items) for child, items in by_child.items()}


def _fixture_attachments(fixture: Mapping[str, Any], path: Path) -> list[Attachment]:
    try:
        return list(attachments_of(fixture, str(path)))
    except RecordError as exc:
        raise ResultsError(str(exc)) from None


__all__ = [
    "UNSPECIFIED",
    "Lane",
    "ResultSet",
    "Run",
    "RunEnvironment",
    "read_results",
]
