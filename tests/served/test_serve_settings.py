"""The served DSP's start-up settings: one thread answers DUIS requests (the rest wait
their turn in its queue, in arrival order), and the heap built at start-up is frozen."""

from __future__ import annotations

import gc
import threading
import time

from harness.cli.serve import HEAP_THRESHOLDS, settle_heap
from harness.domain.requests import Endpoint
from harness.server.app import create_app
from harness.server.service import Handled
from tests.served.asgi_load import post_at_once


class SlowDsp:
    """Stands in for ServedDsp: each answer takes 20 ms; counts how many run at once."""

    def __init__(self, journal: object = None) -> None:
        self.journal = journal
        self.running = 0
        self.most = 0
        self.guard = threading.Lock()
        self.order: list[bytes] = []

    def answer(self, endpoint: Endpoint, body: bytes) -> Handled:
        with self.guard:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.guard:
            self.running -= 1
        self.order.append(body)
        return Handled(b"<answer>" + body + b"</answer>", [], 0)


def test_duis_requests_run_one_at_a_time_in_arrival_order_and_all_are_answered() -> None:
    dsp = SlowDsp()
    app = create_app(dsp)  # type: ignore[arg-type]

    answers = post_at_once(app, 24)
    assert [a.content for a in answers] == [f"<answer><r{n}/></answer>".encode() for n in range(24)]
    assert dsp.most == 1
    assert dsp.order == [f"<r{n}/>".encode() for n in range(24)]  # first come, first answered


def test_settle_heap_freezes_start_up_objects_and_raises_the_thresholds() -> None:
    before = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == HEAP_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
