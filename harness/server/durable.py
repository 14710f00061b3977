"""Answers waiting on the event loop until their journal entries are on disk.

The served DSP answers a DUIS request on a worker thread, then the answer waits for its
entry in the state file (group commit, harness/server/journal.py). Waiting there would hold
the thread for as long as the disk takes, and a slow disk would then need many threads,
which fight over the GIL and the DSP's lock. Here an answer waits as a future on the event
loop instead; the journal's writer thread says after each batch how far the file is
durable, one wake-up of the loop per batch, and every answer up to there goes.
"""

from __future__ import annotations

import asyncio
import heapq

from harness.server.journal import JournalFailure
from harness.server.service import ServedDsp


class DurableWaits:
    def __init__(self, service: ServedDsp) -> None:
        self.service = service
        self.loop: asyncio.AbstractEventLoop | None = None
        # A heap by ticket (a journal's tickets are unique: one per entry).
        self.waiting: list[tuple[int, asyncio.Future[None]]] = []
        self.listening = False

    async def wait(self, ticket: int) -> None:
        """Return once entry ``ticket`` is durable; :class:`JournalFailure` if it never
        will be (the DSP then acknowledges nothing more)."""
        journal = self.service.journal
        if journal is None or not ticket:
            return
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # first use, or a new loop (a test client's)
            self.loop, self.waiting = loop, []
        if not self.listening:  # before the check: no batch can fall between the two
            journal.listen(self._written)
            self.listening = True
        if self.service.durable(ticket):
            return
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self.waiting, (ticket, future))
        try:
            await future
        except JournalFailure:
            self.service.durable(ticket)  # raises the DSP's own failure, recorded
            raise

    def _written(self, durable: int, failure: str | None) -> None:
        """On the journal's writer thread, after a batch: over to the loop."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._settle, durable, failure)

    def _settle(self, durable: int, failure: str | None) -> None:
        while self.waiting and self.waiting[0][0] <= durable:
            _, future = heapq.heappop(self.waiting)
            if not future.done():
                future.set_result(None)
        if failure is not None:
            for _, future in self.waiting:
                if not future.done():
                    future.set_exception(JournalFailure(failure))
            self.waiting = []
