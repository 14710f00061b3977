"""Read an Allure results directory into plain, frozen values.

The directory is written by allure-pytest-bdd or allure-behave (2.16): one ``*-result.json`` per
scenario run, ``*-container.json`` for fixtures, attachments, and optionally
``environment.properties`` and ``executor.json``. Each scenario result carries ``profile`` and
``target`` parameters; one directory may hold several of each. Anything unreadable is reported as
a :class:`ResultsError` naming the file, never as a traceback.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any

from harness.report.errors import ResultsError

UNSPECIFIED = "unspecified"
"""Profile or target of a result that carries no such parameter."""

NO_FEATURE = "(no feature)"
REQUIREMENT_TAG_PREFIX = "req:"


class Verdict(Enum):
    """The harness's verdicts (DESIGN.md), in the order reports list them."""

    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    NOT_APPLICABLE = "not applicable"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def allure_status(self) -> str:
        return _ALLURE_STATUS[self]

    @classmethod
    def from_status(cls, status: str) -> Verdict:
        """Map an Allure status; an unknown status is something the harness could not decide."""
        return _VERDICT_OF_STATUS.get(status, cls.INCONCLUSIVE)


_ALLURE_STATUS = {
    Verdict.PASS: "passed",
    Verdict.FAIL: "failed",
    Verdict.INCONCLUSIVE: "broken",
    Verdict.NOT_APPLICABLE: "skipped",
}
_VERDICT_OF_STATUS = {status: verdict for verdict, status in _ALLURE_STATUS.items()}
ALLURE_STATUSES = frozenset({*_VERDICT_OF_STATUS, "unknown"})


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
    """What makes two results 'the same scenario' across profiles and targets."""

    full_name: str
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario run under one profile against one target."""

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
    expected: str = ""  # this profile's row of a "profile | outcome" data table, if any
    runner: str = ""
    start: int | None = None  # milliseconds since the epoch
    stop: int | None = None
    attachments: tuple[Attachment, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()  # other than profile and target
    severity: str | None = None
    story: str | None = None
    tags: tuple[str, ...] = ()
    uuid: str = ""
    source: str = ""  # the result file's name

    @property
    def run(self) -> Run:
        return Run(self.profile, self.target, self.runner)

    @property
    def key(self) -> ScenarioKey:
        return ScenarioKey(self.full_name or self.name, self.parameters)

    @property
    def title(self) -> str:
        """The name a person reads: the scenario name plus any example parameters."""
        if not self.parameters:
            return self.name
        return f"{self.name} [" + ", ".join(f"{k}={v}" for k, v in self.parameters) + "]"

    @property
    def reason(self) -> str:
        """The first line of the status message (why it failed, broke or was skipped)."""
        return first_line(self.message)


@dataclass(frozen=True)
class RunEnvironment:
    """``environment.properties`` and ``executor.json``, when the run wrote them."""

    properties: tuple[tuple[str, str], ...] = ()
    executor: tuple[tuple[str, str], ...] = ()

    def value(self, *aliases: str) -> str | None:
        wanted = {_normalise_key(alias) for alias in aliases}
        for key, value in self.properties:
            if _normalise_key(key) in wanted and value:
                return value
        return None

    @property
    def git_sha(self) -> str | None:
        return self.value("git_sha", "git_commit", "git_revision", "commit", "sha")

    @property
    def duis_schema_version(self) -> str | None:
        return self.value("duis_schema_version", "duis_schema", "duis_version", "duis")

    @property
    def harness_version(self) -> str | None:
        return self.value("harness_version", "dsp_conformance_version", "harness")


@dataclass(frozen=True)
class ResultSet:
    """Every scenario result of a directory; repeated runs keep only the latest.

    The views below (profiles, targets, runs, period) are worked out once and kept.
    """

    directory: Path
    scenarios: tuple[ScenarioResult, ...]
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


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


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
    latest: dict[tuple[ScenarioKey, Run], ScenarioResult] = {}
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
        environment=_read_environment(directory),
        superseded=superseded,
    )


def _recency(result: ScenarioResult) -> tuple[int, str]:
    return (result.stop or result.start or 0, result.source)


def _load_json_object(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ResultsError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(document, dict):
        raise ResultsError(f"{path}: expected a JSON object, found {type(document).__name__}")
    return document


def _parse_result(
    path: Path,
    document: Mapping[str, Any],
    fixture_attachments: Mapping[str, tuple[Attachment, ...]],
) -> ScenarioResult:
    where = path.name
    name = _text(document, "name", where)
    if not name:
        raise ResultsError(f"{path}: the result has no 'name'")
    status = _text(document, "status", where) or "unknown"
    if status not in ALLURE_STATUSES:
        raise ResultsError(f"{path}: unknown status {status!r}")
    labels = _pairs(document.get("labels"), "labels", where)
    parameters = _parameters(document.get("parameters"), where)
    details = document.get("statusDetails") or {}
    if not isinstance(details, dict):
        raise ResultsError(f"{path}: 'statusDetails' is not an object")
    uuid = _text(document, "uuid", where)
    profile = parameters.pop("profile", None) or _label(labels, "profile") or UNSPECIFIED
    target = parameters.pop("target", None) or _label(labels, "target") or UNSPECIFIED
    runner = parameters.pop("runner", None) or ""
    attachments = tuple(_attachments(document, where)) + fixture_attachments.get(uuid, ())
    tags = tuple(value for key, value in labels if key == "tag")
    return ScenarioResult(
        name=name,
        full_name=_text(document, "fullName", where) or name,
        feature=_feature(labels, document.get("titlePath")),
        status=status,
        verdict=Verdict.from_status(status),
        profile=profile,
        target=target,
        requirements=_requirements(labels, document.get("links"), where),
        message=str(details.get("message") or ""),
        description=_text(document, "description", where),
        start=_millis(document.get("start"), "start", where),
        stop=_millis(document.get("stop"), "stop", where),
        expected=_expectation(path.parent, attachments, profile),
        runner=runner,
        attachments=attachments,
        parameters=tuple(parameters.items()),
        severity=_label(labels, "severity"),
        story=_label(labels, "story"),
        tags=tags,
        uuid=uuid,
        source=path.name,
    )


def _text(document: Mapping[str, Any], key: str, where: str) -> str:
    value = document.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ResultsError(f"{where}: '{key}' should be text, found {type(value).__name__}")
    return value


def _millis(value: object, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ResultsError(f"{where}: '{key}' should be a number of milliseconds")
    return int(value)


def _pairs(value: object, key: str, where: str) -> list[tuple[str, str]]:
    """A list of ``{"name": ..., "value": ...}`` objects, as labels and parameters are."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ResultsError(f"{where}: '{key}' should be a list")
    pairs = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ResultsError(f"{where}: every entry of '{key}' needs a 'name'")
        raw = item.get("value")
        pairs.append((item["name"], "" if raw is None else str(raw)))
    return pairs


def _parameters(value: object, where: str) -> dict[str, str]:
    """Parameters by name (first one wins: pytest may repeat a fixture parameter)."""
    found: dict[str, str] = {}
    for name, raw in _pairs(value, "parameters", where):
        found.setdefault(name, _unquote(raw))
    return found


def _unquote(raw: str) -> str:
    """allure-python writes ``repr(value)``: ``'baseline'`` for the string ``baseline``."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
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
            raise ResultsError(f"{where}: 'links' should be a list")
        for link in links:
            if isinstance(link, dict) and link.get("type") == "requirement":
                name = link.get("name")
                if isinstance(name, str) and name.strip():
                    found.append(name.split()[0])  # "DP107-deadlock — DP107 §2 …" names one ID
    return tuple(dict.fromkeys(r for r in found if r))


def _attachments(node: Mapping[str, Any], where: str) -> Iterator[Attachment]:
    """Attachments of a result or fixture and of all its steps, depth first."""
    raw = node.get("attachments") or []
    if not isinstance(raw, list):
        raise ResultsError(f"{where}: 'attachments' should be a list")
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            raise ResultsError(f"{where}: an attachment has no 'source'")
        kind = item.get("type")
        yield Attachment(
            name=str(item.get("name") or item["source"]),
            source=item["source"],
            type=kind if isinstance(kind, str) else None,
        )
    steps = node.get("steps") or []
    if not isinstance(steps, list):
        raise ResultsError(f"{where}: 'steps' should be a list")
    for step in steps:
        if isinstance(step, dict):
            yield from _attachments(step, where)


def _expectation(directory: Path, attachments: tuple[Attachment, ...], profile: str) -> str:
    """This profile's row of a data table keyed by profile (``| profile | outcome |``).

    Scenarios state their expected outcome per profile in such a table; the runners attach
    data tables as CSV. Missing or odd attachments are evidence we do without, not errors.
    """
    for attachment in attachments:
        if attachment.type != "text/csv":
            continue
        try:
            with (directory / attachment.source).open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle.read(_TABLE_LIMIT).splitlines()))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
        if len(rows) < 2 or not rows[0] or rows[0][0].strip().lower() != "profile":
            continue
        table = {" ".join(row[0].split()): row[1:] for row in rows[1:] if row}
        heads = [head.strip() for head in rows[0][1:]]
        # The order the harness picks a row in (harness/expectations.py): the profile itself,
        # a row for one of its switches ("+mp063-check"), its base profile, "any other profile".
        base, *switches = profile.split("+")
        for key in (profile, *(f"+{switch}" for switch in switches), base, "any other profile"):
            if key in table:
                values = [cell.strip() for cell in table[key]]
                if len(values) == 1:
                    return values[0]
                return "; ".join(f"{h}: {v}" for h, v in zip(heads, values, strict=False))
    return ""


_TABLE_LIMIT = 64 * 1024


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
                    found.extend(_attachments(fixture, path.name))
        children = document.get("children") or []
        if not isinstance(children, list):
            raise ResultsError(f"{path}: 'children' should be a list")
        if found:
            for child in children:
                if isinstance(child, str):
                    by_child.setdefault(child, []).extend(found)
    return {child: tuple(items) for child, items in by_child.items()}


# --- environment -----------------------------------------------------------------------------


def _read_environment(directory: Path) -> RunEnvironment:
    properties: tuple[tuple[str, str], ...] = ()
    executor: tuple[tuple[str, str], ...] = ()
    env_file = directory / "environment.properties"
    if env_file.is_file():
        try:
            text = env_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{env_file}: cannot be read ({exc})") from None
        properties = tuple(parse_properties(text))
    executor_file = directory / "executor.json"
    if executor_file.is_file():
        document = _load_json_object(executor_file)
        executor = tuple(
            (str(key), str(value))
            for key, value in document.items()
            if isinstance(value, str | int | float) and not isinstance(value, bool) and value != ""
        )
    return RunEnvironment(properties=properties, executor=executor)


def parse_properties(text: str) -> Iterator[tuple[str, str]]:
    """The common subset of Java ``.properties``: ``key=value`` or ``key: value`` lines,
    ``#``/``!`` comments, backslash continuations and escapes."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.lstrip() if not pending else raw.strip()
        if not pending and (not line or line[0] in "#!"):
            continue
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2 == 1:
            pending += line[:-1]
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    for line in logical:
        key, value = _split_property(line)
        if key:
            yield _unescape(key), _unescape(value)


def _split_property(line: str) -> tuple[str, str]:
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\":
            i += 2
            continue
        if char in "=:" or char.isspace():
            rest = line[i:].lstrip()
            if rest[:1] in ("=", ":"):
                rest = rest[1:].lstrip()
            return line[:i], rest
        i += 1
    return line.strip(), ""


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and i + 6 <= len(text):
                try:
                    out.append(chr(int(text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _normalise_key(key: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in key.strip().lower())
