"""(3) The served DSP's throughput: pre-signed DUIS requests at 1, 16 and 64 concurrent
clients, bounded in count and in time, on loopback.

Every request is a real DUIS 5.4 ``ReadInstantaneousImportRegisters`` (SRV 4.1.1) with an
XML signature by the supplier's key and its own RequestID, signed before the clock starts.
The served DSP does its whole work on each: schema validation, signature check, the rules,
the signed response. Each answer must be HTTP 200 with the DUIS code I99 (acknowledged).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks import loadgen
from benchmarks.common import BenchmarkError, Figures, load_average, shell
from benchmarks.served import Cast, provision, served
from harness.domain.requests import ReadInstantaneousImportRegisters, RequestId, ServiceRequest
from harness.duis.requests import encode_request
from harness.duis.signing import sign

REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Load:
    rate: float  # answered requests per second
    p50_ms: float
    p99_ms: float
    answered: int
    seconds: float
    client_cpu_ms: float


def presign(cast: Cast, count: int, first_counter: int) -> list[tuple[str, bytes]]:
    """(endpoint path, signed body) for ``count`` requests with fresh RequestIDs."""
    signed = []
    for counter in range(first_counter, first_counter + count):
        request = ServiceRequest(
            RequestId(cast.supplier, cast.meter, counter),
            "4.1.1",
            1,
            ReadInstantaneousImportRegisters(),
        )
        endpoint = request.routed_endpoint()
        assert endpoint is not None
        body = sign(encode_request(request), cast.signing.private_key, cast.signing.certificate)
        signed.append((endpoint.value, body))
    return signed


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def _load(url: str, signed: list[tuple[str, bytes]], clients: int, seconds: float) -> Load:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    raw = iter([loadgen.request_bytes(host, port, path, body) for path, body in signed])
    cpu_before = time.process_time()
    outcome, elapsed = asyncio.run(
        loadgen.drive(host, port, raw, clients, seconds, b">I99<", REQUEST_TIMEOUT)
    )
    client_cpu = time.process_time() - cpu_before
    if outcome.failures:
        raise BenchmarkError(f"the served DSP refused a request: {outcome.failures[0]}")
    answered = len(outcome.latencies)
    return Load(
        rate=answered / elapsed,
        p50_ms=statistics.median(outcome.latencies) * 1000,
        p99_ms=_percentile(outcome.latencies, 0.99) * 1000,
        answered=answered,
        seconds=elapsed,
        client_cpu_ms=client_cpu / max(answered, 1) * 1000,
    )


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _levels(
    url: str, pid: int, levels: Sequence[int], per_level: int, seconds: float
) -> dict[int, tuple[Load, float]]:
    """Each level's load and the server's CPU ms per request, on one served DSP."""
    cast = provision(url)
    counter = 1
    measured = {}
    for clients in levels:
        requests = presign(cast, per_level, counter)
        counter += per_level
        warm = presign(cast, min(20, per_level), counter)
        counter += len(warm)
        _load(url, warm, min(clients, 4), seconds)  # connections, caches
        cpu_before = process_cpu(pid)
        load = _load(url, requests, clients, seconds)
        measured[clients] = (load, (process_cpu(pid) - cpu_before) / max(load.answered, 1) * 1000)
    return measured


def measure(levels: Sequence[int], per_level: int, seconds: float) -> Figures:
    figures = Figures()
    with served() as (url, command, pid):
        for clients, (load, server_cpu_ms) in _levels(url, pid, levels, per_level, seconds).items():
            where = (
                f"{shell(command)}  # then: python benchmarks/run.py --only served "
                f"(≤{per_level} pre-signed 4.1.1 requests or ≤{seconds:g} s per level)"
            )
            note = (
                f"{load.answered} requests in {load.seconds:.2f} s; CPU per request: server "
                f"{server_cpu_ms:.2f} ms, load generator {load.client_cpu_ms:.2f} ms"
            )
            figures.add(f"served_rps_{clients}", load.rate, "req/s", where, note)
            figures.add(f"served_p50_ms_{clients}", load.p50_ms, "ms", where, note)
            figures.add(f"served_p99_ms_{clients}", load.p99_ms, "ms", where, note)
            figures.add(
                f"served_server_cpu_ms_{clients}", server_cpu_ms, "ms", where, "per request"
            )
    return figures


def compare(
    before: Path,
    levels: Sequence[int],
    per_level: int,
    seconds: float,
    rounds: int,
    without: Sequence[str] = (),
) -> dict[str, dict[int, list[tuple[Load, float]]]]:
    """The same levels against a "before" checkout's serve and this one's, alternating
    (before, after, before, after …) so that drifting load falls on both."""
    results: dict[str, dict[int, list[tuple[Load, float]]]] = {"before": {}, "after": {}}
    for _ in range(rounds):
        for side, tree in (("before", before), ("after", None)):
            hide = without if side == "before" else ()
            with served(tree=tree, without=hide) as (url, _, pid):
                for clients, measured in _levels(url, pid, levels, per_level, seconds).items():
                    results[side].setdefault(clients, []).append(measured)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput",
        description="The served DSP's throughput, this checkout against a before checkout "
        "(make one with: git archive REV | tar -x -C DIR)",
    )
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--requests", type=int, default=2000, help="per level (at most)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per level (at most)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--before-without",
        nargs="*",
        default=[],
        metavar="MODULE",
        help="packages the before checkout did not depend on, hidden from its server",
    )
    options = parser.parse_args(argv)
    load_before = load_average()
    results = compare(
        options.before,
        options.levels,
        options.requests,
        options.seconds,
        options.rounds,
        options.before_without,
    )
    print(
        f"load average {load_before} → {load_average()}; {options.rounds} rounds, "
        "alternating; per side: every round's req/s, p50 / p99 ms, server CPU ms/request"
    )
    print("| clients | before | after |\n|---:|---|---|")
    for clients in options.levels:
        cells = []
        for side in ("before", "after"):
            cells.append(
                "; ".join(
                    f"{load.rate:.0f} req/s, {load.p50_ms:.1f} / {load.p99_ms:.1f} ms, {cpu:.2f} ms"
                    for load, cpu in results[side][clients]
                )
            )
        print(f"| {clients} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
