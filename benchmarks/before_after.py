"""Compare two checkouts of the harness on the same workloads, side by side in one run:

    python benchmarks/before_after.py --before DIR --after DIR [--repeats N] [--json PATH]

Each checkout runs from its own folder (``PYTHONPATH=DIR python -m harness.cli.main …``), with
this virtualenv, the same DUIS data and the same Allure install; the workloads alternate
between the two (before, after, before, after …) and each figure is the fastest of the
repeats. The table goes to stdout. Make a "before" checkout with ``git archive <rev> | tar -x
-C DIR`` (docs/performance.md shows the one used for the published table).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import PYTHON, REPO, Timed, fastest, least_cpu, load_average, run_timed
from benchmarks.rendering import write_results
from harness.duis.schema import duis_dir
from harness.generate import DEFAULT_TABLES, generate
from harness.report.allure_html import TOOLS_DIR_ENV, default_tools_dir

TIMEOUT = 1800.0


def _cli(tree: Path, *args: str | Path) -> tuple[list[str], dict[str, str]]:
    env = {
        "PYTHONPATH": str(tree),
        "DSP_CONFORMANCE_DUIS_DIR": str(duis_dir()),
        TOOLS_DIR_ENV: str(default_tools_dir()),
    }
    return [PYTHON, "-m", "harness.cli.main", *map(str, args)], env


def workloads(work: Path) -> dict[str, Callable[[Path, str], tuple[list[str], dict[str, str]]]]:
    """name → (tree, side) → command; ``side`` keeps the two trees' outputs apart."""
    generated = work / "generated"
    generate(DEFAULT_TABLES, generated, 2000)
    rendered = work / "results-10k"
    write_results(rendered, 10_000)

    def fresh(path: Path) -> Path:
        if path.exists():
            shutil.rmtree(path)
        return path

    return {
        "CLI start-up (dsp-conformance --version)": lambda t, s: _cli(t, "--version"),
        "check (committed features, 2,098 scenarios)": lambda t, s: _cli(t, "check"),
        "run, 2,000 generated, pytest-bdd": lambda t, s: _cli(
            t,
            "run",
            "--features",
            generated,
            "--tags",
            "@generated",
            "--results",
            fresh(work / f"r-{s}"),
        ),
        "run again into the same results folder": lambda t, s: _cli(
            t,
            "run",
            "--features",
            generated,
            "--tags",
            "@generated",
            "--results",
            work / f"r-{s}",
        ),
        "run, 2,000 generated, behave": lambda t, s: _cli(
            t,
            "run",
            "--features",
            generated,
            "--tags",
            "@generated",
            "--runner",
            "behave",
            "--results",
            fresh(work / f"rb-{s}"),
        ),
        "run, default suite, every profile (make run)": lambda t, s: _cli(
            t,
            "run",
            "--all-profiles",
            "--results",
            fresh(work / f"rd-{s}"),
        ),
        "report, 10,000 results (summary + Allure)": lambda t, s: _cli(
            t,
            "report",
            "--results",
            rendered,
            "--out",
            fresh(work / f"html-{s}"),
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args(argv)
    trees = {"before": options.before.resolve(), "after": options.after.resolve()}
    rows: list[dict[str, Any]] = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="dsp-before-after-") as scratch:
        for name, build in workloads(Path(scratch)).items():
            timings: dict[str, list[Timed]] = {"before": [], "after": []}
            for _ in range(options.repeats):
                for side, tree in trees.items():
                    command, env = build(tree, side)
                    timings[side].append(
                        run_timed(command, cwd=tree, env=env, timeout=TIMEOUT, accept=(0, 1, 3))
                    )
            row: dict[str, Any] = {
                "workload": name,
                **{f"{side}_s": round(fastest(t), 2) for side, t in timings.items()},
                **{f"{side}_cpu_s": round(least_cpu(t), 2) for side, t in timings.items()},
            }
            row["speedup"] = round(row["before_s"] / row["after_s"], 2)
            rows.append(row)
            print(f"{name}: {row}", flush=True)
    header = "| workload | before (s) | after (s) | before CPU (s) | after CPU (s) | speed-up |"
    lines = [header, "|---|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {r['workload']} | {r['before_s']} | {r['after_s']} | {r['before_cpu_s']} "
        f"| {r['after_cpu_s']} | {r['speedup']}× |"
        for r in rows
    ]
    note = (
        f"fastest of {options.repeats}, alternating; load average {load_before} before, "
        f"{load_average()} after; {os.cpu_count()} CPUs"
    )
    print("\n".join([*lines, "", note]))
    if options.json:
        options.json.write_text(json.dumps({"rows": rows, "note": note}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
