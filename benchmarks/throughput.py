"""(3) The served DSP's throughput: pre-signed DUIS requests at 1, 16 and 64 concurrent
clients, bounded in count and in time, on loopback.

Every request is a real DUIS 5.4 ``ReadInstantaneousImportRegisters`` (SRV 4.1.1) with an
XML signature by the supplier's key and its own RequestID, signed before the clock starts.
The served DSP does its whole work on each: schema validation, signature check, the rules,
the signed response. Each answer must be HTTP 200 with the DUIS code I99 (acknowledged).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks import loadgen
from benchmarks.common import BenchmarkError, Figures, shell
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


def _server_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc), 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(levels: Sequence[int], per_level: int, seconds: float) -> Figures:
    figures = Figures()
    with served() as (url, command, pid):
        cast = provision(url)
        counter = 1
        for clients in levels:
            requests = presign(cast, per_level, counter)
            counter += per_level
            warm = presign(cast, min(20, per_level), counter)
            counter += len(warm)
            _load(url, warm, min(clients, 4), seconds)  # connections, caches
            cpu_before = _server_cpu(pid)
            load = _load(url, requests, clients, seconds)
            server_cpu_ms = (_server_cpu(pid) - cpu_before) / max(load.answered, 1) * 1000
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
