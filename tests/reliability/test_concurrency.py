"""Concurrent critical flows for one device against the served DSP: 20 threads, each with
its own HTTP client, run the whole 6.15.1 flow (transform, sign, send signed, collect the
asynchronous result) at once for the same SMETS1 meter. The DSP serialises them: every one
is answered, the certificates held afterwards are exactly those of the update it applied
last (read from its state journal, the order it really applied them in), both halves of
the pair come from that one update (nothing torn), and the DSP and S1SP copies agree."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fuzz.client import Scene
from harness.domain.certificates import KeyUsage
from harness.duis.envelope import read_envelope
from harness.server.journal import REQUEST, read_entries
from harness.world import Attempt
from tests.reliability.server import Served, serving

THREADS = 20
PROFILE = "dp107-registered-path"  # the registered NO may replace the NO certificates


@pytest.fixture
def dsp(tmp_path: Path) -> Iterator[Served]:
    with serving(
        tmp_path / "serve.log", "--state", str(tmp_path / "state.db"), profile=PROFILE
    ) as s:
        yield s


def test_concurrent_updates_are_serialised_without_a_lost_update(
    dsp: Served, tmp_path: Path
) -> None:
    scene = Scene(dsp.url, profile=PROFILE, parties=THREADS)
    workers = [scene.worker() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)

    def run(index: int) -> Attempt:
        start.wait(timeout=30)
        return workers[index].send_krp("NO-A", "meter-s1", "network operator", f"NO-{index}")

    with ThreadPoolExecutor(THREADS) as pool:
        attempts = list(pool.map(run, range(THREADS), timeout=120))
    for attempt in attempts:  # every flow ran to its end and was applied
        assert attempt.observed().status == "completed", attempt.observed().describe()

    held = scene.held("meter-s1")
    dsp.stop()  # the journal is complete and its lock released

    # The order the DSP applied them in: signed pre-commands (CV 5) as journalled.
    owner_of = {a.request_id: index for index, a in enumerate(attempts)}
    applied = [
        owner_of[envelope.request_id]
        for entry in read_entries(tmp_path / "state.db")
        if entry.kind == REQUEST
        and (envelope := read_envelope(entry.body)).command_variant == 5
        and envelope.request_id in owner_of
    ]
    assert sorted(applied) == list(range(THREADS))  # each applied exactly once
    last = scene.world.party(f"NO-{applied[-1]}")

    def cell(usage: KeyUsage) -> dict[str, object]:
        certificate = last.credentials[usage].certificate
        return {"serial": certificate.id.serial, "issuer": certificate.id.issuer}

    expected = {
        "NetworkOperator/digitalSigning": cell(KeyUsage.DIGITAL_SIGNING),
        "NetworkOperator/keyAgreement": cell(KeyUsage.KEY_AGREEMENT),
    }
    assert held["dsp"] == expected, (held, applied[-1])
    assert held["s1sp"] == held["dsp"]
    assert "Traceback" not in dsp.output()
