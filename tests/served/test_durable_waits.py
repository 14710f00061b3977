"""An answer waits on the event loop, not on a thread, until its journal entry is on disk:
with the disk slow, requests arriving together are answered by the one DUIS thread in
turn and share the journal's writes, none leaves before its entry is durable, and a failed
write turns every waiting answer, and every later one, into 503."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import pytest

from harness.domain.requests import Endpoint
from harness.server.app import create_app
from harness.server.journal import REQUEST, Journal, JournalFailure
from harness.server.service import Handled
from tests.reliability.kit import slow_journal_writes
from tests.served.asgi_load import post_at_once

REQUESTS = 24
WRITE_SECONDS = 0.05

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


class JournalledDsp:
    """Stands in for ServedDsp: each answer queues a journal entry holding the request."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def answer(self, endpoint: Endpoint, body: bytes) -> Handled:
        ticket = self.journal.enqueue(REQUEST, endpoint.value, body)
        return Handled(b"<answer>" + body + b"</answer>", [], ticket)

    def durable(self, ticket: int) -> bool:
        return self.journal.durable(ticket)


def _watched(app: Any, written: list[bytes], early: list[bytes]) -> Any:
    """The app, noting every answer whose request was not yet on disk when it left."""

    async def watched(scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body":
                body = bytes(message.get("body", b""))
                request = body.removeprefix(b"<answer>").removesuffix(b"</answer>")
                if body.startswith(b"<answer>") and request not in written:
                    early.append(request)
            await send(message)

        await app(scope, receive, sending)

    return watched


def test_answers_wait_for_the_disk_on_the_loop_and_share_its_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[bytes] = []
    slow_journal_writes(monkeypatch, written, seconds=WRITE_SECONDS)
    journal = Journal(tmp_path / "state.db")
    early: list[bytes] = []
    app = _watched(create_app(JournalledDsp(journal)), written, early)  # type: ignore[arg-type]
    answers = post_at_once(app, REQUESTS)
    journal.close()
    assert [a.status_code for a in answers] == [200] * REQUESTS
    assert [a.content for a in answers] == [
        f"<answer><r{n}/></answer>".encode() for n in range(REQUESTS)
    ]
    assert not early, f"answered before on disk: {early[:3]}"
    # One DUIS thread: had it waited for each write, one write per answer (24, one after
    # another), not a few shared ones.
    assert journal.batches <= REQUESTS // 4, f"{journal.batches} writes for {REQUESTS} answers"


def test_a_failed_write_answers_503_now_and_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_journal_writes(monkeypatch, [], seconds=WRITE_SECONDS, fail=True)
    journal = Journal(tmp_path / "state.db")
    app = create_app(JournalledDsp(journal))  # type: ignore[arg-type]
    answers = post_at_once(app, REQUESTS)
    assert {a.status_code for a in answers} == {503}
    assert all("disk full" in a.text for a in answers), answers[0].text
    with pytest.raises(JournalFailure, match="disk full"):
        journal.enqueue(REQUEST, "/x", b"later")
    journal.close()
