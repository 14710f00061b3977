"""``make fuzz``: throw generated and mutated inputs at the harness's parsers, and a share of
them at a served DSP over loopback, and report every crash.

A crash is any exception that is not a :class:`~harness.errors.HarnessError` (the harness's
one-line errors), any HTTP 5xx from the served DSP, and any input that takes longer than
``--timeout`` seconds (a hang). The goal is none. Each crashing input is saved under
``--out`` so it can be replayed; the run is reproducible from ``--seed``.

    python -m fuzz.run --inputs 100000            # what `make fuzz` runs
    python -m fuzz.run --inputs 5000 --served-share 0.1 --seed 7
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fuzz import corpus
from harness.adapters.wire import from_json
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.requests import Endpoint, RequestId, ServiceRequest
from harness.domain.timeline import parse_instant
from harness.duis.envelope import read_envelope
from harness.duis.requests import decode_request
from harness.duis.responses import decode_response
from harness.duis.safe_xml import parse_untrusted
from harness.duis.signing import lookup_in, verify
from harness.errors import HarnessError

REPO = Path(__file__).resolve().parents[1]
XML_TARGETS: dict[str, Callable[[bytes], object]] = {
    "safe_xml.parse_untrusted": parse_untrusted,
    "envelope.read_envelope": read_envelope,
    "requests.decode_request": decode_request,
    "responses.decode_response": decode_response,
}
TEXT_TARGETS: dict[str, tuple[str, Callable[[str], object]]] = {
    "RequestId.parse": ("request_id", RequestId.parse),
    "Eui64.parse": ("eui", Eui64.parse),
    "MeterPoint.parse": ("meter_point", MeterPoint.parse),
    "timeline.parse_instant": ("instant", parse_instant),
}
SERVED = "served DSP"


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    hangs: int = 0


class Watchdog:
    """Notices an input that runs past the timeout. A parser stuck in C cannot be
    interrupted, so the input is saved and the run ends there (exit 3)."""

    def __init__(self, timeout: float, out: Path) -> None:
        self.timeout = timeout
        self.out = out
        self._current: tuple[str, float, bytes] | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._watch, daemon=True).start()

    @contextlib.contextmanager
    def input(self, target: str, data: bytes) -> Iterator[None]:
        with self._lock:
            self._current = (target, time.monotonic(), data)
        try:
            yield
        finally:
            with self._lock:
                self._current = None

    def _watch(self) -> None:
        while True:
            time.sleep(min(1.0, self.timeout / 4))
            with self._lock:
                current = self._current
            if current is None or time.monotonic() - current[1] < self.timeout:
                continue
            path = save(self.out, f"hang-{current[0]}", current[2])
            print(f"fuzz: HANG: {current[0]} ran past {self.timeout:g} s on {path}", flush=True)
            os._exit(3)


def save(out: Path, label: str, data: bytes) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-." else "_" for c in label)[:80]
    path = out / f"{safe}-{abs(hash(data)) % 10**10:010d}.bin"
    path.write_bytes(data)
    return path


def call(
    tally: Tally, out: Path, target: str, function: Callable[[Any], object], value: Any, raw: bytes
) -> None:
    tally.calls[target] += 1
    try:
        function(value)
    except HarnessError:
        return
    except Exception as exc:  # the finding: anything else escaping a parser
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        key = f"{target}: {type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
        tally.crashes[key] += 1
        if key not in tally.examples:
            tally.examples[key] = f"{exc!r:.200} (input {save(out, target, raw)})"


# -- the served DSP ----------------------------------------------------------------------
class ServedTarget:
    """``dsp-conformance serve`` on a free loopback port, with a cast provisioned through its
    test-control API so that well-signed mutants reach the DSP's rules, not just the
    envelope checks."""

    def __init__(self, log: Path, timeout: float) -> None:
        from fuzz.client import Scene
        from tests.reliability.server import start

        self.timeout = timeout
        self.server = start(log, "--no-schema")  # no XSD in front: the DSP's own checks
        self.scene = Scene(self.server.url)
        self.client = httpx.Client(timeout=timeout)

    def users(self) -> list[str]:
        return list(self.scene.world.parties)

    def input(
        self, rng: random.Random, cast: corpus.Cast, seeds: list[bytes]
    ) -> tuple[str, str, bytes, str]:
        """(method, path, body, content type) for one served input."""
        endpoint = rng.choice(list(Endpoint)).value
        roll = rng.random()
        if roll < 0.35:  # a valid signed request from a real user, mutated
            return "POST", endpoint, corpus.mutate(self._signed(rng, cast), rng), "application/xml"
        if roll < 0.6:  # well formed and well signed, with generated content
            return "POST", endpoint, self._signed(rng, cast), "application/xml"
        if roll < 0.75:
            return (
                "POST",
                "/test-control/provision",
                corpus.json_bytes(rng, cast),
                "application/json",
            )
        if roll < 0.85:
            return "POST", endpoint, corpus.mutate(rng.choice(seeds), rng), "application/xml"
        if roll < 0.95:
            path = rng.choice([endpoint, "/test-control/provision", "/health", "/x", "/api/v1/"])
            kind = rng.choice(["text/xml", "application/json", "", "text/plain; charset=utf-16"])
            return (
                rng.choice(["POST", "GET", "PUT"]),
                path,
                rng.randbytes(rng.randint(0, 600)),
                kind,
            )
        device = urllib.parse.quote(corpus.text_for("eui", rng), safe="")
        return "GET", f"/test-control/devices/{device}/certificates", b"", ""

    def _signed(self, rng: random.Random, cast: corpus.Cast) -> bytes:
        world = self.scene.world
        party = world.party(rng.choice(self.users()))
        devices = [d.device_id for d in world.devices.values()] + [corpus.eui(rng)]
        srv, cv, body = corpus.body(rng, cast)
        if rng.random() < 0.2:
            srv, cv = rng.choice(corpus.SRVS[:7]), rng.randint(1, 8)
        request = ServiceRequest(
            RequestId(party.user.user_id, rng.choice(devices), rng.getrandbits(62)), srv, cv, body
        )
        return self.scene.signed(request, party.xml_signing)

    def send(self, method: str, path: str, body: bytes, content_type: str) -> int:
        headers = {"content-type": content_type} if content_type else {}
        answer = self.client.request(method, self.server.url + path, content=body, headers=headers)
        return answer.status_code

    def reset_clock(self) -> None:
        self.client.post(
            self.server.url + "/test-control/provision",
            json={"kind": "clock", "now": "2026-03-01T10:00:00Z"},
        )

    def healthy(self) -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return self.client.get(self.server.url + "/health").status_code == 200
        return False

    def close(self) -> str:
        self.client.close()
        self.scene.close()
        self.server.stop()
        return self.server.output()


# -- the run -----------------------------------------------------------------------------
@dataclass
class Fuzzer:
    args: argparse.Namespace
    rng: random.Random
    cast: corpus.Cast
    seeds: list[bytes]
    tally: Tally
    watchdog: Watchdog
    served: ServedTarget | None

    def step(self, index: int) -> None:
        roll = self.rng.random()
        if self.served is not None and roll < self.args.served_share:
            self.served_input(self.served, index)
        elif roll < 0.62:
            self.xml_input()
        elif roll < 0.85:
            name = self.rng.choice(sorted(TEXT_TARGETS))
            kind, function = TEXT_TARGETS[name]
            text = corpus.text_for(kind, self.rng)
            raw = text.encode("utf-8", "surrogatepass")
            with self.watchdog.input(name, raw):
                call(self.tally, self.args.out, name, function, text, raw)
        else:
            value = corpus.json_input(self.rng, self.cast)
            raw = repr(value).encode()
            with self.watchdog.input("wire.from_json", raw):
                call(self.tally, self.args.out, "wire.from_json", from_json, value, raw)

    def xml_input(self) -> None:
        data = self.rng.choice(self.seeds)
        pick = self.rng.random()
        if pick < 0.85:
            data = corpus.mutate(data, self.rng)
        elif pick < 0.95:
            data = self.rng.randbytes(self.rng.randint(0, 300))
        lookup = lookup_in([self.cast.xml_key(u).certificate for u in self.cast.users[:1]])
        with self.watchdog.input("xml", data):
            for name, function in XML_TARGETS.items():
                call(self.tally, self.args.out, name, function, data, data)
            if self.rng.random() < 0.1:
                verifying = lambda d: verify(d, lookup)  # noqa: E731
                call(self.tally, self.args.out, "signing.verify", verifying, data, data)

    def served_input(self, served: ServedTarget, index: int) -> None:
        tally, out = self.tally, self.args.out
        method, path, body, kind = served.input(self.rng, self.cast, self.seeds)
        tally.calls[SERVED] += 1
        with self.watchdog.input(SERVED, body):
            try:
                status = served.send(method, path, body, kind)
            except httpx.TimeoutException:
                tally.hangs += 1
                tally.crashes[f"{SERVED}: no answer within {self.args.timeout:g} s"] += 1
                save(out, "served-hang", body)
                return
            except httpx.HTTPError as exc:
                tally.crashes[f"{SERVED}: {type(exc).__name__}"] += 1
                save(out, "served-error", body)
                return
        tally.statuses[status] += 1
        if status >= 500:
            key = f"{SERVED}: HTTP {status} on {method} {path}"
            tally.crashes[key] += 1
            tally.examples.setdefault(key, str(save(out, "served-5xx", body)))
        if index % 200 == 0:
            served.reset_clock()


def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    cast = corpus.Cast()
    seeds = corpus.seed_documents(rng, cast)
    log = Path(tempfile.mkdtemp(prefix="fuzz-serve-")) / "serve.log"
    served = ServedTarget(log, args.timeout) if args.served_share > 0 else None
    tally = Tally()
    fuzzer = Fuzzer(args, rng, cast, seeds, tally, Watchdog(args.timeout, args.out), served)
    print(
        f"fuzz: {args.inputs} inputs, seed {args.seed}, {len(seeds)} seed documents, "
        f"{args.served_share:.0%} to a served DSP, {args.timeout:g} s per input",
        flush=True,
    )
    started = time.monotonic()
    done = 0
    try:
        while done < args.inputs:
            if time.monotonic() - started > args.seconds:
                print(f"fuzz: stopping at the {args.seconds:g} s bound", flush=True)
                break
            done += 1
            fuzzer.step(done)
            if done % 10000 == 0:
                rate = done / (time.monotonic() - started)
                crashes = sum(tally.crashes.values())
                print(f"fuzz: {done} inputs ({rate:.0f}/s), {crashes} crashes", flush=True)
    finally:
        if served is not None:
            alive = served.healthy()
            output = served.close()
            if not alive:
                tally.crashes[f"{SERVED}: not healthy after the run"] += 1
            if "Traceback" in output:
                tally.crashes[f"{SERVED}: a traceback in its log ({log})"] += 1
    return report(tally, done, time.monotonic() - started, args)


def report(tally: Tally, done: int, elapsed: float, args: argparse.Namespace) -> int:
    rate = done / max(elapsed, 1e-9)
    print(f"fuzz: {done} inputs in {elapsed:.1f} s ({rate:.0f}/s), seed {args.seed}")
    for name in [*XML_TARGETS, "signing.verify", *TEXT_TARGETS, "wire.from_json", SERVED]:
        crashes = sum(n for k, n in tally.crashes.items() if k.startswith(name))
        print(f"  {name:28} {tally.calls[name]:>8} calls  {crashes:>4} crashes")
    if tally.statuses:
        shown = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
        print(f"  {SERVED} answers: {shown}; hangs: {tally.hangs}")
    if not tally.crashes:
        print("fuzz: no crashes")
        return 0
    total = sum(tally.crashes.values())
    print(f"fuzz: {total} crashes of {len(tally.crashes)} kinds (inputs in {args.out}):")
    for key, count in tally.crashes.most_common():
        print(f"  {count:>5}  {key}  {tally.examples.get(key, '')}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fuzz.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument(
        "--served-share", type=float, default=0.03, help="share sent to a served DSP"
    )
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per input (a hang)")
    parser.add_argument("--seconds", type=float, default=1800.0, help="bound on the whole run")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "fuzz")
    args = parser.parse_args(argv)
    if args.inputs < 1 or not 0 <= args.served_share <= 1 or args.timeout <= 0:
        parser.error("--inputs ≥ 1, 0 ≤ --served-share ≤ 1, --timeout > 0")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
