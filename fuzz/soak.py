"""``make soak``: many concurrent clients against ``dsp-conformance serve`` on loopback for a
fixed time, then the state is checked.

Each client has its own keep-alive HTTP connection (the harness's World and adapter on the
cheaper wire of fuzz/soak_wire.py: the same requests and checks) and two meters of its own
(SMETS2 and SMETS1) on a DSP served with a state file, and loops until time is up over a mix
of: reads (SRV 4.1.1), the critical flow handing its SMETS2 meter's network-operator
certificates back and forth between two network operators (so every update must land on the
one before), the critical flow on its SMETS1 meter, inventory reads (SRV 8.2) and replays of
its last request (which must be refused, E44). Every operation has a known expected outcome;
anything else, including an inconclusive exchange, is an error. A SMETS2 meter answers in a
GBCS payload that the harness does not parse (an outcome read from standard DUIS elements
only): for the reads and handovers on SMETS2 meters, that answer counts as applied, and the
state check below says whether it really was.

Afterwards: every SMETS2 meter holds what its client last applied, every SMETS1 meter's
DSP and S1SP copies agree, no RequestID was accepted twice, and a second DSP rebuilt from
the state file holds exactly the same certificates as the live one.

The clients run in ``--processes`` processes (fuzz/soak_clients.py). By default each starts
its next operation as soon as the last one ends (a closed loop: N clients with no pause
between operations wait, by Little's law, N ÷ throughput on average). ``--rate R`` offers
R operations per second instead, arriving at random (an open loop): the latency at a
stated load.

    python -m fuzz.soak --clients 50 --seconds 60     # what `make soak` runs
    python -m fuzz.soak --clients 50 --seconds 60 --rate 40
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from benchmarks.served import hidden
from benchmarks.throughput import process_cpu
from fuzz.soak_clients import PROFILE, Share, run_share
from harness.duis.schema import duis_dir

if TYPE_CHECKING:
    from tests.reliability.server import Served

START_TIMEOUT = 300.0  # every client process's cast provisioned


def shares(
    url: str, clients: int, processes: int, seconds: float, rate: float | None
) -> list[Share]:
    """The clients split as evenly as they go over the processes (and the rate with them)."""
    processes = min(processes, clients)
    sizes = [clients // processes + (i < clients % processes) for i in range(processes)]
    firsts = [sum(sizes[:i]) for i in range(processes)]
    return [
        Share(url, first, size, seconds, None if rate is None else rate * size / clients, first)
        for first, size in zip(firsts, sizes, strict=True)
    ]


def drive(plan: list[Share]) -> tuple[list[dict[str, Any]], float, float]:
    """Run every share in its own process from one common start: (reports, elapsed, start)."""
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for share in plan:
        parent, child = context.Pipe()
        process = context.Process(target=run_share, args=(share, child), daemon=True)
        process.start()
        pipes.append(parent)
        processes.append(process)
    try:
        for pipe in pipes:
            if not pipe.poll(START_TIMEOUT):
                raise RuntimeError("a client process did not get ready in time")
            ready = pipe.recv()
            if "failed" in ready:
                raise RuntimeError(f"a client process could not set up: {ready['failed']}")
        started = time.monotonic()
        for pipe, share in zip(pipes, plan, strict=True):
            pipe.send(started + share.seconds)
        reports = []
        for pipe, share in zip(pipes, plan, strict=True):
            if not pipe.poll(share.seconds + 300):
                raise RuntimeError("a client process did not report in time")
            reports.append(pipe.recv())
        return reports, time.monotonic() - started, started
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


def held(url: str, device: str) -> object:
    answer = httpx.get(f"{url}/test-control/devices/{device}/certificates", timeout=10)
    answer.raise_for_status()
    return answer.json()


def soak(
    clients: int,
    seconds: float,
    folder: Path,
    serve_from: Path | None = None,
    serve_without: tuple[str, ...] = (),
    processes: int = 1,
    rate: float | None = None,
    keep_state: Path | None = None,
) -> int:
    from tests.reliability.server import start

    def start_server() -> Served:
        if serve_from is None:
            return start(log, "--state", str(state), profile=PROFILE)
        path = str(serve_from)
        if serve_without:
            path = f"{hidden(serve_without, folder / 'hidden')}{os.pathsep}{path}"
        tree = {"PYTHONPATH": path, "DSP_CONFORMANCE_DUIS_DIR": str(duis_dir())}
        return start(log, "--state", str(state), profile=PROFILE, env=tree, cwd=serve_from)

    state, log = folder / "state.db", folder / "serve.log"
    server = start_server()
    load_before = os.getloadavg()
    try:
        plan = shares(server.url, clients, processes, seconds, rate)
        how = "closed loop" if rate is None else f"open loop, {rate:g} operations/s offered"
        print(
            f"soak: {clients} clients in {len(plan)} process(es) for {seconds:g} s ({how}) "
            f"against {server.url}",
            flush=True,
        )
        server_cpu = process_cpu(server.process.pid)
        reports, elapsed, _ = drive(plan)
        server_cpu = process_cpu(server.process.pid) - server_cpu
    finally:
        server.stop()
    problems = [p for r in reports for p in r["problems"]]
    accepted = Counter(x for r in reports for x in r["accepted"])
    twice = [x for x, n in accepted.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} RequestID(s) accepted twice, e.g. {twice[0]}")
    live = {device: holding for r in reports for device, holding in r["devices"].items()}
    # A DSP rebuilt from the state file must hold exactly the same certificates.
    restarted = start_server()
    try:
        lost = [d for d in live if held(restarted.url, d) != live[d]]
    finally:
        restarted.stop()
    if lost:
        problems.append(f"{len(lost)} device(s) differ after a restart from the state file")
    if keep_state is not None:  # e.g. for benchmarks/served_stages.py; it holds a key: 0600
        keep(state, keep_state)
    served_log = log.read_text(errors="replace")
    undelivered = served_log.count("could not deliver")
    if undelivered:  # the clients' receivers did not take them in time (DELIVERY_TIMEOUT)
        print(f"soak: the served DSP could not deliver {undelivered} asynchronous response(s)")
        for line in [x for x in served_log.splitlines() if "could not deliver" in x][:3]:
            print(f"  {line[:300]}")
    if "Traceback" in served_log:
        problems.append(f"a traceback in the server log {log}")
    client_cpu = sum(r["cpu"] for r in reports)
    offered = sum(r["offered"] for r in reports) if rate is not None else None
    return summary(
        reports, elapsed, problems, (client_cpu, server_cpu), clients, offered, load_before
    )


def keep(state: Path, to: Path) -> None:
    """A consistent copy of the state file (SQLite's backup), readable by its owner only:
    like the original, it holds the served DSP's private key."""
    to.unlink(missing_ok=True)
    to.touch(mode=0o600)
    with (
        contextlib.closing(sqlite3.connect(state)) as source,
        contextlib.closing(sqlite3.connect(to)) as copy,
    ):
        source.backup(copy)
    print(f"soak: state file kept as {to} (mode 0600: it holds the served DSP's private key)")


def by_operation(timed: list[tuple[str, float]]) -> str:
    cells = []
    for op in sorted({op for op, _ in timed} - {"none"}):
        values = sorted(x for o, x in timed if o == op)
        if len(values) >= 2:
            q = statistics.quantiles(values, n=100)
            cells.append(f"{op} {q[49] * 1000:.0f} / {q[98] * 1000:.0f} ms")
    return ", ".join(cells)


def summary(
    reports: list[dict[str, Any]],
    elapsed: float,
    problems: list[str],
    cpu: tuple[float, float],
    clients: int,
    offered: int | None,
    load_before: tuple[float, float, float],
) -> int:
    ops = Counter[str]()
    for report in reports:
        ops.update(report["ops"])
    done = sum(ops.values())
    requests = sum(r["http"] for r in reports)
    errors = [e for r in reports for e in r["errors"]]
    timed = [(op, x) for r in reports for op, x in r["latencies"]]
    latencies = sorted(x for _, x in timed)
    print(
        f"soak: {done} operations ({done / elapsed:.1f}/s), {requests} DUIS requests served "
        f"in {elapsed:.1f} s ({requests / elapsed:.0f} requests/s); "
        + ", ".join(f"{n} {op}" for op, n in sorted(ops.items()))
    )
    if offered is not None:
        print(f"soak: {offered} operations offered ({offered / elapsed:.1f}/s, Poisson)")
    elif done:
        print(
            f"soak: closed loop: by Little's law {clients} clients ÷ {done / elapsed:.1f} "
            f"operations/s = {clients / (done / elapsed) * 1000:.0f} ms mean latency"
        )
    if requests:  # where the time goes: the clients share the machine with the DSP
        now = os.getloadavg()
        print(
            f"soak: CPU per DUIS request: clients {cpu[0] / requests * 1000:.1f} ms, "
            f"served DSP {cpu[1] / requests * 1000:.1f} ms (load average "
            f"{load_before[0]:.1f} → {now[0]:.1f})"
        )
    if latencies:
        quantiles = statistics.quantiles(latencies, n=100)
        print(
            f"soak: operation latency mean {statistics.fmean(latencies) * 1000:.0f} ms, "
            f"p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms, "
            f"p99 {quantiles[98] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        )
        print("soak: p50 / p99 by operation: " + by_operation(timed))
    print(f"soak: {len(errors)} errors")
    for error, count in Counter(errors).most_common(10):
        print(f"  {count:>5}  {error[:300]}")
    checks = "every SMETS2 holder as last applied, SMETS1 copies agree, no RequestID accepted "
    checks += "twice, state file rebuilds the same DSP"
    if problems:
        print(f"soak: state integrity FAILED ({len(problems)}):")
        for problem in problems[:20]:
            print(f"  {problem}")
    else:
        print(f"soak: state integrity checked: {checks}")
    return 0 if not errors and not problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fuzz.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--serve-from",
        type=Path,
        metavar="DIR",
        help="serve the DSP from another checkout (e.g. a before: git archive REV | tar -x -C DIR)",
    )
    parser.add_argument(
        "--serve-without",
        nargs="*",
        default=[],
        metavar="MODULE",
        help="with --serve-from: packages that checkout did not depend on, hidden from it",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="client processes, the clients shared among them (default: one per core)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        metavar="OPS_PER_S",
        help="open loop: offer this many operations per second in all, Poisson arrivals "
        "(default: closed loop, each client's next operation as soon as its last ends)",
    )
    parser.add_argument(
        "--keep-state",
        type=Path,
        metavar="FILE",
        help="keep a copy of the served DSP's state file (e.g. for benchmarks/served_stages.py)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 3600:
        parser.error("1 ≤ --clients ≤ 500 and 0 < --seconds ≤ 3600 (load stays bounded)")
    if not 1 <= args.processes <= 64 or (args.rate is not None and not 0 < args.rate <= 10_000):
        parser.error("1 ≤ --processes ≤ 64 and 0 < --rate ≤ 10000")
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        return soak(
            args.clients,
            args.seconds,
            Path(folder),
            args.serve_from,
            tuple(args.serve_without),
            args.processes,
            args.rate,
            args.keep_state,
        )


if __name__ == "__main__":
    sys.exit(main())
