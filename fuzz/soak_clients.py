"""The soak's clients, run in several processes so that their CPU is not one process's
share of one core (50 client threads in one Python process spent ~4 ms of CPU per DUIS
request each, and queued for that process's GIL as much as for the DSP).

Each process builds its own cast on the served DSP (two network operators with their own
receiver for asynchronous responses, and a SMETS2 and a SMETS1 meter per client), reports
ready, waits for the common start, runs its clients, checks its own meters, and sends back
what it saw. Closed loop: every client starts its next operation as soon as the last one
ends. Open loop (``rate``): operations arrive at random (Poisson) at ``rate`` per second
whoever is free takes the next one, and an operation's latency counts from its arrival, so
time spent waiting for a free client counts too.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from fuzz.client import MPAN, Scene
from fuzz.soak_wire import LeanAdapter, LeanReceiver
from harness.cli.serve import settle_heap
from harness.counters import process_counters
from harness.errors import HarnessError, NonConformance
from harness.expectations import parse_expectation
from harness.world import Attempt, World

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
    latencies: list[tuple[str, float]] = field(default_factory=list)  # (operation, seconds)
    last_op: str = "none"  # a replay with nothing sent yet does nothing
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
        self.last_op = op
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

    def operate(self, rng: random.Random, since: float) -> None:
        """One operation; its latency counted from ``since`` (its start, or its arrival)."""
        self.last_op = "none"
        try:
            self.step(rng)
        except HarnessError as exc:  # inconclusive: the DSP failed to answer properly
            self.errors.append(f"{type(exc).__name__}: {exc}")
        self.latencies.append((self.last_op, time.monotonic() - since))
        self.world.attempts = self.world.attempts[-2:]  # keep memory flat

    def closed_loop(self, deadline: float, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            self.operate(rng, time.monotonic())

    def take(self, arrivals: queue.Queue[float | None], seed: int) -> None:
        """Open loop: take arrivals until the stream ends (None)."""
        rng = random.Random(seed)
        while (arrived := arrivals.get()) is not None:
            self.operate(rng, arrived)


def poisson(arrivals: queue.Queue[float | None], rate: float, deadline: float, seed: int) -> int:
    """Put arrival times into ``arrivals`` at random (exponential gaps, mean 1/rate), each
    when it falls due, until ``deadline``. Returns how many arrived."""
    rng = random.Random(seed)
    due, count = time.monotonic(), 0
    while (due := due + rng.expovariate(rate)) < deadline:
        time.sleep(max(0.0, due - time.monotonic()))
        arrivals.put(due)
        count += 1
    return count


@dataclass(frozen=True)
class Share:
    """What one client process runs: clients ``first`` .. ``first + count - 1``."""

    url: str
    first: int
    count: int
    seconds: float
    rate: float | None  # operations per second offered to this process; None: closed loop
    seed: int


def _scene(share: Share) -> tuple[Scene, list[Client]]:
    scene = Scene(share.url, profile=PROFILE, receiver=LeanReceiver())
    names = range(share.first, share.first + share.count)
    for n in names:
        for generation, suffix in (("SMETS2", "s2"), ("SMETS1", "s1")):
            scene.world.add_device(f"c{n}-{suffix}", "ESME", generation, MPAN)
            scene.world.place_certificates(f"c{n}-{suffix}", "network operator", "NO-A")
    # RequestID counters in memory: this process is the only one signing as its Users.
    counters = process_counters()
    return scene, [Client(n, scene.worker(LeanAdapter, counters)) for n in names]


def _drive(share: Share, workers: list[Client], deadline: float) -> tuple[int, int]:
    """Run the clients until ``deadline``: (operations offered, clients still running)."""
    arrivals: queue.Queue[float | None] = queue.Queue()
    if share.rate is None:
        threads = [
            threading.Thread(target=c.closed_loop, args=(deadline, share.seed + c.index))
            for c in workers
        ]
    else:
        threads = [
            threading.Thread(target=c.take, args=(arrivals, share.seed + c.index)) for c in workers
        ]
    for thread in threads:
        thread.daemon = True
        thread.start()
    offered = 0
    if share.rate is not None:
        offered = poisson(arrivals, share.rate, deadline, share.seed)
        for _ in threads:
            arrivals.put(None)
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 120)
    return offered, sum(t.is_alive() for t in threads)


def integrity(scene: Scene, workers: list[Client]) -> list[str]:
    """Every SMETS2 meter holds its client's last applied holder's certificates; every
    SMETS1 meter's DSP and S1SP copies agree."""
    problems = []
    for client in workers:
        want = scene.world.party(client.holder).credentials
        held = scene.held(client.smets2)["dsp"]
        assert isinstance(held, dict)
        for cell, usage in zip(
            ("NetworkOperator/digitalSigning", "NetworkOperator/keyAgreement"),
            sorted(want, key=lambda u: u.value),
            strict=True,
        ):
            if held.get(cell, {}).get("serial") != want[usage].certificate.id.serial:
                problems.append(f"{client.smets2} {cell}: not {client.holder}'s certificate")
        copies = scene.held(client.smets1)
        if copies["dsp"] != copies["s1sp"]:
            problems.append(f"{client.smets1}: DSP and S1SP copies differ")
    return problems


def run_share(share: Share, connection: Connection) -> None:
    """A client process: build the cast, say "ready", wait for the common deadline, run,
    check, send back a report (a dict of plain values)."""
    try:
        scene, workers = _scene(share)
    except Exception as exc:  # reported to the parent, which fails the soak
        connection.send({"failed": f"{type(exc).__name__}: {exc}"})
        return
    # What exists now (the cast, its keys and certificates) lives as long as the process:
    # the collector stops scanning it, as the served DSP's does (serve.settle_heap).
    settle_heap()
    connection.send({"ready": True})
    deadline = connection.recv()
    cpu = time.process_time()
    offered, stuck = _drive(share, workers, deadline)
    cpu = time.process_time() - cpu
    problems = [f"{stuck} client(s) still running after the time limit"] if stuck else []
    problems += integrity(scene, workers)
    devices = {
        str(scene.device(name)): scene.held(name)
        for client in workers
        for name in (client.smets2, client.smets1)
    }
    connection.send(
        {
            "ops": sum((c.ops for c in workers), Counter[str]()),
            "http": sum(c.http for c in workers),
            "errors": [e for c in workers for e in c.errors],
            "latencies": [x for c in workers for x in c.latencies],
            "accepted": [r for c in workers for r in c.accepted],
            "problems": problems,
            "devices": devices,
            "offered": offered,
            "cpu": cpu,
        }
    )
    scene.close()
