"""The benchmarks, in one run: ``python benchmarks/run.py [--quick] [--only PART …]``.

Writes ``benchmarks/results.json`` and ``benchmarks/results.md`` (both git-ignored) and
prints the table. Every figure is a rate, or a ratio of two things measured side by side in
this run, and carries the command that reproduces it. What is measured and why:
docs/performance.md.

Parts: overhead (harness against bare pytest-bdd and behave), parallel (-n 2 against -n 0),
served (signed DUIS requests per second against ``dsp-conformance serve``), latency (time to
verdict of the committed suite against a DSP with real latencies, ``run --in-flight 64``),
render (10,000 results), scale (cost per scenario at
100 / 1,000 / 10,000 examples), validation (bench_validation.py's micro-benchmark).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import latency, rendering, suite_runs, throughput
from benchmarks.common import REPO, Figures, compile_tree, load_average
from benchmarks.table import GOALS, markdown

PARTS = ("overhead", "parallel", "served", "latency", "render", "scale", "validation")


@dataclass(frozen=True)
class Plan:
    name: str
    overhead_size: int
    overhead_repeats: int
    no_allure_variants: bool
    parallel_size: int
    parallel_repeats: int
    scale_sizes: tuple[int, ...]
    scale_repeats: int
    served_levels: tuple[int, ...]
    served_requests: int
    served_seconds: float
    latency_sync: str
    latency_device: str
    latency_in_flight: int
    latency_tags: str | None
    render_results: int


FULL = Plan(
    name="full",
    overhead_size=2000,
    overhead_repeats=3,
    no_allure_variants=True,
    parallel_size=2000,
    parallel_repeats=2,
    scale_sizes=(100, 1000, 10_000),
    scale_repeats=3,
    served_levels=(1, 16, 64),
    served_requests=2000,
    served_seconds=10.0,
    latency_sync="200-500ms",
    latency_device="2-8s",
    latency_in_flight=64,
    latency_tags=None,
    render_results=10_000,
)
QUICK = Plan(
    name="quick",
    overhead_size=500,
    overhead_repeats=1,
    no_allure_variants=False,
    parallel_size=800,
    parallel_repeats=1,
    scale_sizes=(30, 150),
    scale_repeats=1,
    served_levels=(1, 16, 64),
    served_requests=300,
    served_seconds=3.0,
    latency_sync="50-125ms",
    latency_device="0.5-2s",
    latency_in_flight=64,
    latency_tags=None,
    render_results=2000,
)
SELF_CHECK = Plan(
    name="self-check",
    overhead_size=6,
    overhead_repeats=1,
    no_allure_variants=False,
    parallel_size=6,
    parallel_repeats=1,
    scale_sizes=(3, 6),
    scale_repeats=1,
    served_levels=(1, 16),
    served_requests=20,
    served_seconds=2.0,
    latency_sync="1-5ms",
    latency_device="10-50ms",
    latency_in_flight=4,
    latency_tags="@req:DUIS-future-dated-cancellation or @req:DUIS-signature",
    render_results=40,
)


def _validation(plan: Plan) -> Figures:
    from benchmarks import bench_validation

    chosen = bench_validation.QUICK if plan.name != "full" else bench_validation.FULL
    report = bench_validation.run(chosen)["results"]
    figures = Figures()
    where = "python benchmarks/bench_validation.py" + (" --quick" if plan.name != "full" else "")
    for key in ("non_critical", "critical"):
        figures.add(
            f"validation_{key}_us",
            report[key]["median_us"],
            "µs",
            where,
            report[key]["label"],
        )
    figures.add(
        "validation_critical_per_ecdsa_pair",
        report["critical"]["ratio_to_ecdsa_pair"],
        "×",
        where,
        "critical 6.15.1 flow ÷ a bare ECDSA sign + verify",
    )
    return figures


def measurements(plan: Plan, work: Path) -> dict[str, Callable[[], Figures]]:
    return {
        "overhead": lambda: suite_runs.overhead(
            work / "overhead",
            plan.overhead_size,
            plan.overhead_repeats,
            no_allure=plan.no_allure_variants,
        ),
        "parallel": lambda: suite_runs.parallel(
            work / "parallel", plan.parallel_size, plan.parallel_repeats
        ),
        "served": lambda: throughput.measure(
            plan.served_levels, plan.served_requests, plan.served_seconds
        ),
        "latency": lambda: latency.measure(
            work / "latency",
            plan.latency_sync,
            plan.latency_device,
            plan.latency_in_flight,
            plan.latency_tags,
        ),
        "render": lambda: rendering.measure(work / "render", plan.render_results),
        "scale": lambda: suite_runs.scale(work / "scale", plan.scale_sizes, plan.scale_repeats),
        "validation": lambda: _validation(plan),
    }


def environment(plan: Plan, load_before: list[float]) -> dict[str, Any]:
    return {
        "mode": plan.name,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "python_dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
        "load_average_after": load_average(),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": {k: v for k, v in plan.__dict__.items() if k != "name"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller sizes, about 3 minutes")
    mode.add_argument(
        "--self-check",
        action="store_true",
        help="every part at a toy size: proves the benchmark runs (its figures mean nothing)",
    )
    parser.add_argument("--only", action="append", choices=PARTS, help="run only this part")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks", help="where to write")
    options = parser.parse_args(argv)
    plan = SELF_CHECK if options.self_check else QUICK if options.quick else FULL
    parts = options.only or list(PARTS)
    compile_tree()  # the code every measured process imports, compiled as an install has it
    load_before = load_average()
    started = time.perf_counter()
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="dsp-bench-") as scratch:
        chosen = measurements(plan, Path(scratch))
        for part in parts:
            print(f"== {part} ({plan.name})", flush=True)
            began = time.perf_counter()
            figures.values.update(chosen[part]().values)
            print(f"   {time.perf_counter() - began:.1f} s", flush=True)
        for figure in figures.values.values():
            figure.command = figure.command.replace(scratch, "$WORK")
    env = environment(plan, load_before)
    env["seconds"] = round(time.perf_counter() - started, 1)
    document: dict[str, Any] = {k: round(f.value, 4) for k, f in figures.values.items()}
    document["figures"] = {k: f.as_json() for k, f in figures.values.items()}
    document["goals"] = {
        key: {"goal": goal.text, "met": goal.met(figures.values[key].value)}
        for key, goal in GOALS.items()
        if key in figures.values
    }
    document["environment"] = env
    options.out.mkdir(parents=True, exist_ok=True)
    (options.out / "results.json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    table = markdown(figures, env)
    (options.out / "results.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
