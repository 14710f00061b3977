"""``make soak``: many concurrent clients against ``dsp-conformance serve`` on loopback for a
fixed time, then the state is checked.

Each client has its own HTTP client and two meters of its own (SMETS2 and SMETS1) on a DSP
served with a state file, and loops until time is up over a mix of: reads (SRV 4.1.1), the
critical flow handing its SMETS2 meter's network-operator certificates back and forth
between two network operators (so every update must land on the one before), the critical
flow on its SMETS1 meter, inventory reads (SRV 8.2) and replays of its last request (which
must be refused, E44). Every operation has a known expected outcome; anything else,
including an inconclusive exchange, is an error. A SMETS2 meter answers in a GBCS payload
that the harness does not parse (an outcome read from standard DUIS elements only): for the
reads and handovers on SMETS2 meters, that answer counts as applied, and the state check
below says whether it really was.

Afterwards: every SMETS2 meter holds what its client last applied, every SMETS1 meter's
DSP and S1SP copies agree, no RequestID was accepted twice, and a second DSP rebuilt from
the state file holds exactly the same certificates as the live one.

    python -m fuzz.soak --clients 50 --seconds 60     # what `make soak` runs
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.served import hidden
from benchmarks.throughput import process_cpu
from fuzz.client import MPAN, Scene
from harness.adapters.http import DuisHttpAdapter
from harness.duis.schema import duis_dir
from harness.errors import HarnessError, NonConformance
from harness.expectations import parse_expectation
from harness.world import Attempt, World

if TYPE_CHECKING:
    from tests.reliability.server import Served

PROFILE = "baseline"
OWNERS = ("NO-A", "NO-B")


@dataclass
class Client:
    index: int
    world: World
    holder: str = "NO-A"  # who holds the NO certificates on its SMETS2 meter
    ops: Counter[str] = field(default_factory=Counter)
    http: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # RequestIDs the DSP accepted

    @property
    def smets2(self) -> str:
        return f"c{self.index}-s2"

    @property
    def smets1(self) -> str:
        return f"c{self.index}-s1"

    def step(self, rng: random.Random) -> None:
        roll = rng.random()
        if roll < 0.35:
            self.check("read", self.world.send("NO-A", "4.1.1", self.smets2), "applied", 1)
        elif roll < 0.6:
            other = OWNERS[1 - OWNERS.index(self.holder)]
            attempt = self.world.send_krp(self.holder, self.smets2, "network operator", other)
            if self.check("handover", attempt, "applied", 2):
                self.holder = other
        elif roll < 0.75:
            attempt = self.world.send_krp("NO-A", self.smets1, "network operator", "NO-A")
            self.check("smets1 update", attempt, "applied", 2)
        elif roll < 0.85:
            attempt = self.world.send("NO-A", "8.2", self.smets2)
            self.count("inventory", attempt, 1)
        elif self.world.attempts:
            self.check("replay", self.world.resend_last(), "rejected by the DSP with E44", 1)

    def count(self, op: str, attempt: Attempt, exchanges: int) -> None:
        self.ops[op] += 1
        self.http += exchanges
        for request, response in attempt.exchanges:
            if not response.is_error and request.command_variant != 5:
                self.accepted.append(str(request.request_id))

    def check(self, op: str, attempt: Attempt, expected: str, exchanges: int) -> bool:
        self.count(op, attempt, exchanges)
        observed = attempt.observed()
        if expected == "applied" and observed.status == "unread":
            return True  # the device answered (SMETS2, in GBCS): the state check judges it
        try:
            parse_expectation(expected).judge(observed)
        except NonConformance as exc:
            self.errors.append(f"{op}: {exc}")
            return False
        return True

    def run(self, deadline: float, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                self.step(rng)
            except HarnessError as exc:  # inconclusive: the DSP failed to answer properly
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self.latencies.append(time.monotonic() - started)
            self.world.attempts = self.world.attempts[-2:]  # keep memory flat


def _worker(scene: Scene) -> World:
    adapter = DuisHttpAdapter(scene.url, scene.adapter.config, scene.adapter.receiver)
    adapter.signers.update(scene.adapter.signers)
    world = World(adapter, PROFILE, salt=scene.world.salt)
    world.parties = dict(scene.world.parties)
    world.devices = dict(scene.world.devices)
    world.now = scene.world.now
    return world


def _held(scene: Scene, device: str) -> dict[str, object]:
    return scene.held(device)


def soak(
    clients: int,
    seconds: float,
    folder: Path,
    serve_from: Path | None = None,
    serve_without: tuple[str, ...] = (),
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
    try:
        scene = Scene(server.url, profile=PROFILE)
        for n in range(clients):
            for generation, suffix in (("SMETS2", "s2"), ("SMETS1", "s1")):
                scene.world.add_device(f"c{n}-{suffix}", "ESME", generation, MPAN)
                scene.world.place_certificates(f"c{n}-{suffix}", "network operator", "NO-A")
        workers = [Client(n, _worker(scene)) for n in range(clients)]
        print(f"soak: {clients} clients for {seconds:g} s against {server.url}", flush=True)
        started = time.monotonic()
        cpu = (time.process_time(), process_cpu(server.process.pid))
        deadline = started + seconds
        threads = [
            threading.Thread(target=c.run, args=(deadline, n), daemon=True)
            for n, c in enumerate(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        elapsed = time.monotonic() - started
        cpu = (time.process_time() - cpu[0], process_cpu(server.process.pid) - cpu[1])
        stuck = sum(t.is_alive() for t in threads)
        problems = [f"{stuck} client(s) still running after the time limit"] if stuck else []
        problems += integrity(scene, workers)
        live = {d: _held(scene, d) for d in scene.world.devices}
    finally:
        server.stop()
    # A DSP rebuilt from the state file must hold exactly the same certificates.
    restarted = start_server()
    try:
        scene.url = restarted.url
        rebuilt = {d: _held(scene, d) for d in scene.world.devices}
    finally:
        restarted.stop()
    lost = [d for d in live if live[d] != rebuilt[d]]
    if lost:
        problems.append(f"{len(lost)} device(s) differ after a restart from the state file")
    served_log = log.read_text(errors="replace")
    undelivered = served_log.count("could not deliver")
    if undelivered:  # the clients' receivers did not take them in time (DELIVERY_TIMEOUT)
        print(f"soak: the served DSP could not deliver {undelivered} asynchronous response(s)")
        for line in [x for x in served_log.splitlines() if "could not deliver" in x][:3]:
            print(f"  {line[:300]}")
    if "Traceback" in served_log:
        problems.append(f"a traceback in the server log {log}")
    return summary(workers, elapsed, problems, cpu)


def integrity(scene: Scene, workers: list[Client]) -> list[str]:
    problems = []
    for client in workers:
        expected = scene.world.party(client.holder)
        held = _held(scene, client.smets2)["dsp"]
        want = expected.credentials
        assert isinstance(held, dict)
        for cell, usage in zip(
            ("NetworkOperator/digitalSigning", "NetworkOperator/keyAgreement"),
            sorted(want, key=lambda u: u.value),
            strict=True,
        ):
            if held.get(cell, {}).get("serial") != want[usage].certificate.id.serial:
                problems.append(f"{client.smets2} {cell}: not {client.holder}'s certificate")
        copies = _held(scene, client.smets1)
        if copies["dsp"] != copies["s1sp"]:
            problems.append(f"{client.smets1}: DSP and S1SP copies differ")
    accepted = Counter(r for c in workers for r in c.accepted)
    twice = [r for r, n in accepted.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} RequestID(s) accepted twice, e.g. {twice[0]}")
    return problems


def summary(
    workers: list[Client],
    elapsed: float,
    problems: list[str],
    cpu: tuple[float, float] = (0.0, 0.0),
) -> int:
    ops = Counter[str]()
    for client in workers:
        ops.update(client.ops)
    requests = sum(c.http for c in workers)
    errors = [e for c in workers for e in c.errors]
    latencies = sorted(x for c in workers for x in c.latencies)
    print(
        f"soak: {sum(ops.values())} operations, {requests} DUIS requests served in "
        f"{elapsed:.1f} s ({requests / elapsed:.0f} requests/s); "
        + ", ".join(f"{n} {op}" for op, n in sorted(ops.items()))
    )
    if requests:  # where the time goes: the clients share the machine with the DSP
        print(
            f"soak: CPU per DUIS request: clients {cpu[0] / requests * 1000:.1f} ms, "
            f"served DSP {cpu[1] / requests * 1000:.1f} ms (load average {os.getloadavg()[0]:.1f})"
        )
    if latencies:
        quantiles = statistics.quantiles(latencies, n=100)
        print(
            f"soak: operation latency p50 {quantiles[49] * 1000:.0f} ms, "
            f"p95 {quantiles[94] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
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
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 3600:
        parser.error("1 ≤ --clients ≤ 500 and 0 < --seconds ≤ 3600 (load stays bounded)")
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        return soak(
            args.clients, args.seconds, Path(folder), args.serve_from, tuple(args.serve_without)
        )


if __name__ == "__main__":
    sys.exit(main())
