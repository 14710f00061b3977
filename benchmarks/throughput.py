"""(3) The served DSP's throughput: pre-signed DUIS requests at 1, 16 and 64 concurrent
clients, bounded in count and in time, on loopback.

Every request is a real DUIS 5.4 ``ReadInstantaneousImportRegisters`` (SRV 4.1.1) with an
XML signature by the supplier's key and its own RequestID, signed before the clock starts.
The served DSP does its whole work on each: schema validation, signature check, the rules,
the signed response. Each answer must be HTTP 200 with the DUIS code I99 (acknowledged).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

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


async def _drive(url: str, requests: list[tuple[str, bytes]], clients: int, seconds: float) -> Load:
    latencies: list[float] = []
    queue = iter(requests)
    deadline = time.perf_counter() + seconds
    failures: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"content-type": "application/xml"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=REQUEST_TIMEOUT) as client:

        async def worker() -> None:
            for path, body in queue:
                if time.perf_counter() > deadline or failures:
                    return
                began = time.perf_counter()
                answer = await client.post(path, content=body, headers=headers)
                latencies.append(time.perf_counter() - began)
                if answer.status_code != 200 or b">I99<" not in answer.content:
                    failures.append(f"HTTP {answer.status_code}: {answer.text[:300]}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    if failures:
        raise BenchmarkError(f"the served DSP refused a request: {failures[0]}")
    return Load(
        rate=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=_percentile(latencies, 0.99) * 1000,
        answered=len(latencies),
        seconds=elapsed,
    )


def measure(levels: Sequence[int], per_level: int, seconds: float) -> Figures:
    figures = Figures()
    with served() as (url, command):
        cast = provision(url)
        counter = 1
        for clients in levels:
            requests = presign(cast, per_level, counter)
            counter += per_level
            warm = presign(cast, min(20, per_level), counter)
            counter += len(warm)
            asyncio.run(_drive(url, warm, min(clients, 4), seconds))  # connections, caches
            load = asyncio.run(_drive(url, requests, clients, seconds))
            where = (
                f"{shell(command)}  # then: python benchmarks/run.py --only served "
                f"(≤{per_level} pre-signed 4.1.1 requests or ≤{seconds:g} s per level)"
            )
            note = f"{load.answered} requests in {load.seconds:.2f} s"
            figures.add(f"served_rps_{clients}", load.rate, "req/s", where, note)
            figures.add(f"served_p50_ms_{clients}", load.p50_ms, "ms", where, note)
            figures.add(f"served_p99_ms_{clients}", load.p99_ms, "ms", where, note)
    return figures
