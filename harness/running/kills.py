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

from harness.mutants import Mutant
from harness.report.killmatrix import KILL_MATRIX_FILE
from harness.results.record import ResultRecord, ScenarioKey, read_record_file
from harness.results.verdict import Verdict
from harness.running.enrich import result_files

RunKey = tuple[ScenarioKey, str]
"""A scenario run's identity whatever the target: the scenario (and example), the profile."""

Runs = dict[RunKey, ResultRecord]


def run_key(record: ResultRecord) -> RunKey:
    return record.key, record.profile


def describe(record: ResultRecord) -> str:
    example = f" [{record.example}]" if record.example else ""
    return f"{record.full_name}{example} under {record.profile}"


def read_runs(directory: Path) -> Runs:
    """The enriched results in ``directory``, by scenario run identity."""
    return {run_key(r): r for r in map(read_record_file, sorted(result_files(directory)))}


def kills(reference: Runs, mutant: Runs) -> list[ResultRecord]:
    """The mutant's runs of scenarios that passed on the reference and fail on the mutant."""
    return sorted(
        (
            run
            for key, run in mutant.items()
            if run.verdict is Verdict.FAIL
            and key in reference
            and reference[key].verdict is Verdict.PASS
        ),
        key=run_key,
    )


def not_passing(reference: Runs) -> list[ResultRecord]:
    """Runs of the conforming reference that neither passed nor were not applicable."""
    return sorted(
        (r for r in reference.values() if r.verdict not in (Verdict.PASS, Verdict.NOT_APPLICABLE)),
        key=run_key,
    )


@dataclass(frozen=True)
class MutantVerdict:
    mutant: Mutant
    profiles: tuple[str, ...]
    killed_by: tuple[ResultRecord, ...]
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
                        "scenario": run.full_name,
                        "example": run.example,
                        "profile": run.profile,
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
