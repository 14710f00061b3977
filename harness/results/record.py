"""The frozen record of one scenario result, read from an Allure result document.

Every reader of results (the CLI's verdicts and JUnit, shard merging, the kill matrix, the
reports) goes through :func:`read_record`. The verdict and the expected and observed outcomes
come from the structured outcome the World wrote (:mod:`harness.results.outcome`); results the
harness did not write (no such outcome) fall back to their Allure status.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.appraisal_roles import AppraisalRole, read_role
from harness.results.outcome import OUTCOME_KEY, ScenarioOutcome, StatedOutcome
from harness.results.verdict import ALLURE_STATUSES, Verdict

UNSPECIFIED = "unspecified"
"""Profile or target of a result that carries no such parameter."""

NO_FEATURE = "(no feature)"
REQUIREMENT_TAG_PREFIX = "req:"
RUN_PARAMETERS = ("profile", "target", "runner")
SCENARIO_KEY = "harnessScenario"


class RecordError(ValueError):
    """A result document is not of the shape Allure writes; the message names the problem."""


@dataclass(frozen=True, order=True)
class Lane:
    """Where a scenario ran: the target, and the runner when the results name one."""

    target: str
    runner: str = ""

    def label(self, *, with_runner: bool) -> str:
        return f"{self.target} ({self.runner})" if with_runner and self.runner else self.target


@dataclass(frozen=True, order=True)
class Run:
    """One profile on one lane: the unit results are counted and compared in."""

    profile: str
    target: str
    runner: str = ""

    @property
    def lane(self) -> Lane:
        return Lane(self.target, self.runner)


@dataclass(frozen=True)
class Attachment:
    name: str
    source: str  # file name inside the results directory
    type: str | None = None


@dataclass(frozen=True, order=True)
class ScenarioKey:
    """What makes two results 'the same scenario' across profiles, targets and runners."""

    full_name: str
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ResultRecord:
    """One scenario (or outline example) run under one profile, against one target, by one
    runner."""

    name: str
    full_name: str
    feature: str
    status: str  # the Allure status as written
    verdict: Verdict
    profile: str
    target: str
    requirements: tuple[str, ...]
    message: str = ""
    description: str = ""
    outcome: ScenarioOutcome | None = None  # as the World recorded it
    runner: str = ""
    start: int | None = None  # milliseconds since the epoch
    stop: int | None = None
    attachments: tuple[Attachment, ...] = ()  # the evidence
    parameters: tuple[tuple[str, str], ...] = ()  # an outline's example, without run parameters
    severity: str | None = None
    story: str | None = None
    tags: tuple[str, ...] = ()
    uuid: str = ""
    history_id: str = ""
    source: str = ""  # the result file's name
    feature_file: str = ""
    line: int | None = None

    @property
    def run(self) -> Run:
        return Run(self.profile, self.target, self.runner)

    @property
    def key(self) -> ScenarioKey:
        return ScenarioKey(self.full_name or self.name, self.parameters)

    @property
    def example(self) -> str:
        """An outline example's values, ``name=value, …`` (empty for a plain scenario)."""
        return ", ".join(f"{k}={v}" for k, v in self.parameters)

    @property
    def title(self) -> str:
        """The name a person reads: the scenario name plus any example parameters."""
        return f"{self.name} [{self.example}]" if self.parameters else self.name

    @property
    def expected(self) -> StatedOutcome | None:
        return self.outcome.expected if self.outcome else None

    @property
    def required(self) -> StatedOutcome | None:
        """The outcome this run's profile requires, when the scenario states one per profile."""
        return self.expected if self.outcome is not None and self.outcome.by_profile else None

    @property
    def role(self) -> AppraisalRole | None:
        """Its role in the options appraisal under this run's profile, as declared."""
        return read_role(self.tags, self.expected.effect if self.expected else None)

    @property
    def observed(self) -> StatedOutcome | None:
        return self.outcome.observed if self.outcome else None

    @property
    def reason(self) -> str:
        """Why it failed, broke or was not applicable (one line)."""
        if self.outcome is not None and self.outcome.reason:
            return first_line(self.outcome.reason)
        return first_line(self.message)

    @property
    def reason_group(self) -> str:
        """The reason without run-specific detail, to count results by."""
        if self.outcome is not None and self.outcome.reason_group:
            return self.outcome.reason_group
        return self.reason or "no reason given"

    @property
    def duration_ms(self) -> int:
        if self.start is None or self.stop is None:
            return 0
        return max(self.stop - self.start, 0)


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def read_record(
    document: Mapping[str, Any],
    *,
    where: str = "result",
    extra_attachments: tuple[Attachment, ...] = (),
) -> ResultRecord:
    """The record of one ``*-result.json`` document; :class:`RecordError` when it is not of
    the shape Allure writes."""
    name = _text(document, "name", where)
    if not name:
        raise RecordError(f"{where}: the result has no 'name'")
    status = _text(document, "status", where) or "unknown"
    if status not in ALLURE_STATUSES:
        raise RecordError(f"{where}: unknown status {status!r}")
    labels = _pairs(document.get("labels"), "labels", where)
    parameters = _parameters(document.get("parameters"), where)
    details = document.get("statusDetails") or {}
    if not isinstance(details, dict):
        raise RecordError(f"{where}: 'statusDetails' is not an object")
    outcome = _outcome(document.get(OUTCOME_KEY), where)
    profile = parameters.pop("profile", None) or _label(labels, "profile") or UNSPECIFIED
    target = parameters.pop("target", None) or _label(labels, "target") or UNSPECIFIED
    runner = parameters.pop("runner", None) or ""
    scenario = document.get(SCENARIO_KEY)
    scenario = scenario if isinstance(scenario, Mapping) else {}
    line = scenario.get("line")
    return ResultRecord(
        name=name,
        full_name=_text(document, "fullName", where) or name,
        feature=_feature(labels, document.get("titlePath")),
        status=status,
        verdict=outcome.verdict if outcome else Verdict.from_status(status),
        profile=profile,
        target=target,
        requirements=_requirements(labels, document.get("links"), where),
        message=str(details.get("message") or ""),
        description=_text(document, "description", where),
        outcome=outcome,
        runner=runner,
        start=_millis(document.get("start"), "start", where),
        stop=_millis(document.get("stop"), "stop", where),
        attachments=tuple(attachments_of(document, where)) + extra_attachments,
        parameters=tuple(parameters.items()),
        severity=_label(labels, "severity"),
        story=_label(labels, "story"),
        tags=tuple(value for key, value in labels if key == "tag"),
        uuid=_text(document, "uuid", where),
        history_id=_text(document, "historyId", where),
        source=where,
        feature_file=str(scenario.get("file") or ""),
        line=line if isinstance(line, int) else None,
    )


def _outcome(value: object, where: str) -> ScenarioOutcome | None:
    if value is None:
        return None
    try:
        return ScenarioOutcome.from_json(value)
    except ValueError as exc:
        raise RecordError(f"{where}: '{OUTCOME_KEY}' is not a harness outcome: {exc}") from None


def _text(document: Mapping[str, Any], key: str, where: str) -> str:
    value = document.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{where}: '{key}' should be text, found {type(value).__name__}")
    return value


def _millis(value: object, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"{where}: '{key}' should be a number of milliseconds")
    return int(value)


def _pairs(value: object, key: str, where: str) -> list[tuple[str, str]]:
    """A list of ``{"name": ..., "value": ...}`` objects, as labels and parameters are."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{where}: '{key}' should be a list")
    pairs = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise RecordError(f"{where}: every entry of '{key}' needs a 'name'")
        raw = item.get("value")
        pairs.append((item["name"], "" if raw is None else str(raw)))
    return pairs


def _parameters(value: object, where: str) -> dict[str, str]:
    """Parameters by name (first one wins: pytest may repeat a fixture parameter)."""
    found: dict[str, str] = {}
    for name, raw in _pairs(value, "parameters", where):
        found.setdefault(name, unquote(raw))
    return found


_ESCAPED_OR_BROKEN = frozenset("\\\n\r")


def unquote(raw: str) -> str:
    """allure-python writes ``repr(value)``: ``'baseline'`` for the string ``baseline``."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        if raw[0] not in inner and not _ESCAPED_OR_BROKEN.intersection(inner):
            return inner  # no escape, quote or line break inside: the text itself
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return raw
        if isinstance(value, str):
            return value
    return raw


def _label(labels: list[tuple[str, str]], name: str) -> str | None:
    for key, value in labels:
        if key == name and value:
            return value
    return None


def _feature(labels: list[tuple[str, str]], title_path: object) -> str:
    for name in ("feature", "parentSuite", "suite"):
        value = _label(labels, name)
        if value:
            return value
    if isinstance(title_path, list) and title_path and isinstance(title_path[0], str):
        return title_path[0]
    return NO_FEATURE


def _requirements(labels: list[tuple[str, str]], links: object, where: str) -> tuple[str, ...]:
    """Requirement IDs from ``requirement`` labels, ``req:`` tags and requirement links."""
    found: list[str] = []
    for key, value in labels:
        if key == "requirement":
            found.append(value.strip())
        elif key == "tag" and value.startswith(REQUIREMENT_TAG_PREFIX):
            found.append(value[len(REQUIREMENT_TAG_PREFIX) :].strip())
    if links is not None:
        if not isinstance(links, list):
            raise RecordError(f"{where}: 'links' should be a list")
        for link in links:
            if isinstance(link, dict) and link.get("type") == "requirement":
                name = link.get("name")
                if isinstance(name, str) and name.strip():
                    found.append(name.split()[0])  # "DP107-deadlock — DP107 §2 …" names one ID
    return tuple(dict.fromkeys(r for r in found if r))


def attachments_of(node: Mapping[str, Any], where: str) -> Iterator[Attachment]:
    """Attachments of a result or fixture and of all its steps, depth first."""
    raw = node.get("attachments") or []
    if not isinstance(raw, list):
        raise RecordError(f"{where}: 'attachments' should be a list")
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            raise RecordError(f"{where}: an attachment has no 'source'")
        kind = item.get("type")
        yield Attachment(
            name=str(item.get("name") or item["source"]),
            source=item["source"],
            type=kind if isinstance(kind, str) else None,
        )
    steps = node.get("steps") or []
    if not isinstance(steps, list):
        raise RecordError(f"{where}: 'steps' should be a list")
    for step in steps:
        if isinstance(step, dict):
            yield from attachments_of(step, where)


def read_record_file(path: Path) -> ResultRecord:
    """Read and check one result file; :class:`RecordError` names the file."""
    return read_record(load_document(path), where=str(path))


def load_document(path: Path) -> dict[str, Any]:
    """A JSON object from a file; :class:`RecordError` names the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise RecordError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(document, dict):
        raise RecordError(f"{path}: expected a JSON object, found {type(document).__name__}")
    return document
