"""Checks a set of feature files before anything runs: every step known (and only once),
every value well formed, every tag known, every outcome table complete, and the
requirements catalogue and the scenarios in step. Problems are data: (where, message)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.appraisal_roles import EFFECT_COLUMN
from harness.appraisal_roles import problems as role_problems
from harness.catalogue.requirements import Catalogue
from harness.errors import HarnessError
from harness.features import ScenarioInfo, StepLine
from harness.lint_world import Typed, read_world
from harness.parameters import PARAMETER_TYPES, REGISTRATIONS_TABLE, ParameterType, TableType
from harness.reference.profiles import SWITCHES, profile_names
from harness.tags import CAPABILITIES, profile_tag_known, read_tags

# Parameter types the lint reads in context: a file beside the feature files, which may
# name only the Users the scenario declares.
REGISTRATION_FILE = PARAMETER_TYPES["RegistrationFile"]
NEW_USER = PARAMETER_TYPES["NewUser"]


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class StepMatch:
    """A step line matched to a step of the library: what the lint checks it by."""

    template: str
    arguments: Mapping[str, str]  # each parameter's text as written
    types: Mapping[str, ParameterType | None]  # each parameter's declared type
    table: TableType | None  # the data table the step takes, if any


class StepMatcher:
    """What the lint needs from a step library (kept abstract: harness does not import steps)."""

    def __init__(
        self,
        matches: Callable[[str, str], list[StepMatch]],
        nearest: Callable[[str, str], list[str]],
    ) -> None:
        self.matches = matches  # (keyword, text) -> the library steps it matches
        self.nearest = nearest


def _check_values(found: StepMatch, where: str) -> list[Problem]:
    """Each parameter by its declared type, whatever it is called."""
    problems = []
    for name, text in found.arguments.items():
        kind = found.types.get(name)
        problem = kind.problem(str(text)) if kind is not None else None
        if problem is not None:
            problems.append(Problem(where, problem))
    return problems


def _registration_file(
    scenario: ScenarioInfo, path: str, names: set[str], where: str
) -> list[Problem]:
    """A Registration Data file a step names (relative to the features directory, which is
    the feature file's folder or one above it) must exist and hold well-formed rows."""
    from harness.domain.eui import Eui64
    from harness.domain.registration import load_registrations

    for folder in scenario.path.resolve().parents:
        candidate = folder / path
        if candidate.is_file():
            try:
                load_registrations(candidate, dict.fromkeys(names, Eui64(0)))
            except HarnessError as exc:
                return [Problem(where, str(exc))]
            return []
    return [Problem(where, f"registration file {path!r} not found in the features directory")]


def _party_names(steps: list[tuple[StepLine, StepMatch]]) -> set[str]:
    """The Users a scenario declares, in step parameters or table columns."""
    names: set[str] = set()
    for step, found in steps:
        names |= {v for n, v in found.arguments.items() if found.types.get(n) is NEW_USER}
        column = found.table.new_users if found.table is not None else None
        if column is not None and step.table and column in step.table[0]:
            at = list(step.table[0]).index(column)
            names |= {row[at] for row in step.table[1:] if len(row) > at}
    return names


def _role_problems(scenario: ScenarioInfo) -> list[str]:
    """The appraisal role (tags, or the effect column of an outcome table) in its vocabulary."""
    effects: list[str] | None = None
    for step in scenario.steps:
        if step.table and EFFECT_COLUMN in step.table[0]:
            at = list(step.table[0]).index(EFFECT_COLUMN)
            effects = (effects or []) + [row[at] for row in step.table[1:] if len(row) > at]
    return role_problems(scenario.tags, effects)


def _typed(step: StepLine, found: StepMatch) -> Typed:
    """A matched step as the world model reads it: values by type, table rows by heading."""
    values: dict[ParameterType, list[str]] = defaultdict(list)
    for name, text in found.arguments.items():
        kind = found.types.get(name)
        if kind is not None:
            values[kind].append(str(text))
    rows: list[dict[str, str]] = []
    if step.table and found.table is not None:
        heading = [" ".join(h.split()) for h in step.table[0]]
        rows = [dict(zip(heading, row, strict=False)) for row in step.table[1:]]
    table = found.table
    return Typed(
        step.line,
        {kind: tuple(texts) for kind, texts in values.items()},
        rows,
        new_users=table.new_users if table is not None else None,
        parties=table.parties if table is not None else None,
        registrations=table is REGISTRATIONS_TABLE,
    )


def lint_scenario(
    scenario: ScenarioInfo, matcher: StepMatcher, catalogue: Catalogue
) -> list[Problem]:
    problems: list[Problem] = []
    tags = read_tags(scenario.tags)
    for rid in tags.requirements:
        if catalogue.get(rid) is None:
            problems.append(
                Problem(scenario.where, f"@req:{rid} is not in the requirements catalogue")
            )
    for need in tags.needs:
        if need not in CAPABILITIES:
            problems.append(
                Problem(
                    scenario.where,
                    f"@needs:{need} is not a capability; known: {', '.join(CAPABILITIES)}",
                )
            )
    for profile in tags.profiles:
        if not profile_tag_known(profile, profile_names(), SWITCHES):
            problems.append(Problem(scenario.where, f"@profile:{profile} is not a known profile"))
    problems.extend(Problem(scenario.where, p) for p in _role_problems(scenario))
    if not any(step.keyword in ("when", "then") for step in scenario.steps):
        problems.append(Problem(scenario.where, "scenario has no When or Then step"))
    if not tags.requirements:
        problems.append(Problem(scenario.where, "scenario cites no requirement (@req:<ID>)"))
    matched: list[tuple[StepLine, StepMatch]] = []
    for step in scenario.steps:
        where = f"{scenario.path}:{step.line}"
        found = matcher.matches(step.keyword, step.text)
        if not found:
            near = "; ".join(matcher.nearest(step.text, step.keyword))
            problems.append(
                Problem(
                    where,
                    f'unknown step "{step.keyword.capitalize()} {step.text}"; '
                    f"nearest known: {near}",
                )
            )
            continue
        if len(found) > 1:
            problems.append(
                Problem(
                    where,
                    f'ambiguous step "{step.text}" matches '
                    + " and ".join(f.template for f in found),
                )
            )
            continue
        (match,) = found
        matched.append((step, match))
        if match.table is not None and step.table is None:
            problems.append(Problem(where, f'step "{match.template}" needs a data table'))
        if step.table is not None and match.table is None:
            problems.append(Problem(where, f'step "{match.template}" takes no data table'))
        problems.extend(_check_values(match, where))
        if match.table is not None and step.table:
            problems.extend(Problem(where, p) for p in match.table.problems(step.table))
    problems.extend(
        Problem(f"{scenario.path}:{line}", message)
        for line, message in read_world(str(scenario.path), [_typed(s, m) for s, m in matched])
    )
    for step, match in matched:
        for name, text in match.arguments.items():
            if match.types.get(name) is REGISTRATION_FILE:
                where = f"{scenario.path}:{step.line}"
                names = _party_names(matched)
                problems.extend(_registration_file(scenario, str(text), names, where))
    return problems


def coverage(scenarios: list[ScenarioInfo]) -> dict[str, list[ScenarioInfo]]:
    cited: dict[str, list[ScenarioInfo]] = defaultdict(list)
    for scenario in scenarios:
        for rid in read_tags(scenario.tags).requirements:
            cited[rid].append(scenario)
    return cited


def _remembering(matcher: StepMatcher) -> StepMatcher:
    """The same matcher, answering a step text it has seen from memory: an outline's rows
    and every Background repeat most of their steps word for word."""
    seen: dict[tuple[str, str], list[StepMatch]] = {}

    def matches(keyword: str, text: str) -> list[StepMatch]:
        key = (keyword, text)
        if key not in seen:
            seen[key] = matcher.matches(keyword, text)
        return seen[key]

    return StepMatcher(matches, matcher.nearest)


def lint(
    scenarios: list[ScenarioInfo], matcher: StepMatcher, catalogue: Catalogue
) -> list[Problem]:
    problems: list[Problem] = []
    matcher = _remembering(matcher)
    for scenario in scenarios:
        problems.extend(lint_scenario(scenario, matcher, catalogue))
    return list(dict.fromkeys(problems))  # a Background's problem once, not per scenario


def uncovered(
    scenarios: list[ScenarioInfo], catalogue: Catalogue, catalogue_path: Path
) -> list[Problem]:
    """Testable requirements that no scenario cites."""
    cited = coverage(scenarios)
    return [
        Problem(
            str(catalogue_path),
            f"testable requirement {requirement.id} has no scenario "
            "(write one, or mark it testable: false with not_tested_because)",
        )
        for requirement in catalogue.requirements
        if requirement.testable and requirement.id not in cited
    ]
