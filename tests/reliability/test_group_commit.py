"""Group commit in the served DSP's state journal: requests arriving together share one
transaction, none is answered before its entry (and every entry before it) is on disk, a
failed write fails every request waiting on it and stops the journal, and a DSP killed
(SIGKILL) under many concurrent clients loses nothing it acknowledged."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fuzz.client import Scene
from harness.adapters.http import DuisHttpAdapter
from harness.domain.certificates import KeyUsage
from harness.errors import HarnessError
from harness.server import journal as journal_module
from harness.server.journal import REQUEST, Journal, JournalFailure, read_entries
from harness.world import World
from tests.reliability.kit import slow_journal_writes
from tests.reliability.server import start

WAITERS = 32


def test_requests_arriving_together_share_a_write_and_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[bytes] = []
    slow_journal_writes(monkeypatch, written, seconds=0.02)
    journal = Journal(tmp_path / "state.db")
    order = threading.Lock()  # the service lock: entries are queued in the order applied
    early: list[bytes] = []
    barrier = threading.Barrier(WAITERS)

    def request(n: int) -> None:
        body = f"request {n}".encode()
        barrier.wait(timeout=30)
        with order:
            ticket = journal.enqueue(REQUEST, "/x", body)
        journal.wait(ticket)
        if body not in written:  # answered before its entry was on disk
            early.append(body)

    with ThreadPoolExecutor(WAITERS) as pool:
        list(pool.map(request, range(WAITERS), timeout=60))
    assert not early
    assert journal.batches <= WAITERS // 4, f"{journal.batches} writes for {WAITERS} entries"
    journal.close()
    entries = read_entries(tmp_path / "state.db")
    assert [e.body for e in entries] == written  # on disk in the order queued
    assert len(entries) == WAITERS


@pytest.mark.parametrize("rows", [1, 3, 7, 9])
def test_a_batch_is_written_whole_and_in_order_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """A batch of up to ROWS_PER_STATEMENT entries is one statement; a larger one, several in
    one transaction (here 3 a statement: 7 and 9 entries take 3 statements)."""
    monkeypatch.setattr(journal_module, "ROWS_PER_STATEMENT", 3)
    original, writing = Journal._write, threading.Event()

    def write(self: Journal, batch: list[tuple[str, str | None, bytes]]) -> str | None:
        writing.set()
        time.sleep(0.2)  # the next batch queues meanwhile
        return original(self, batch)

    monkeypatch.setattr(Journal, "_write", write)
    journal = Journal(tmp_path / "state.db")
    first = journal.enqueue(REQUEST, "/x", b"first")
    assert writing.wait(timeout=10)  # the writer has taken it alone
    bodies = [bytes([n]) * n for n in range(1, rows + 1)]  # the batch queued meanwhile
    tickets = [journal.enqueue(REQUEST, f"/e{n}", body) for n, body in enumerate(bodies)]
    journal.wait(tickets[-1])
    assert journal.durable(first)
    assert journal.batches == 2
    journal.close()
    entries = read_entries(tmp_path / "state.db")
    assert [e.body for e in entries] == [b"first", *bodies]
    assert [e.endpoint for e in entries] == ["/x", *(f"/e{n}" for n in range(rows))]
    assert [e.seq for e in entries] == list(range(1, rows + 2))


def test_a_failed_write_fails_its_waiters_and_stops_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_journal_writes(monkeypatch, [], seconds=0.02, fail=True)
    journal = Journal(tmp_path / "state.db")
    tickets = [journal.enqueue(REQUEST, "/x", f"r{n}".encode()) for n in range(3)]
    for ticket in tickets:
        with pytest.raises(JournalFailure, match="disk full"):
            journal.wait(ticket)
    with pytest.raises(JournalFailure, match="disk full"):
        journal.enqueue(REQUEST, "/x", b"later")
    journal.close()
    assert read_entries(tmp_path / "state.db") == []


CLIENTS = 12
PER_CLIENT = 6


def test_kill_9_under_concurrent_clients_loses_nothing_acknowledged(tmp_path: Path) -> None:
    """12 clients hand their own SMETS1 meters from NO-A to NO-B at once (the requests share
    journal writes); the DSP is killed mid-run; after a restart on the same file every
    update a client saw completed is held, and every meter never sent is untouched."""
    state, log = tmp_path / "state.db", tmp_path / "serve.log"
    dsp = start(log, "--state", str(state))
    try:
        scene = Scene(dsp.url)
        for c in range(CLIENTS):
            for n in range(PER_CLIENT):
                scene.world.add_device(f"m-{c}-{n}", "ESME", "SMETS1", "1200000000002")
                scene.world.place_certificates(f"m-{c}-{n}", "network operator", "NO-A")
        worlds = [_worker(scene) for _ in range(CLIENTS)]
        acknowledged: list[str] = []
        sent: set[str] = set()
        lock = threading.Lock()

        def client(c: int) -> None:
            for n in range(PER_CLIENT):
                device = f"m-{c}-{n}"
                with lock:
                    sent.add(device)
                try:
                    attempt = worlds[c].send_krp("NO-A", device, "network operator", "NO-B")
                except HarnessError:
                    return  # the DSP died under us: never acknowledged
                if attempt.observed().status == "completed":
                    with lock:
                        acknowledged.append(device)

        threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 90
        while len(acknowledged) < CLIENTS * 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        dsp.kill_9()
        for thread in threads:
            thread.join(timeout=60)
        done = list(acknowledged)
        assert CLIENTS * 2 <= len(done) < CLIENTS * PER_CLIENT, len(done)

        dsp = start(log, "--state", str(state), port=dsp.port)
        no_b = scene.world.party("NO-B").credentials[KeyUsage.DIGITAL_SIGNING].certificate
        no_a = scene.world.party("NO-A").credentials[KeyUsage.DIGITAL_SIGNING].certificate
        lost = [d for d in done if _holder(scene, d) != no_b.id.serial]
        assert not lost, f"{len(lost)} acknowledged update(s) lost: {lost[:5]}"
        untouched = [d for d in scene.world.devices if d.startswith("m-") and d not in sent]
        assert all(_holder(scene, d) == no_a.id.serial for d in untouched)
    finally:
        dsp.stop()
    assert "Traceback" not in log.read_text()


def _worker(scene: Scene) -> World:
    adapter = DuisHttpAdapter(scene.url, scene.adapter.config, scene.adapter.receiver)
    adapter.signers.update(scene.adapter.signers)
    world = World(adapter, "baseline", salt=scene.world.salt)
    world.parties = dict(scene.world.parties)
    world.devices = dict(scene.world.devices)
    world.now = scene.world.now
    return world


def _holder(scene: Scene, device: str) -> int:
    held = scene.held(device)["dsp"]
    assert isinstance(held, dict)
    serial = held["NetworkOperator/digitalSigning"]["serial"]
    assert isinstance(serial, int)
    return serial


def test_an_unexpected_error_in_the_writer_fails_the_waiters_instead_of_hanging_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def write(self: Journal, batch: list[tuple[str, str | None, bytes]]) -> str | None:
        raise RuntimeError("the disk driver fell over (simulated)")

    monkeypatch.setattr(Journal, "_write", write)
    journal = Journal(tmp_path / "state.db")
    heard: list[tuple[int, str | None]] = []
    journal.listen(lambda durable, failure: heard.append((durable, failure)))
    ticket = journal.enqueue(REQUEST, "/x", b"r")
    with pytest.raises(JournalFailure, match="fell over"):
        journal.wait(ticket)
    with pytest.raises(JournalFailure, match="fell over"):
        journal.durable(ticket)
    assert len(heard) == 1  # one batch, failed: nothing durable, the failure said
    assert heard[0][0] == 0
    assert "fell over" in (heard[0][1] or "")
    journal.close()
