"""Compare two checkouts of the harness on the same workloads, side by side in one run:

    python benchmarks/before_after.py --before DIR --after DIR [--repeats N] [--json PATH]
        [--bare] [--own-folders]

Each checkout runs from its own folder (``PYTHONPATH=DIR python -m harness.cli.main …``), with
this virtualenv, the same DUIS data and the same Allure install; the workloads alternate
between the two (before, after, before, after …) and each figure is the fastest of the
repeats. The table goes to stdout. ``--bare`` adds the bare pytest-bdd and behave projects
of the overhead benchmark (``benchmarks/suites.py``) on the same 2,000 generated scenarios,
timed in the same rounds (the same command for both sides), so a harness ÷ bare ratio can be
taken before and after. ``--own-folders``: every run writes into a results folder of its
own and none is deleted until the end (the overhead benchmark's protocol; by default a
run's folder is emptied before it, which on some file systems makes the run's own files
dearer: docs/performance.md, "per-scenario costs"; the workload that runs again into the
same folder is then left out). Make a "before" checkout with ``git archive <rev> | tar -x
-C DIR`` (docs/performance.md shows the one used for the published table).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import commands, suites
from benchmarks.common import (
    PYTHON,
    REPO,
    Timed,
    compile_tree,
    fastest,
    least_cpu,
    load_average,
    run_timed,
)
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


AGAIN = "run again into the same results folder"
Workload = Callable[[Path, str], tuple[list[str], dict[str, str]]]


def workloads(work: Path, *, bare: bool = False, own_folders: bool = False) -> dict[str, Workload]:
    """name → (tree, side) → command; ``side`` keeps the two trees' outputs apart."""
    generated = work / "generated"
    generate(DEFAULT_TABLES, generated, 2000)
    rendered = work / "results-10k"
    write_results(rendered, 10_000)
    made = itertools.count()

    def fresh(path: Path) -> Path:
        if own_folders:  # a new folder, nothing deleted
            return path.with_name(f"{path.name}-{next(made)}")
        if path.exists():
            shutil.rmtree(path)
        return path

    extra: dict[str, Workload] = {}
    if bare:
        bare_b = suites.bare_behave(work / "bare-behave", generated)
        bare_p = suites.bare_pytest_bdd(work / "bare-pytest-bdd", generated)
        extra = {
            "bare pytest-bdd, 2,000 generated (both sides the same)": lambda t, s: (
                commands.bare_pytest_bdd(bare_p, fresh(work / f"bare-p-{s}")),
                {},
            ),
            "bare behave, 2,000 generated (both sides the same)": lambda t, s: (
                commands.bare_behave(bare_b, fresh(work / f"bare-b-{s}")),
                {},
            ),
        }

    chosen: dict[str, Workload] = extra | {
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
        AGAIN: lambda t, s: _cli(
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
    if own_folders:  # it runs again into the folder of the first run, which is kept apart now
        del chosen[AGAIN]
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--bare", action="store_true", help="the bare runners too")
    parser.add_argument("--own-folders", action="store_true", help="no results folder deleted")
    options = parser.parse_args(argv)
    trees = {"before": options.before.resolve(), "after": options.after.resolve()}
    for tree in trees.values():
        compile_tree(tree)  # both compiled, as installed code is
    rows: list[dict[str, Any]] = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="dsp-before-after-") as scratch:
        work = Path(scratch)
        chosen = workloads(work, bare=options.bare, own_folders=options.own_folders)
        for name, build in chosen.items():
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
