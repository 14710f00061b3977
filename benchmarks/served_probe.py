"""Where a served DUIS request's time goes, seen from the server: the served DSP run with
timers around it, pre-signed 4.1.1 reads from the lean load generator, then per request
(ms): arrival → a thread starts it, the wait for the DSP's lock, the time holding it, the
thread's end → the answer's last byte; and every garbage collection (``gc.callbacks``).

    python -m benchmarks.served_probe --clients 16 --requests 4000

The timers wrap the DSP's lock and ``answer`` (an investigation, not a figure of
``run.py``): they cost a few µs per request.
"""

from __future__ import annotations

import argparse
import contextvars
import gc
import json
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from benchmarks.common import PYTHON, REPO, load_average
from benchmarks.served import HOST, free_port, provision, wait_healthy
from benchmarks.throughput import _load, presign, process_cpu

Record = dict[str, float]


def _instrumented(out: Path, port: int) -> None:  # noqa: PLR0915
    """The served DSP as ``serve`` runs it (schema on, no journal), with timers."""
    import uvicorn

    import harness.server.app as app_module
    from harness.cli.serve import settle_heap
    from harness.reference.profiles import resolve
    from harness.server.service import ServedDsp

    service = ServedDsp(resolve("baseline"), schema=True)
    current: contextvars.ContextVar[Record | None] = contextvars.ContextVar("rec", default=None)
    done: list[Record] = []
    collections: list[tuple[int, float, float]] = []  # generation, seconds, when it ended
    inner_lock, answer = service.lock, service.answer

    class TimedLock:
        def __enter__(self) -> None:
            asked = time.perf_counter()
            inner_lock.acquire()
            record = current.get()
            if record is not None:
                record["lock_asked"], record["lock_got"] = asked, time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            record = current.get()
            if record is not None:
                record["lock_freed"] = time.perf_counter()
            inner_lock.release()

    def timed_handle(endpoint: Any, body: bytes) -> Any:
        record = current.get()
        if record is not None:
            record["started"] = time.perf_counter()
        try:
            return answer(endpoint, body)
        finally:
            if record is not None:
                record["ended"] = time.perf_counter()

    service.lock = TimedLock()  # type: ignore[assignment]
    service.answer = timed_handle  # type: ignore[method-assign]
    began: dict[str, float] = {}

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began["t"] = time.perf_counter()
        else:
            ended = time.perf_counter()
            collections.append((info["generation"], ended - began["t"], ended))

    gc.callbacks.append(on_gc)
    app = app_module.create_app(service)

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            await app(scope, receive, send)
            return
        record: Record = {"arrived": time.perf_counter()}
        current.set(record)

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                record["sent"] = time.perf_counter()
                done.append(record)
            await send(message)

        await app(scope, receive, sending)

    def dump(signum: int, frame: FrameType | None) -> None:
        out.write_text(json.dumps({"requests": done, "collections": collections}))
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, dump)
    settle_heap()
    config = uvicorn.Config(timed, host=HOST, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    server.run()


def _quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    n = len(ordered)
    p50, p90, p99 = (ordered[min(n - 1, int(n * q))] * 1000 for q in (0.5, 0.9, 0.99))
    return f"| {p50:.2f} | {p90:.2f} | {p99:.2f} | {statistics.fmean(ordered) * 1000:.2f} |"


def probe(clients: int, requests: int, out: Path) -> str:
    port = free_port()
    command = [PYTHON, "-m", "benchmarks.served_probe", "--serve", str(port), "--out", str(out)]
    process = subprocess.Popen(command, cwd=REPO)
    url = f"http://{HOST}:{port}"
    try:
        wait_healthy(url, process, "the instrumented server")
        cast = provision(url)
        _load(url, presign(cast, 50, 1), 4, 5.0)  # connections, caches
        measured = presign(cast, requests, 100)
        cpu = process_cpu(process.pid)
        load = _load(url, measured, clients, 60.0)
        cpu = (process_cpu(process.pid) - cpu) / load.answered * 1000
    finally:
        process.terminate()
        process.wait(timeout=30)
    data = json.loads(out.read_text())
    timed = [r for r in data["requests"] if "lock_got" in r][-load.answered :]
    during = [(g, s) for g, s, ended in data["collections"] if ended >= timed[0]["arrived"]]
    gcs = Counter(g for g, _ in during)
    pauses = [s for _, s in during]
    rows = [
        ("arrival → a thread starts it", [r["started"] - r["arrived"] for r in timed]),
        ("waiting for the DSP's lock", [r["lock_got"] - r["lock_asked"] for r in timed]),
        ("holding the lock", [r["lock_freed"] - r["lock_got"] for r in timed]),
        ("thread done → answer sent", [r["sent"] - r["ended"] for r in timed]),
        ("server time in all", [r["sent"] - r["arrived"] for r in timed]),
    ]
    lines = [
        f"{clients} clients, {load.answered} requests: {load.rate:.0f} req/s, p50 "
        f"{load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms (client side); server CPU "
        f"{cpu:.2f} ms per request",
        "| per request (ms) | p50 | p90 | p99 | mean |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} {_quantiles(values)}" for name, values in rows),
        f"garbage collections while measured: {dict(sorted(gcs.items()))}, "
        f"{sum(pauses) * 1000:.1f} ms in all, longest {max(pauses, default=0) * 1000:.2f} ms",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.served_probe", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve is not None:
        _instrumented(options.out, options.serve)
        return 0
    import tempfile

    before = load_average()
    with tempfile.TemporaryDirectory(prefix="probe-") as folder:
        report = probe(options.clients, options.requests, Path(folder) / "t")
    print(f"load average {before} → {load_average()}")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
