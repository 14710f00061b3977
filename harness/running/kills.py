"""The selftest's verdict: which scenarios caught (killed) which mutant DSP.

A scenario *kills* a mutant when, under the same profile, it passes against the conforming
reference and fails against the mutant. The result is written as ``kill-matrix.json`` in the
format ``harness/report/killmatrix.py`` reads (extra keys are for people and tools)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigurationError
from harness.mutants import Mutant
from harness.report.killmatrix import KILL_MATRIX_FILE
from harness.running.enrich import result_files

RUNNER_PARAMETERS = ("profile", "target", "runner")


@dataclass(frozen=True, order=True)
class ScenarioKey:
    """A scenario run's identity, whatever the target: full name, example values, profile."""

    full_name: str
    example: str
    profile: str


@dataclass(frozen=True)
class ScenarioRun:
    key: ScenarioKey
    name: str
    status: str  # the Allure status: passed, failed, broken, skipped

    def describe(self) -> str:
        example = f" [{self.key.example}]" if self.key.example else ""
        return f"{self.key.full_name}{example} under {self.key.profile}"


def _parameters(data: dict[str, Any]) -> dict[str, str]:
    return {str(p.get("name")): str(p.get("value")) for p in data.get("parameters") or []}


def read_runs(directory: Path) -> dict[ScenarioKey, ScenarioRun]:
    """The enriched Allure results in ``directory``, by scenario identity."""
    runs: dict[ScenarioKey, ScenarioRun] = {}
    for path in sorted(result_files(directory)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"{path}: cannot read an Allure result: {exc}") from None
        parameters = _parameters(data)
        example = ", ".join(f"{k}={v}" for k, v in parameters.items() if k not in RUNNER_PARAMETERS)
        key = ScenarioKey(str(data.get("fullName", "")), example, parameters.get("profile", ""))
        runs[key] = ScenarioRun(key, str(data.get("name", "")), str(data.get("status", "")))
    return runs


def kills(
    reference: dict[ScenarioKey, ScenarioRun], mutant: dict[ScenarioKey, ScenarioRun]
) -> list[ScenarioRun]:
    """The mutant's runs of scenarios that passed on the reference and fail on the mutant."""
    return sorted(
        (
            run
            for key, run in mutant.items()
            if run.status == "failed" and key in reference and reference[key].status == "passed"
        ),
        key=lambda run: run.key,
    )


def not_passing(reference: dict[ScenarioKey, ScenarioRun]) -> list[ScenarioRun]:
    """Runs of the conforming reference that neither passed nor were not applicable."""
    return sorted(
        (r for r in reference.values() if r.status not in ("passed", "skipped")),
        key=lambda r: r.key,
    )


@dataclass(frozen=True)
class MutantVerdict:
    mutant: Mutant
    profiles: tuple[str, ...]
    killed_by: tuple[ScenarioRun, ...]
    inconclusive: int = 0  # runs that broke (neither passed nor failed) under the mutant

    @property
    def survived(self) -> bool:
        return not self.killed_by

    def scenario_names(self) -> list[str]:
        return list(dict.fromkeys(run.name for run in self.killed_by))


def kill_matrix_document(
    verdicts: Iterable[MutantVerdict], context: dict[str, Any]
) -> dict[str, Any]:
    return {
        **context,
        "mutants": [
            {
                "name": v.mutant.name,
                "description": v.mutant.description,
                "killed_by": v.scenario_names(),
                "violates": list(v.mutant.violates),
                "profiles": list(v.profiles),
                "where_it_shows": v.mutant.why,
                "kills": [
                    {
                        "scenario": run.key.full_name,
                        "example": run.key.example,
                        "profile": run.key.profile,
                    }
                    for run in v.killed_by
                ],
                "inconclusive_runs": v.inconclusive,
            }
            for v in verdicts
        ],
    }


def write_kill_matrix(
    results: Path, verdicts: Iterable[MutantVerdict], context: dict[str, Any]
) -> Path:
    path = results / KILL_MATRIX_FILE
    document = kill_matrix_document(verdicts, context)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
