"""(4) Time to verdict against a DSP with real latencies: the whole committed suite (one
profile) against ``serve --sync-delay … --device-delay …``, with ``run --in-flight N``,
beside the ideal and a serial run.

- The waiting is what the served DSP actually delayed (``serve --latency-log``): every
  synchronous answer's delay and every batch of asynchronous answers' delay, each filed
  under its RequestID; each scenario's RequestIDs are read from its evidence (the DUIS
  requests attached to its Allure result), so a scenario's critical path is the sum of the
  delays of its own requests.
- Ideal = max(the slowest scenario's critical path, total waiting ÷ N). The served DSP keeps
  a clock and an S1SP fault per scope (``scoped_clock``, ``scoped_fault``), so
  ``--in-flight`` has every scenario in flight at once: the least that schedule allows is
  the "scoped ideal" (the ideal without the delays under no scenario's RequestID). A DSP
  with one clock needs
  phases that keep each scenario's clock (harness/running/clock_groups.py): the least those
  allow, the sum over the phases of max(the phase's slowest critical path, its waiting ÷ N)
  and its clock moves, is the "one-clock ideal". Both are reported beside the ideal.
- Where the time goes: every scenario's start and stop (its Allure result) against the
  command's start and end: how long before the first scenario began, the runner's span, how
  long after the last ended, and when the slowest scenario began and how long it took for
  its delays.
- Serial = the summed waiting + the wall time of the same serial run against a DSP without
  latency (its CPU and overheads): a serial run at these latencies takes many minutes, so
  it is estimated, and the figure's note says so. That serial run's verdicts are the
  reference: the benchmark fails unless the in-flight run's are the same, scenario by
  scenario.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import commands
from benchmarks.common import CLI, BenchmarkError, Figures, run_timed, shell
from benchmarks.served import served
from harness.running.clock_groups import clock_group, moves_clock, phases, scoped_phases
from harness.server.latency import read_log, request_id_in

TIMEOUT = 3600.0
PROFILE = "baseline"


@dataclass(frozen=True)
class Scenario:
    key: tuple[str, str]  # full name, example
    verdict: tuple[str, str]  # the harness's verdict, the Allure status
    steps: tuple[str, ...]
    request_ids: frozenset[str]
    moves_clock_at: float | None  # when its clock step began (epoch seconds), if it has one
    start: float  # epoch seconds
    stop: float


def _attachments(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from node.get("attachments") or []
    for step in node.get("steps") or []:
        yield from _attachments(step)


def scenarios(results: Path) -> dict[tuple[str, str], Scenario]:
    """Every scenario run of a results folder, with its verdict and its RequestIDs."""
    found: dict[tuple[str, str], Scenario] = {}
    for path in sorted(results.glob("*-result.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        parameters = data.get("parameters") or []
        example = commands.example_of(parameters)
        key = (str(data.get("fullName", "")), example)
        if key in found:
            raise BenchmarkError(f"{results}: {key} appears twice")
        outcome = data.get("harnessOutcome") or {}
        steps = tuple(str(s["name"]).split(" ", 1)[-1] for s in data.get("steps") or [])
        moves = [
            float(step["start"]) / 1000
            for step in data.get("steps") or []
            if moves_clock(str(step["name"]).split(" ", 1)[-1]) and "start" in step
        ]
        ids = set()
        for attachment in _attachments(data):
            if str(attachment.get("name", "")).endswith("DUIS request"):
                name = request_id_in((results / attachment["source"]).read_bytes())
                if name is not None:
                    ids.add(name)
        verdict = (str(outcome.get("verdict")), str(data.get("status")))
        found[key] = Scenario(
            key,
            verdict,
            steps,
            frozenset(ids),
            min(moves, default=None),
            float(data.get("start", 0)) / 1000,
            float(data.get("stop", 0)) / 1000,
        )
    return found


@dataclass(frozen=True)
class Waiting:
    total: float
    per_scenario: dict[tuple[str, str], float]
    before_clock_move: dict[tuple[str, str], float]  # the part served before its clock step
    unattributed: float
    delays: int


def waiting(log: Path, runs: dict[tuple[str, str], Scenario]) -> Waiting:
    owner = {rid: key for key, s in runs.items() for rid in s.request_ids}
    per: dict[tuple[str, str], float] = defaultdict(float)
    before: dict[tuple[str, str], float] = defaultdict(float)
    total = unattributed = 0.0
    entries = read_log(log)
    for entry in entries:
        seconds = float(str(entry["seconds"]))
        total += seconds
        key = owner.get(str(entry.get("request_id")))
        if key is None:
            unattributed += seconds
        else:
            per[key] += seconds
            at = float(str(entry["at"]))
            moved = runs[key].moves_clock_at
            if moved is None or at < moved:
                before[key] += seconds
    return Waiting(total, dict(per), dict(before), unattributed, len(entries))


@dataclass(frozen=True)
class Ideals:
    plain: float  # max(critical path, waiting ÷ N)
    scoped: float  # the least the scoped-clock schedule allows
    one_clock: float  # the least the one-clock phases allow


def ideals(runs: dict[tuple[str, str], Scenario], wait: Waiting, in_flight: int) -> Ideals:
    """A delay under no scenario's RequestID counts in the plain ideal only. A one-clock
    phase whose scenarios move the clock lasts at least the longest wait before the clock
    moves plus, rank by rank, the longest wait after it (each rank moves the clock after
    the one before has ended)."""
    keys = sorted(runs)
    total = [wait.per_scenario.get(k, 0.0) for k in keys]
    before = [wait.before_clock_move.get(k, 0.0) for k in keys]
    plain = max(max(total, default=0.0), wait.total / in_flight)
    scoped = 0.0
    for phase in scoped_phases([list(runs[k].steps) for k in keys]):
        members = [total[i] for i in phase.members]
        scoped += max(*members, sum(members) / in_flight)
    one_clock = 0.0
    for phase in phases([clock_group(runs[k].steps) for k in keys], in_flight):
        members = [total[i] for i in phase.members]
        bound = max(*members, sum(members) / in_flight)
        if phase.lockstep:
            after: dict[int, float] = defaultdict(float)
            for member in phase.members:
                rank = phase.rank(member)
                if rank:
                    after[rank] = max(after[rank], total[member] - before[member])
            ahead = max(before[i] for i in phase.members)
            bound = max(bound, ahead + sum(after.values()))
        one_clock += bound
    return Ideals(plain, scoped, one_clock)


@dataclass(frozen=True)
class Timeline:
    """Where the time to verdict went, from each scenario's start and stop."""

    before_first: (
        float  # the command's start → the first scenario's start (lint, collection, forks)
    )
    span: float  # the first scenario's start → the last one's stop
    after_last: float  # the last scenario's stop → the command's end (enrichment, records)
    slowest_began: float  # when the scenario with the most delays began, after the first
    slowest_took: float  # …how long it ran
    slowest_waited: float  # …and its delays
    overrun_median: float  # a scenario's run time beyond its own delays, the median


def timeline(
    runs: dict[tuple[str, str], Scenario], wait: Waiting, began: float, ended: float
) -> Timeline:
    first = min(s.start for s in runs.values())
    last = max(s.stop for s in runs.values())
    slowest = max(runs, key=lambda k: wait.per_scenario.get(k, 0.0))
    overruns = sorted(s.stop - s.start - wait.per_scenario.get(k, 0.0) for k, s in runs.items())
    return Timeline(
        before_first=first - began,
        span=last - first,
        after_last=ended - last,
        slowest_began=runs[slowest].start - first,
        slowest_took=runs[slowest].stop - runs[slowest].start,
        slowest_waited=wait.per_scenario.get(slowest, 0.0),
        overrun_median=overruns[len(overruns) // 2],
    )


def _run(url: str, results: Path, tags: str | None, in_flight: int) -> list[str]:
    command = [CLI, "run", "--target", url, "--profile", PROFILE, "--results", str(results)]
    if tags:
        command += ["--tags", tags]
    if in_flight:
        command += ["--in-flight", str(in_flight)]
    return command


def measure(work: Path, sync: str, device: str, in_flight: int, tags: str | None = None) -> Figures:
    work.mkdir(parents=True, exist_ok=True)
    serial_results, results, log = work / "r-serial", work / "r-in-flight", work / "delays.jsonl"
    for folder in (serial_results, results):
        if folder.exists():
            shutil.rmtree(folder)
    log.unlink(missing_ok=True)
    # Exit 1 or 3 too: the verdicts are compared, not judged (SMETS2 outcomes travel in GBCS).
    accept = (0, 1, 3)
    with served() as (url, serve_plain, _):
        serial_command = _run(url, serial_results, tags, 0)
        serial = run_timed(serial_command, timeout=TIMEOUT, accept=accept)
    model = ["--sync-delay", sync, "--device-delay", device, "--latency-seed", "1"]
    with served([*model, "--latency-log", str(log)]) as (url, serve_late, _):
        command = _run(url, results, tags, in_flight)
        began = time.time()
        timed = run_timed(command, timeout=TIMEOUT, accept=accept)
        ended = time.time()
    reference, runs = scenarios(serial_results), scenarios(results)
    differing = sorted(
        k
        for k in set(reference) | set(runs)
        if k in reference and k in runs and reference[k].verdict != runs[k].verdict
    )
    missing = set(reference) ^ set(runs)
    if differing or missing or not runs:
        shown = "; ".join(f"{k[0]} [{k[1]}]" for k in (differing + sorted(missing))[:5])
        raise BenchmarkError(
            f"--in-flight {in_flight} at latency: {len(differing)} verdict(s) differ from the "
            f"serial run's and {len(missing)} scenario(s) ran in one only: {shown}"
        )
    wait = waiting(log, runs)
    bounds = ideals(runs, wait, in_flight)
    ideal, ideal_one_clock = bounds.plain, bounds.one_clock
    spent = timeline(runs, wait, began, ended)
    critical = max(wait.per_scenario.values(), default=0.0)
    serial_estimate = wait.total + serial.seconds
    where = f"({shell(serve_late)} &) && {shell(command)}"
    where_serial = f"({shell(serve_plain)} &) && {shell(serial_command)}"
    scope = f"the committed suite ({tags or 'default selection'}), profile {PROFILE}"
    note = (
        f"{len(runs)} scenario runs of {scope}, --in-flight {in_flight}, against a served "
        "DSP with a clock and an S1SP fault per scenario (scoped_clock, scoped_fault); "
        f"sync {sync}, device {device}; "
        "verdicts identical to the serial run's"
    )
    figures = Figures()
    figures.add("latency_time_to_verdict_seconds", timed.seconds, "s", where, note)
    figures.add(
        "latency_waiting_seconds",
        wait.total,
        "s",
        where,
        f"what the served DSP delayed ({wait.delays} delays, --latency-log); "
        f"{wait.unattributed:.1f} s under no scenario's RequestID",
    )
    figures.add(
        "latency_critical_path_seconds",
        critical,
        "s",
        where,
        "the slowest scenario's summed delays",
    )
    figures.add(
        "latency_ideal_seconds",
        ideal,
        "s",
        "derived",
        f"max(critical path, waiting ÷ {in_flight})",
    )
    figures.add(
        "latency_ideal_scoped_seconds",
        bounds.scoped,
        "s",
        "derived",
        "the least the scoped-clock schedule allows: every scenario in flight at once "
        f"(max(slowest, its scenarios' delays ÷ {in_flight}))",
    )
    figures.add(
        "latency_ideal_one_clock_seconds",
        ideal_one_clock,
        "s",
        "derived",
        "the least the phases that keep the DSP's one clock allow: Σ over phases of "
        f"max(its slowest scenario's delays, its delays ÷ {in_flight}, and where it moves "
        "the clock, the longest delays before the move + per instant moved to the longest "
        "after it)",
    )
    figures.add(
        "latency_serial_seconds",
        serial_estimate,
        "s",
        where_serial,
        f"ESTIMATED: the waiting ({wait.total:.1f} s) + this serial run against a DSP "
        f"without latency ({serial.seconds:.1f} s); its verdicts are the reference",
    )
    figures.add(
        "latency_efficiency",
        ideal / timed.seconds,
        "",
        "ratio of the figures above",
        "ideal ÷ time to verdict (whole command: lint, runner, enrichment)",
    )
    figures.add(
        "latency_efficiency_one_clock",
        ideal_one_clock / timed.seconds,
        "",
        "ratio of the figures above",
        "one-clock ideal ÷ time to verdict: the gain over the least any schedule of a DSP with"
        " one clock allows (above 1: the run beat it); no goal, the goal is latency_efficiency",
    )
    figures.add(
        "latency_efficiency_scoped",
        bounds.scoped / timed.seconds,
        "",
        "ratio of the figures above",
        "scoped ideal ÷ time to verdict",
    )
    where_time_went = [
        ("before_first", spent.before_first, "the command's start → the first scenario's"),
        ("span", spent.span, "the first scenario's start → the last one's stop"),
        ("after_last", spent.after_last, "the last scenario's stop → the command's end"),
        ("slowest_began", spent.slowest_began, "the slowest scenario's start, after the first"),
        ("slowest_took", spent.slowest_took, f"its run time ({spent.slowest_waited:.1f} s delays)"),
        ("overrun_median", spent.overrun_median, "a scenario's run time beyond its delays"),
    ]
    where_time_went.append(
        ("cpu", timed.cpu, "the run's CPU (its runner and every copy; the served DSP's apart)")
    )
    for name, seconds, what in where_time_went:
        figures.add(f"latency_timeline_{name}_seconds", seconds, "s", where, what)
    figures.add(
        "latency_speedup_vs_serial",
        serial_estimate / timed.seconds,
        "×",
        "ratio of the figures above",
        "serial (estimated) ÷ time to verdict",
    )
    figures.add("latency_in_flight", in_flight, "", where, "run --in-flight")
    figures.add("latency_scenarios", len(runs), "", where, scope)
    return figures
