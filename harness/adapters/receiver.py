"""The harness's own receive-response endpoint: a small HTTP server on which targets POST
asynchronous DUIS responses; responses are correlated by RequestID."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness.domain.requests import RequestId, Response
from harness.duis.responses import correlate, decode_response
from harness.duis.safe_xml import parse_untrusted
from harness.errors import ConfigurationError, HarnessError

MAX_BODY = 1 << 20
SOCKET_TIMEOUT = 10.0  # a peer that stops sending mid-request loses its thread after this


class Receiver:
    """Collects asynchronous responses; one per process, shared by every adapter."""

    def _begin_filing(self) -> None:
        """No response filed yet (every listener keeps its responses the same way)."""
        self._responses: dict[RequestId, list[Response]] = defaultdict(list)
        self._raw: dict[RequestId, list[bytes]] = defaultdict(list)
        self._arrived = threading.Condition()
        self.rejected = 0
        self.duplicates = 0
        self.peer_errors = 0

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._begin_filing()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = SOCKET_TIMEOUT

            def do_POST(self) -> None:
                declared = (self.headers.get("content-length") or "0").strip()
                length = int(declared) if declared.isdigit() else -1
                if length <= 0 or length > MAX_BODY:
                    self.send_error(413 if length > MAX_BODY else 411)
                    return
                body = self.rfile.read(length)
                try:
                    receiver.accept(body)
                except HarnessError as exc:
                    receiver.rejected += 1
                    # The reason goes in the body: the status line must stay Latin-1.
                    self.send_error(400, explain=str(exc)[:200])
                    return
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        class Server(ThreadingHTTPServer):
            # A DSP delivers many answers at once under load; socketserver's backlog of 5
            # drops connections past it, and their retried SYNs outlast the DSP's timeout.
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                receiver.peer_errors += 1  # a peer hanging up mid-answer: no console traceback

        try:
            self._server = Server((host, port), Handler)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot listen for asynchronous responses on {host}:{port}: "
                f"{exc.strerror or exc} (receiver_host / receiver_port in the --config file)"
            ) from None
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/responses"

    def accept(self, body: bytes) -> None:
        """File a response under the request it names. Nothing is believed here: the
        adapter verifies each response before reading it (harness/adapters/trust.py)."""
        root = parse_untrusted(body)  # once, for both readings
        request_id = correlate(body, root=root)
        try:
            response: Response | None = decode_response(body, root=root)
        except HarnessError:
            response = None  # filed all the same: reading it is the adapter's verdict
        with self._arrived:
            seen = self._responses.get(request_id, [])
            if body in self._raw[request_id] or (response is not None and response in seen):
                self.duplicates += 1  # the same response delivered twice (even re-signed)
                return
            self._raw[request_id].append(body)
            if response is not None:
                self._responses[request_id].append(response)
            self._arrived.notify_all()

    def responses(self, request_id: RequestId) -> list[Response]:
        """What arrived for ``request_id``, read without checking signatures."""
        with self._arrived:
            return list(self._responses.get(request_id, []))

    def raw(self, request_id: RequestId) -> list[bytes]:
        with self._arrived:
            return list(self._raw.get(request_id, []))

    def wait_for(
        self, request_id: RequestId, done: Callable[[list[bytes]], bool], timeout: float
    ) -> bool:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not done(list(self._raw.get(request_id, []))):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._arrived.wait(remaining)
            return True

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


_shared: Receiver | None = None
_lock = threading.Lock()


def shared_receiver(host: str = "127.0.0.1", port: int = 0) -> Receiver:
    global _shared  # noqa: PLW0603 - one receiver per process
    with _lock:
        if _shared is None:
            _shared = Receiver(host, port)
        return _shared
