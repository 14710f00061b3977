"""Checks a set of feature files before anything runs: every step known (and only once),
every value well formed, every tag known, every outcome table complete, and the
requirements catalogue and the scenarios in step. Problems are data: (where, message)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapters.base import envelope_fault
from harness.catalogue.requirements import Catalogue
from harness.catalogue.tables import response_code, service_request
from harness.domain.devices import DeviceStatus, DeviceType, Generation
from harness.domain.meterpoint import MeterPoint
from harness.domain.roles import RemotePartyRole, UserRole
from harness.domain.timeline import parse_instant
from harness.errors import HarnessError
from harness.expectations import ANY_OTHER, expectation_for_profile, parse_expectation
from harness.features import ScenarioInfo, StepLine
from harness.reference.profiles import PROFILES, SWITCHES, profile_names, resolve
from harness.tags import CAPABILITIES, read_tags

# How each step parameter (by name) is validated before a run.
VALIDATORS: dict[str, Callable[[str], object]] = {
    "when": parse_instant,
    "start": parse_instant,
    "end": parse_instant,
    "execution": parse_instant,
    "code": response_code,
    "srv": service_request,
    "role": UserRole.parse,
    "generation": Generation.parse,
    "device_type": DeviceType.parse,
    "status": DeviceStatus.parse,
    "remote_role": RemotePartyRole.parse,
    "outcome": parse_expectation,
    "fault": envelope_fault,
}


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class StepMatcher:
    """What the lint needs from a step library (kept abstract: harness does not import steps)."""

    def __init__(
        self,
        matches: Callable[[str, str], list[tuple[str, dict[str, Any], bool]]],
        nearest: Callable[[str, str], list[str]],
    ) -> None:
        self.matches = matches  # (keyword, text) -> [(template, arguments, takes_table)]
        self.nearest = nearest


def _check_values(arguments: dict[str, Any], where: str) -> list[Problem]:
    problems = []
    for name, value in arguments.items():
        validator = VALIDATORS.get(name)
        if validator is None:
            continue
        try:
            validator(str(value))
        except HarnessError as exc:
            problems.append(Problem(where, str(exc)))
    if not problems and "start" in arguments and "end" in arguments:
        start, end = parse_instant(str(arguments["start"])), parse_instant(str(arguments["end"]))
        if end < start:
            problems.append(Problem(where, f"{arguments['end']} is before {arguments['start']}"))
    if "meter_point" in arguments:
        kind = str(arguments.get("kind", "")).upper()
        try:
            if kind == "MPAN":
                MeterPoint.mpan(str(arguments["meter_point"]))
            elif kind == "MPRN":
                MeterPoint.mprn(str(arguments["meter_point"]))
            else:
                problems.append(Problem(where, f"meter point kind {kind!r}: use MPAN or MPRN"))
        except HarnessError as exc:
            problems.append(Problem(where, str(exc)))
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


def _party_names(steps: list[tuple[StepLine, dict[str, Any]]]) -> set[str]:
    names = {str(arguments["name"]) for _, arguments in steps if "name" in arguments}
    for step, _ in steps:
        if step.table and step.table[0] and step.table[0][0] == "name":
            names |= {row[0] for row in step.table[1:] if row}
    return names


def _check_outcome_table(step: StepLine, where: str) -> list[Problem]:
    assert step.table is not None
    heading, *rows = step.table
    if list(heading) != ["profile", "outcome"]:
        return [Problem(where, "the outcome table needs the columns | profile | outcome |")]
    problems = []
    valid = set(profile_names()) | {f"+{s}" for s in SWITCHES} | {ANY_OTHER}
    pairs = [(r[0], r[1]) for r in rows]
    for name, outcome in pairs:
        squashed = " ".join(name.split())
        if squashed not in valid:
            try:
                resolve(squashed)
            except HarnessError:
                problems.append(
                    Problem(
                        where,
                        f"unknown profile {name!r} in the outcome table; known: "
                        + ", ".join(sorted(valid)),
                    )
                )
                continue
        try:
            parse_expectation(outcome)
        except HarnessError as exc:
            problems.append(Problem(where, str(exc)))
    if problems:
        return problems
    for profile in profile_names():
        try:
            expectation_for_profile(pairs, resolve(profile).name)
        except HarnessError as exc:
            problems.append(Problem(where, str(exc)))
            break
    return problems


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
        if profile not in PROFILES and profile not in profile_names():
            problems.append(Problem(scenario.where, f"@profile:{profile} is not a known profile"))
    if not any(step.keyword in ("when", "then") for step in scenario.steps):
        problems.append(Problem(scenario.where, "scenario has no When or Then step"))
    if not tags.requirements:
        problems.append(Problem(scenario.where, "scenario cites no requirement (@req:<ID>)"))
    matched: list[tuple[StepLine, dict[str, Any]]] = []
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
                    f'ambiguous step "{step.text}" matches ' + " and ".join(f[0] for f in found),
                )
            )
            continue
        template, arguments, takes_table = found[0]
        matched.append((step, arguments))
        if takes_table and step.table is None:
            problems.append(Problem(where, f'step "{template}" needs a data table'))
        if step.table is not None and not takes_table:
            problems.append(Problem(where, f'step "{template}" takes no data table'))
        problems.extend(_check_values(arguments, where))
        if template.startswith("the outcome depends on the profile") and step.table:
            problems.extend(_check_outcome_table(step, where))
    for step, arguments in matched:
        if "path" in arguments:
            where = f"{scenario.path}:{step.line}"
            path = str(arguments["path"])
            problems.extend(_registration_file(scenario, path, _party_names(matched), where))
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
    seen: dict[tuple[str, str], list[tuple[str, dict[str, Any], bool]]] = {}

    def matches(keyword: str, text: str) -> list[tuple[str, dict[str, Any], bool]]:
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
    return problems


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
