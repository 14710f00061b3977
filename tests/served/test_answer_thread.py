"""The one DUIS thread: requests answered in arrival order, one after another without a
round trip through the event loop between them, every failure raised to its own caller,
and a request whose caller went away answered all the same."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from harness.domain.requests import Endpoint
from harness.server.answer_thread import AnswerThread
from harness.server.service import Handled, RefusedMessage

ENDPOINT = Endpoint.NON_DEVICE


class Recorder:
    """Stands in for ServedDsp.answer: notes what it answered, on which thread, and when."""

    def __init__(self, refuse: bytes = b"", crash: bytes = b"", pause: float = 0.0) -> None:
        self.refuse, self.crash, self.pause = refuse, crash, pause
        self.answered: list[tuple[bytes, float]] = []
        self.threads: set[str] = set()
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, endpoint: Endpoint, body: bytes) -> Handled:
        self.gate.wait(5)
        self.threads.add(threading.current_thread().name)
        time.sleep(self.pause)
        if body == self.refuse:
            raise RefusedMessage("not DUIS")
        if body == self.crash:
            raise ZeroDivisionError("a bug")
        self.answered.append((body, time.monotonic()))
        return Handled(b"<answer>" + body + b"</answer>", [], 0)


def test_answers_come_back_in_arrival_order_from_one_thread() -> None:
    recorder = Recorder(pause=0.002)
    answers = AnswerThread(recorder, name="duis-under-test")

    async def main() -> list[Handled]:
        return await asyncio.gather(*(answers.answer(ENDPOINT, b"<r%d/>" % n) for n in range(30)))

    try:
        handled = asyncio.run(main())
    finally:
        answers.close()
    assert [h.xml for h in handled] == [b"<answer><r%d/></answer>" % n for n in range(30)]
    assert [body for body, _ in recorder.answered] == [b"<r%d/>" % n for n in range(30)]
    assert recorder.threads == {"duis-under-test"}


def test_the_thread_goes_on_to_the_next_request_while_the_loop_is_busy() -> None:
    """Five requests queued, then the loop blocked for 0.5 s: all five are answered during
    the block (a thread that needed the loop to hand it each next request answers one)."""
    recorder = Recorder()
    answers = AnswerThread(recorder)
    recorder.gate.clear()  # hold the thread until every request is queued

    async def main() -> float:
        waiting = [asyncio.ensure_future(answers.answer(ENDPOINT, b"<r%d/>" % n)) for n in range(5)]
        await asyncio.sleep(0)  # every request queued
        recorder.gate.set()
        time.sleep(0.5)  # the loop busy with something else, not resuming anyone
        unblocked = time.monotonic()
        await asyncio.gather(*waiting)
        return unblocked

    try:
        unblocked = asyncio.run(main())
    finally:
        answers.close()
    assert len(recorder.answered) == 5
    assert all(when < unblocked for _, when in recorder.answered)


def test_each_failure_reaches_its_own_caller_and_the_thread_goes_on() -> None:
    recorder = Recorder(refuse=b"<bad/>", crash=b"<bug/>")
    answers = AnswerThread(recorder)

    async def main() -> list[Handled | BaseException]:
        bodies = [b"<a/>", b"<bad/>", b"<b/>", b"<bug/>", b"<c/>"]
        return await asyncio.gather(
            *(answers.answer(ENDPOINT, body) for body in bodies), return_exceptions=True
        )

    try:
        results = asyncio.run(main())
    finally:
        answers.close()
    assert isinstance(results[1], RefusedMessage)
    assert isinstance(results[3], ZeroDivisionError)
    assert [r.xml for r in results if isinstance(r, Handled)] == [
        b"<answer><a/></answer>",
        b"<answer><b/></answer>",
        b"<answer><c/></answer>",
    ]


def test_a_request_whose_caller_went_away_is_still_answered() -> None:
    recorder = Recorder()
    answers = AnswerThread(recorder)
    recorder.gate.clear()

    async def main() -> Handled:
        gone = asyncio.ensure_future(answers.answer(ENDPOINT, b"<gone/>"))
        await asyncio.sleep(0)
        gone.cancel()
        recorder.gate.set()
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await answers.answer(ENDPOINT, b"<next/>")

    try:
        handled = asyncio.run(main())
    finally:
        answers.close()
    assert handled.xml == b"<answer><next/></answer>"
    assert [body for body, _ in recorder.answered] == [b"<gone/>", b"<next/>"]


def test_close_answers_what_is_queued_then_stops_and_a_new_request_starts_it_again() -> None:
    recorder = Recorder()
    answers = AnswerThread(recorder, name="duis-closing")

    async def one(body: bytes) -> Handled:
        return await answers.answer(ENDPOINT, body)

    asyncio.run(one(b"<first/>"))
    answers.close()
    assert not any(t.name == "duis-closing" for t in threading.enumerate())
    assert asyncio.run(one(b"<again/>")).xml == b"<answer><again/></answer>"
    answers.close()
    assert not any(t.name == "duis-closing" for t in threading.enumerate())


def test_the_answer_runs_in_the_callers_context() -> None:
    """Context variables set by the caller (a request's timers, a log context) are seen by
    the answer, as ``asyncio.to_thread`` would pass them."""
    seen: list[str | None] = []
    marker: contextvars.ContextVar[str | None] = contextvars.ContextVar("marker", default=None)

    def answer(endpoint: Endpoint, body: bytes) -> Handled:
        seen.append(marker.get())
        return Handled(body, [], 0)

    answers = AnswerThread(answer)

    async def one(label: str) -> Handled:
        marker.set(label)
        return await answers.answer(ENDPOINT, label.encode())

    async def main() -> None:
        await asyncio.gather(one("first"), one("second"))

    try:
        asyncio.run(main())
    finally:
        answers.close()
    assert seen == ["first", "second"]
