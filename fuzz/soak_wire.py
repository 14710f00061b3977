"""The soak's DUIS client: the harness's own adapter (requests built, signed and sent by the
World, every answer checked by the harness's :class:`ResponseTrust`: the DSP's signature,
the S1SP's, the decoding from standard elements, the leg and the RequestID named), on a
cheaper wire: one keep-alive ``http.client`` connection per client (a client is one
thread), where httpx's request building and connection pool cost about a quarter of a soak
client's CPU (py-spy, holding the GIL).
"""

from __future__ import annotations

import http.client
import socketserver
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.adapters.http import DuisHttpAdapter
from harness.adapters.receiver import MAX_BODY, SOCKET_TIMEOUT, Receiver
from harness.errors import HarnessError, Inconclusive

IDLE_RECONNECT = 2.0  # seconds: a keep-alive connection idle longer is replaced before use
MAX_ANSWER = 4 << 20
HEADER_LINES = 100  # a delivery's request line and headers, at most
HEADER_LINE = 8192
ANSWER_FIELDS = b"Content-Length: 0\r\nConnection: close\r\n\r\n"


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


class LeanReceiver(Receiver):
    """The harness's :class:`Receiver` (every response filed by the RequestID it names,
    duplicates and refusals counted, the same waits), listening with one thread that takes
    each delivery whole and answers it, instead of a thread and an HTTP request parser per
    connection: the served DSP delivers one at a time per request, and the per-connection
    thread cost a soak client process about a sixth of its CPU."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._begin_filing()
        receiver = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = SOCKET_TIMEOUT

            def handle(self) -> None:
                # one write, so one segment: the courier reads the whole answer at once
                status = self._status()
                self.wfile.write(b"HTTP/1.1 %s\r\n%s" % (status, ANSWER_FIELDS))

            def _status(self) -> bytes:
                length = -1
                for _ in range(HEADER_LINES):
                    line = self.rfile.readline(HEADER_LINE)
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip()) if value.strip().isdigit() else -1
                if length <= 0 or length > MAX_BODY:
                    return b"413 Too Large" if length > MAX_BODY else b"411 Length Required"
                body = self.rfile.read(length)
                try:
                    receiver.accept(body)
                except HarnessError:
                    receiver.rejected += 1
                    return b"400 Bad Request"
                return b"200 OK"

        class Server(socketserver.TCPServer):
            request_queue_size = 128
            allow_reuse_address = True

            def handle_error(self, request: object, client_address: object) -> None:
                receiver.peer_errors += 1

        try:
            self._server = Server((host, port), Handler)  # type: ignore[assignment]
        except OSError as exc:
            raise HarnessError(f"cannot listen for asynchronous responses: {exc}") from None
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
