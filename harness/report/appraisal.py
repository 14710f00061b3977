"""The DP107 options appraisal, worked out from results (no HTML here).

Options are the profiles that ran (baseline, each DP107 candidate, each switch on them);
problem situations are the ones scenarios declare (``harness/appraisal_roles.py``). Every
statement is read from a scenario's declared role and the outcome its profile requires, as
the World recorded them: nothing is inferred from outcome words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.appraisal_roles import SITUATIONS, AppraisalRole
from harness.catalogue.tables import response_codes
from harness.errors import HarnessError
from harness.reference.profiles import resolve
from harness.report.analysis import Conformance, ScenarioRow
from harness.results.record import ResultRecord
from harness.results.verdict import Verdict

BASELINE = "baseline"


@dataclass(frozen=True)
class Evidence:
    """One scenario under one option: its declared role and its result."""

    row: ScenarioRow
    result: ResultRecord
    role: AppraisalRole

    @property
    def outcome(self) -> str:
        required = self.result.expected
        return required.text if required else "(no outcome stated)"

    @property
    def anchor(self) -> str:
        return evidence_anchor(self.row, self.result.profile)


@dataclass(frozen=True)
class Cell:
    """A problem situation under one option: every scenario that exercises it."""

    situation: str
    option: str
    evidence: tuple[Evidence, ...]

    def with_effect(self, effect: str) -> tuple[Evidence, ...]:
        """The scenarios that ran (not excluded by the option) with this effect."""
        return tuple(
            e
            for e in self.evidence
            if e.role.effect == effect and e.result.verdict is not Verdict.NOT_APPLICABLE
        )

    @property
    def restorable(self) -> bool | None:
        """Can the correct certificate be put back here? None: no scenario ran."""
        ran = [e for e in self.evidence if e.result.verdict is not Verdict.NOT_APPLICABLE]
        if not ran:
            return None
        return bool(self.with_effect("restores"))


@dataclass(frozen=True)
class PowerChange:
    """A request whose fate differs from baseline: a power the option grants or removes."""

    evidence: Evidence
    baseline: str  # the outcome baseline requires

    @property
    def granted(self) -> bool:
        required = self.evidence.result.expected
        return required is not None and required.lets_it_through


@dataclass(frozen=True)
class Grade:
    """What a conclusion rests on: the option's rules and the response codes it relies on."""

    rules: str  # fact | model
    codes: tuple[tuple[str, str], ...]  # (code, confidence)

    @property
    def overall(self) -> str:
        return (
            "model" if self.rules == "model" or any(g == "model" for _, g in self.codes) else "fact"
        )


@dataclass(frozen=True)
class Option:
    name: str
    summary: str
    touches: tuple[str, ...]
    grade: Grade
    cells: Mapping[str, Cell]  # by situation
    changes: tuple[PowerChange, ...]
    verdicts: Mapping[Verdict, int]

    @property
    def granted(self) -> tuple[PowerChange, ...]:
        return tuple(c for c in self.changes if c.granted)

    @property
    def removed(self) -> tuple[PowerChange, ...]:
        return tuple(c for c in self.changes if not c.granted)

    def situations_where(self, restorable: bool) -> tuple[str, ...]:
        return tuple(s for s, cell in self.cells.items() if cell.restorable is restorable)

    @property
    def risks(self) -> tuple[Evidence, ...]:
        return tuple(e for cell in self.cells.values() for e in cell.with_effect("risk"))


@dataclass(frozen=True)
class Appraisal:
    situations: tuple[str, ...]  # the vocabulary's, then any other declared
    options: tuple[Option, ...]
    rows: tuple[ScenarioRow, ...]  # every scenario with a declared role
    undeclared: tuple[ScenarioRow, ...]  # DP107 scenarios with no declared role

    def evidence(self, row: ScenarioRow, option: str) -> Evidence | None:
        for opt in self.options:
            if opt.name == option:
                for cell in opt.cells.values():
                    for found in cell.evidence:
                        if found.row.key == row.key:
                            return found
        return None


def evidence_anchor(row: ScenarioRow, option: str) -> str:
    import hashlib

    digest = hashlib.sha256(repr((row.key, option)).encode()).hexdigest()[:12]
    return f"ev-{digest}"


def appraise(c: Conformance) -> Appraisal:
    profiles = c.results.profiles
    rows = tuple(row for row in c.scenarios if any(r.role for r in row.cells.values()))
    declared = {r.role.situation for row in rows for r in row.cells.values() if r.role}
    situations = tuple(s for s in SITUATIONS) + tuple(sorted(declared - set(SITUATIONS)))
    options = tuple(_option(c, profile, rows, situations) for profile in profiles)
    undeclared = tuple(
        row
        for row in c.scenarios
        if row not in rows and any(r.startswith("DP107-") for r in row.requirements)
    )
    return Appraisal(situations, options, rows, undeclared)


def _result(row: ScenarioRow, profile: str) -> ResultRecord | None:
    """The row's result under ``profile`` (the first lane, when several targets ran)."""
    found = sorted((run, r) for run, r in row.cells.items() if run.profile == profile)
    return found[0][1] if found else None


def _option(
    c: Conformance, profile: str, rows: tuple[ScenarioRow, ...], situations: tuple[str, ...]
) -> Option:
    by_situation: dict[str, list[Evidence]] = {s: [] for s in situations}
    changes: list[PowerChange] = []
    counts = dict.fromkeys(Verdict, 0)
    for row in rows:
        result = _result(row, profile)
        if result is None or result.role is None:
            continue
        found = Evidence(row, result, result.role)
        by_situation[result.role.situation].append(found)
        counts[result.verdict] += 1
        base = _result(row, BASELINE)
        if profile != BASELINE and base is not None and _differs(base, result):
            changes.append(PowerChange(found, base.expected.text if base.expected else ""))
    cells = {s: Cell(s, profile, tuple(found)) for s, found in by_situation.items()}
    summary, touches, rules = _declared(profile)
    return Option(
        name=profile,
        summary=summary,
        touches=touches,
        grade=Grade(rules, _codes(e for cell in cells.values() for e in cell.evidence)),
        cells=cells,
        changes=tuple(changes),
        verdicts=counts,
    )


def _differs(base: ResultRecord, result: ResultRecord) -> bool:
    """The option lets through what baseline refuses, or the reverse (applied and pending
    both count as letting it through)."""
    if base.expected is None or result.expected is None:
        return False
    if result.verdict is Verdict.NOT_APPLICABLE or base.verdict is Verdict.NOT_APPLICABLE:
        return False
    return base.expected.lets_it_through != result.expected.lets_it_through


def _declared(profile: str) -> tuple[str, tuple[str, ...], str]:
    """What the profile table says of an option; an option it does not know is a model with
    no declared text."""
    try:
        found = resolve(profile)
    except HarnessError:
        return ("not in this harness's profile table", (), "model")
    return (found.summary, found.touches, found.grade)


def _codes(evidence: Iterable[Evidence]) -> tuple[tuple[str, str], ...]:
    table = response_codes()
    codes: dict[str, str] = {}
    for found in evidence:
        required = found.result.expected
        if required is not None and required.code:
            entry = table.get(required.code)
            codes[required.code] = entry.confidence if entry else "unknown"
    return tuple(sorted(codes.items()))
