"""(4) Latency hiding: generated scenarios against the served DSP answering every DUIS request
after a fixed delay, with pytest-xdist workers as the concurrency, against the ideal
``scenarios × delay ÷ concurrency`` (each generated scenario sends exactly one DUIS request;
its provisioning goes to the test-control API, which is not delayed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import commands, suites
from benchmarks.common import CLI, Figures, run_timed, shell
from benchmarks.served import served

TIMEOUT = 1800.0


def measure(work: Path, scenarios: int, delay_ms: float, workers: int) -> Figures:
    features = suites.generated_suite(work / "latency-features", scenarios)
    results = work / "r-latency"
    if results.exists():
        shutil.rmtree(results)
    with served(["--delay-ms", f"{delay_ms:g}"]) as (url, serve_command, _):
        command = commands.harness_run(features, results, workers=workers, target=url)
        # Exit 3 too: over DUIS a SMETS2 device's outcome travels in GBCS (inconclusive).
        timed = run_timed(command, timeout=TIMEOUT, accept=(0, 3))
    span = commands.execution_span(results)
    verdicts = commands.statuses(results)
    passed = sum(1 for s in verdicts.values() if s == "passed")
    ideal = scenarios * delay_ms / 1000 / workers
    where = (
        f"{shell([CLI, 'generate', '--examples', str(scenarios), '--out', str(features)])} && "
        f"({shell(serve_command)} &) && {shell(command)}"
    )
    figures = Figures()
    note = f"{scenarios} scenarios, {workers} workers, {delay_ms:g} ms; {passed} passed"
    figures.add("latency_ideal_seconds", ideal, "s", "derived", "scenarios × delay ÷ workers")
    figures.add("latency_wall_seconds", timed.seconds, "s", where, note)
    figures.add(
        "latency_span_seconds",
        span,
        "s",
        where,
        "first scenario start to last scenario stop (Allure timestamps): the run without "
        "the start-up of its worker processes",
    )
    figures.add(
        "latency_hiding_efficiency",
        ideal / span if span else 0.0,
        "",
        "ratio of the figures above",
        "ideal ÷ execution span",
    )
    figures.add(
        "latency_hiding_efficiency_wall",
        ideal / timed.seconds,
        "",
        "ratio of the figures above",
        "ideal ÷ the whole command's wall time (worker start-up included)",
    )
    if passed != len(verdicts) or len(verdicts) != scenarios:
        figures.values[
            "latency_hiding_efficiency"
        ].note += f"; WARNING: {len(verdicts)} results, {passed} passed"
    return figures
