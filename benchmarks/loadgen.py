"""A lean HTTP/1.1 load generator: one keep-alive connection per client, pre-built request
bytes, nothing else. The server under test shares the machine's cores with it, so the client
has to cost as little as possible (httpx's pool, at 64 connections, costs more CPU than the
server's work and would measure itself)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

HEADER_LIMIT = 64 * 1024


class LoadError(RuntimeError):
    pass


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def request_bytes(host: str, port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/xml\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > HEADER_LIMIT:
        raise LoadError("response headers too large")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            raise LoadError("chunked responses are not expected from the served DSP")
    if length is None:
        raise LoadError("response without Content-Length")
    return status, await reader.readexactly(length)


async def drive(
    host: str,
    port: int,
    requests: Iterator[bytes],
    clients: int,
    seconds: float,
    expect: bytes,
    timeout: float = 10.0,
) -> tuple[Outcome, float]:
    """Send the requests over ``clients`` connections until they or the time run out; each
    answer must be HTTP 200 containing ``expect``. Returns the outcome and the elapsed time."""
    outcome = Outcome()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        try:
            for raw in requests:
                if time.perf_counter() > deadline or outcome.failures:
                    return
                began = time.perf_counter()
                writer.write(raw)
                status, body = await asyncio.wait_for(_read_response(reader), timeout)
                outcome.latencies.append(time.perf_counter() - began)
                if status != 200 or expect not in body:
                    outcome.failures.append(f"HTTP {status}: {body[:300]!r}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return outcome, time.perf_counter() - start
