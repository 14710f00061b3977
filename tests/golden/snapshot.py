"""What the committed suite yields, normalised so that two runs can be compared.

``python -m tests.golden.snapshot`` runs the hand-written suite under every profile with both
runners and the in-process selftest, and writes ``tests/golden/golden.json``: per (feature file,
scenario, example, profile, runner) the verdict, the Allure status, the labels and links (less
the ones that name the machine or the thread), and the kill matrix. ``test_golden.py`` runs the
same capture and compares it with the committed file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.results.record import read_record

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("golden.json")
RUNNERS = ("pytest-bdd", "behave")
RUN_SPECIFIC_LABELS = frozenset({"host", "thread"})
RUN_PARAMETERS = ("profile", "target", "runner")


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def _verdict(document: dict[str, Any]) -> str:
    """The verdict the harness recorded (the World's outcome, read as every report reads it)."""
    return read_record(document).verdict.value


def normalise_result(document: dict[str, Any]) -> dict[str, Any]:
    parameters = {str(p["name"]): str(p["value"]) for p in document.get("parameters") or []}
    scenario = document.get("harnessScenario") or {}
    feature_file = Path(str(scenario.get("file", ""))).name
    return {
        "feature_file": feature_file,
        "scenario": document.get("name"),
        "example": sorted([k, v] for k, v in parameters.items() if k not in RUN_PARAMETERS),
        "profile": parameters.get("profile", ""),
        "runner": parameters.get("runner", ""),
        "verdict": _verdict(document),
        "status": document.get("status"),
        "labels": sorted(
            [lb["name"], lb["value"]]
            for lb in document.get("labels") or []
            if lb.get("name") not in RUN_SPECIFIC_LABELS
        ),
        "links": sorted(
            [lk.get("type"), lk.get("name"), lk.get("url")] for lk in document.get("links") or []
        ),
    }


def normalise_results(directory: Path) -> list[dict[str, Any]]:
    rows = [
        normalise_result(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*-result.json"))
    ]
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def normalise_kill_matrix(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": row["name"],
            "profiles": row["profiles"],
            "killed_by": sorted(row["killed_by"]),
            "kills": sorted(
                ([k["scenario"], k["example"], k["profile"]] for k in row["kills"]),
            ),
            "inconclusive_runs": row["inconclusive_runs"],
        }
        for row in sorted(document["mutants"], key=lambda m: str(m["name"]))
    ]


def capture(workdir: Path) -> dict[str, Any]:
    snapshot: dict[str, Any] = {"results": [], "kill_matrix": []}
    for runner in RUNNERS:
        results = workdir / runner
        done = _cli("run", "--runner", runner, "--all-profiles", "--results", results)
        if done.returncode != 0:
            raise RuntimeError(
                f"run --runner {runner} exited {done.returncode}: {done.stderr[-2000:]}"
            )
        snapshot["results"] += normalise_results(results)
    selftest = workdir / "selftest"
    done = _cli("selftest", "--target-mode", "inprocess", "--results", selftest)
    if done.returncode != 0:
        raise RuntimeError(f"selftest exited {done.returncode}: {done.stdout[-2000:]}")
    matrix = json.loads((selftest / "kill-matrix.json").read_text(encoding="utf-8"))
    snapshot["kill_matrix"] = normalise_kill_matrix(matrix)
    return snapshot


def write(snapshot: dict[str, Any], path: Path) -> None:
    """One row a line, so a change shows as a readable diff."""
    lines = ["{"]
    for i, (key, rows) in enumerate(snapshot.items()):
        lines.append(f" {json.dumps(key)}: [")
        lines += [
            "  " + json.dumps(row, ensure_ascii=False) + ("," if j < len(rows) - 1 else "")
            for j, row in enumerate(rows)
        ]
        lines.append(" ]" + ("," if i < len(snapshot) - 1 else ""))
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True, help="where the runs write")
    parser.add_argument("--out", type=Path, default=GOLDEN)
    args = parser.parse_args()
    snapshot = capture(args.workdir)
    write(snapshot, args.out)
    print(
        f"{len(snapshot['results'])} results, {len(snapshot['kill_matrix'])} mutants → {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
