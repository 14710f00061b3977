"""The optional mutation kill matrix: which scenarios caught which deliberately broken rule.

Format of ``kill-matrix.json`` in a results directory::

    {"mutants": [{"name": "...", "description": "...", "killed_by": ["scenario name", ...]}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.report.errors import ResultsError

KILL_MATRIX_FILE = "kill-matrix.json"


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    killed_by: tuple[str, ...]

    @property
    def survived(self) -> bool:
        return not self.killed_by


@dataclass(frozen=True)
class KillMatrix:
    mutants: tuple[Mutant, ...]

    @property
    def killed(self) -> int:
        return sum(1 for m in self.mutants if not m.survived)


def read_kill_matrix(results_dir: Path) -> KillMatrix | None:
    """The kill matrix in ``results_dir``, or None when the run wrote none."""
    path = Path(results_dir) / KILL_MATRIX_FILE
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    rows = document.get("mutants") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ResultsError(f"{path}: expected {{'mutants': [...]}}")
    mutants = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise ResultsError(f"{path}: mutant #{index} needs a 'name'")
        killed_by = row.get("killed_by") or []
        if not isinstance(killed_by, list) or not all(isinstance(k, str) for k in killed_by):
            raise ResultsError(f"{path}: mutant {row['name']}: 'killed_by' must list names")
        description = row.get("description")
        mutants.append(
            Mutant(
                name=row["name"],
                description=description if isinstance(description, str) else "",
                killed_by=tuple(killed_by),
            )
        )
    return KillMatrix(mutants=tuple(mutants))
