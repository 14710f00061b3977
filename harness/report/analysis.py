"""What the conformance summary says, worked out from results and the catalogue (no HTML here).

The summary's sections are views of one table: rows are scenarios (a scenario name plus any
example parameters), columns are profiles, and within a column each lane (target, and runner
when several ran) has its own result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harness.report.catalogue import Catalogue, Requirement
from harness.report.killmatrix import KillMatrix
from harness.report.results import ResultSet
from harness.results.record import Lane, ResultRecord, Run, ScenarioKey
from harness.results.verdict import Verdict

UNCATALOGUED_GROUP = "Requirements cited by scenarios but missing from the catalogue"
UNCITED_GROUP = "Scenarios that cite no requirement"

# Which verdict speaks for a set of them: one failure outweighs any number of passes.
_PRECEDENCE = (
    Verdict.FAIL,
    Verdict.INCONCLUSIVE,
    Verdict.DEVIATION,
    Verdict.PASS,
    Verdict.NOT_APPLICABLE,
)


def overall(verdicts: Iterable[Verdict]) -> Verdict | None:
    present = set(verdicts)
    for verdict in _PRECEDENCE:
        if verdict in present:
            return verdict
    return None


@dataclass(frozen=True)
class ScenarioRow:
    key: ScenarioKey
    title: str
    feature: str
    requirements: tuple[str, ...]
    cells: Mapping[Run, ResultRecord]

    def result(self, run: Run) -> ResultRecord | None:
        return self.cells.get(run)

    def verdict(self, run: Run) -> Verdict | None:
        cell = self.cells.get(run)
        return cell.verdict if cell else None

    @property
    def description(self) -> str:
        """The scenario's description when every run carries the same one, else ""."""
        found = {result.description.strip() for result in self.cells.values()}
        return found.pop() if len(found) == 1 else ""


@dataclass(frozen=True)
class RequirementRow:
    id: str
    requirement: Requirement | None  # None: cited by a scenario but not in the catalogue
    scenarios: tuple[ScenarioRow, ...]

    def verdict(self, run: Run) -> Verdict | None:
        return overall(v for row in self.scenarios if (v := row.verdict(run)) is not None)


@dataclass(frozen=True)
class Group:
    name: str
    rows: tuple[RequirementRow, ...]


@dataclass(frozen=True)
class VerdictChange:
    """A scenario whose verdict differs between profiles on one lane (target and runner)."""

    row: ScenarioRow
    lane: Lane
    results: tuple[ResultRecord, ...]  # one per profile that ran it, in profile order


@dataclass(frozen=True)
class Conformance:
    results: ResultSet
    catalogue: Catalogue
    runs: tuple[Run, ...]
    counts: Mapping[Run, Mapping[Verdict, int]]
    groups: tuple[Group, ...]
    scenarios: tuple[ScenarioRow, ...]  # every scenario row, by feature and title
    changes: tuple[VerdictChange, ...]
    untested: tuple[Requirement, ...]
    kill_matrix: KillMatrix | None = None

    def listed(self, verdict: Verdict) -> tuple[ResultRecord, ...]:
        """Every result with this verdict, by profile, target, feature and name."""
        order = {run: i for i, run in enumerate(self.runs)}
        found = [s for s in self.results.scenarios if s.verdict is verdict]
        return tuple(sorted(found, key=lambda s: (order[s.run], s.feature, s.title)))

    def total(self, verdict: Verdict) -> int:
        return sum(counts[verdict] for counts in self.counts.values())


def analyse(
    results: ResultSet, catalogue: Catalogue, kill_matrix: KillMatrix | None = None
) -> Conformance:
    runs = results.runs
    rows = _scenario_rows(results.scenarios)
    by_requirement: dict[str, list[ScenarioRow]] = defaultdict(list)
    uncited: list[ScenarioRow] = []
    for row in rows:
        for requirement_id in row.requirements:
            by_requirement[requirement_id].append(row)
        if not row.requirements:
            uncited.append(row)

    groups = [
        Group(
            name=group,
            rows=tuple(
                RequirementRow(r.id, r, tuple(by_requirement.get(r.id, ())))
                for r in catalogue.in_group(group)
            ),
        )
        for group in catalogue.groups
    ]
    known = {r.id for r in catalogue.requirements}
    unknown = sorted(set(by_requirement) - known)
    if unknown:
        groups.append(
            Group(
                UNCATALOGUED_GROUP,
                tuple(RequirementRow(i, None, tuple(by_requirement[i])) for i in unknown),
            )
        )
    if uncited:
        groups.append(Group(UNCITED_GROUP, (RequirementRow("", None, tuple(uncited)),)))

    return Conformance(
        results=results,
        catalogue=catalogue,
        runs=runs,
        counts=_counts(results.scenarios, runs),
        groups=tuple(groups),
        scenarios=tuple(rows),
        changes=tuple(_changes(rows, results.profiles)),
        untested=tuple(r for r in catalogue.requirements if r.id not in by_requirement),
        kill_matrix=kill_matrix,
    )


def _scenario_rows(scenarios: Iterable[ResultRecord]) -> list[ScenarioRow]:
    cells: dict[ScenarioKey, dict[Run, ResultRecord]] = defaultdict(dict)
    for scenario in scenarios:
        cells[scenario.key][scenario.run] = scenario
    rows = []
    for key, by_run in cells.items():
        sample = next(iter(by_run.values()))
        requirements = tuple(dict.fromkeys(r for s in by_run.values() for r in s.requirements))
        rows.append(
            ScenarioRow(
                key=key,
                title=sample.title,
                feature=sample.feature,
                requirements=requirements,
                cells=MappingProxyType(by_run),
            )
        )
    rows.sort(key=lambda r: (r.feature, r.title, r.key))
    return rows


def _counts(
    scenarios: Iterable[ResultRecord], runs: tuple[Run, ...]
) -> Mapping[Run, Mapping[Verdict, int]]:
    tally: dict[Run, Counter[Verdict]] = {run: Counter() for run in runs}
    for scenario in scenarios:
        tally[scenario.run][scenario.verdict] += 1
    return MappingProxyType(
        {run: MappingProxyType({v: tally[run][v] for v in Verdict}) for run in runs}
    )


def _changes(rows: Iterable[ScenarioRow], profiles: tuple[str, ...]) -> Iterable[VerdictChange]:
    position = {profile: i for i, profile in enumerate(profiles)}
    for row in rows:
        by_lane: dict[Lane, list[ResultRecord]] = defaultdict(list)
        for run, result in row.cells.items():
            by_lane[run.lane].append(result)
        for lane in sorted(by_lane):
            results = sorted(by_lane[lane], key=lambda s: position[s.profile])
            if len({s.verdict for s in results}) > 1:
                yield VerdictChange(row=row, lane=lane, results=tuple(results))
