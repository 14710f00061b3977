"""The served DSP's start-up settings: a few threads answer DUIS requests (the rest wait
their turn in the event loop), and the heap built at start-up is frozen."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from typing import Any

import httpx

from harness.cli.serve import HEAP_THRESHOLDS, settle_heap
from harness.domain.requests import Endpoint
from harness.server.app import create_app, duis_threads


class SlowDsp:
    """Stands in for ServedDsp: each answer takes 20 ms; counts how many run at once."""

    def __init__(self, journal: object = None) -> None:
        self.journal = journal
        self.running = 0
        self.most = 0
        self.guard = threading.Lock()

    def handle(self, endpoint: Endpoint, body: bytes) -> tuple[bytes, list[Any]]:
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.guard:
            self.running -= 1
        return b"<answer>" + body + b"</answer>", []


def test_duis_requests_run_on_a_few_threads_and_all_are_answered() -> None:
    dsp = SlowDsp()
    app = create_app(dsp)  # type: ignore[arg-type]

    async def load() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dsp") as client:
            return await asyncio.gather(
                *(
                    client.post(
                        Endpoint.SEND_COMMAND.value,
                        content=f"<r{n}/>".encode(),
                        headers={"content-type": "application/xml"},
                    )
                    for n in range(24)
                )
            )

    answers = asyncio.run(load())
    assert [a.content for a in answers] == [f"<answer><r{n}/></answer>".encode() for n in range(24)]
    assert dsp.most == duis_threads(dsp) >= 2  # type: ignore[arg-type]


def test_with_a_journal_more_threads_wait_for_the_disk_together() -> None:
    assert duis_threads(SlowDsp(journal=object())) > duis_threads(SlowDsp())  # type: ignore[arg-type]


def test_settle_heap_freezes_start_up_objects_and_raises_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == HEAP_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
