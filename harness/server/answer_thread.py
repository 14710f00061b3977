"""The one thread that answers DUIS requests, in the order they arrive.

The DSP's work is CPU, most of it under one lock and nearly all of it under the GIL: a
second thread only fights the first for both, unfairly (a request could wait several
turns) and at a cost (each hand-over of the GIL wakes a thread; docs/performance.md, "one
DUIS thread", has the measurements). So one thread answers, and the event loop reads and
writes the sockets meanwhile.

Requests queue for the thread with a future each; the thread takes the next as soon as it
has answered the last, and hands each answer back to the loop with one wake-up. (Through
anyio's thread pool behind a limiter of one, the next request could start only after the
loop had resumed the last one's coroutine and released the limiter: under load the thread
sat idle for that round trip, about a third of the time.)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from harness.domain.requests import Endpoint
from harness.server.service import Handled

Answer = Callable[[Endpoint, bytes], Handled]


@dataclass(frozen=True)
class _Job:
    endpoint: Endpoint
    body: bytes
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Handled]
    context: contextvars.Context  # the caller's, as asyncio.to_thread passes it


class AnswerThread:
    """``await answers.answer(endpoint, body)``: ``answer(endpoint, body)`` run on the one
    thread, after every request queued before it, in a copy of the caller's context (its
    context variables, as ``asyncio.to_thread`` passes them). What it raises is raised to
    the caller.
    A caller that stops waiting (its client went away) does not unqueue its request: it
    is answered all the same, since answering may change the DSP's state."""

    def __init__(self, answer: Answer, name: str = "duis-answers") -> None:
        self._answer = answer
        self._name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    async def answer(self, endpoint: Endpoint, body: bytes) -> Handled:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Handled] = loop.create_future()
        self._started()
        self._jobs.put(_Job(endpoint, body, loop, future, contextvars.copy_context()))
        return await future

    def _started(self) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                handled = job.context.run(self._answer, job.endpoint, job.body)
            except BaseException as exc:  # every failure goes to its caller
                self._hand_back(job, None, exc)
            else:
                self._hand_back(job, handled, None)

    @staticmethod
    def _hand_back(job: _Job, handled: Handled | None, failure: BaseException | None) -> None:
        # The caller's loop may be gone (a test client's, closed), before or during this.
        with contextlib.suppress(RuntimeError):
            job.loop.call_soon_threadsafe(_settle, job.future, handled, failure)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread once the requests already queued are answered."""
        with self._start:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join(timeout)


def _settle(
    future: asyncio.Future[Handled], handled: Handled | None, failure: BaseException | None
) -> None:
    if future.done():  # cancelled: its caller stopped waiting
        return
    if failure is not None:
        future.set_exception(failure)
    else:
        assert handled is not None
        future.set_result(handled)
