"""The soak's DUIS client: the harness's own adapter (requests built, signed and sent by the
World, every answer checked by the harness's :class:`ResponseTrust`: the DSP's signature,
the S1SP's, the decoding from standard elements, the leg and the RequestID named), on a
cheaper wire: one keep-alive ``http.client`` connection per client (a client is one
thread), where httpx's request building and connection pool cost about a quarter of a soak
client's CPU (py-spy, holding the GIL).
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.adapters.http import DuisHttpAdapter
from harness.errors import HarnessError, Inconclusive

IDLE_RECONNECT = 2.0  # seconds: a keep-alive connection idle longer is replaced before use
MAX_ANSWER = 4 << 20


@dataclass(frozen=True)
class Answer:
    """What the adapter reads of an HTTP answer (the part of ``httpx.Response`` it uses)."""

    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class LeanAdapter(DuisHttpAdapter):
    """A :class:`DuisHttpAdapter` for one client thread on plain HTTP: one keep-alive
    connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = urlsplit(self.name)
        if parts.scheme != "http" or not parts.hostname:
            raise HarnessError(f"the soak's lean client speaks plain http://, not {self.name}")
        self._host, self._port = parts.hostname, parts.port or 80
        self._connection: http.client.HTTPConnection | None = None
        self._used = 0.0

    def _connect(self) -> http.client.HTTPConnection:
        stale = time.monotonic() - self._used > IDLE_RECONNECT
        if self._connection is not None and stale:
            self._connection.close()  # the server may be closing it: never send on it
            self._connection = None
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self._host, self._port, timeout=self.config.timeout
            )
        return self._connection

    def _post(self, path: str, body: bytes) -> Answer:  # type: ignore[override]
        headers = {"content-type": "application/xml"}
        if self.config.token:
            headers["authorization"] = f"Bearer {self.config.token}"
        for attempt in range(self.config.retries + 1):
            connection = self._connect()
            try:
                connection.request("POST", path, body=body, headers=headers)
                answer = connection.getresponse()
                content = answer.read(MAX_ANSWER + 1)
                if len(content) > MAX_ANSWER:
                    raise Inconclusive(f"target {self.name} answered more than {MAX_ANSWER} bytes")
                if answer.will_close:
                    self.close_connection()
                self._used = time.monotonic()
                return Answer(answer.status, content)
            except ConnectionRefusedError as exc:  # never reached the target: sent again
                self.close_connection()
                if attempt == self.config.retries:
                    raise Inconclusive(f"target {self.name} unreachable: {exc}") from None
            except TimeoutError:
                self.close_connection()
                raise Inconclusive(
                    f"target {self.name} gave no answer on {path} within {self.config.timeout:g} s "
                    "(not re-sent: it may have been processed)"
                ) from None
            except (OSError, http.client.HTTPException) as exc:
                self.close_connection()
                raise Inconclusive(f"target {self.name}: {exc or type(exc).__name__}") from None
        raise AssertionError("unreachable")

    def close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        self.close_connection()
        super().close()
