"""Real misbehaving HTTP peers on loopback, for the reliability tests: each is a listening
socket with a thread per connection and a bounded life (it closes itself after
``lifetime`` seconds, or when the test closes it), so a test can never hang on one."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx

LOOPBACK = "127.0.0.1"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Connection:
    sock: socket.socket
    stop: threading.Event

    def read_request(self, timeout: float = 5.0) -> Request | None:
        """One HTTP/1.1 request with a Content-Length body (what httpx sends), or None."""
        self.sock.settimeout(timeout)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            while len(body) < length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None
                body += chunk
            return Request(method, path, headers, body[:length])
        except (OSError, ValueError):
            return None

    def send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(data)

    def trickle(self, data: bytes, interval: float) -> None:
        """Send one byte at a time until done, the peer hangs up or the test ends."""
        for i in range(len(data)):
            if self.stop.wait(interval):
                return
            try:
                self.sock.sendall(data[i : i + 1])
            except OSError:
                return

    def hold(self, seconds: float) -> None:
        self.stop.wait(seconds)


Behaviour = Callable[[Connection], None]


def http_response(
    status: int, body: bytes = b"", content_type: str = "application/xml", reason: str = "X"
) -> bytes:
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class Peer:
    """A listening socket on loopback that treats each connection with ``behaviour``."""

    def __init__(self, behaviour: Behaviour, lifetime: float = 120.0) -> None:
        self.behaviour = behaviour
        self.stop = threading.Event()
        self._server = socket.create_server((LOOPBACK, 0))
        self._server.settimeout(0.2)
        self.port = int(self._server.getsockname()[1])
        self.connections = 0
        self._deadline = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def _serve(self) -> None:
        while not self.stop.is_set() and time.monotonic() < self._deadline:
            try:
                sock, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            self.connections += 1
            threading.Thread(target=self._one, args=(sock,), daemon=True).start()
        self.stop.set()

    def _one(self, sock: socket.socket) -> None:
        try:
            self.behaviour(Connection(sock, self.stop))
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        self.stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._server.close()

    def __enter__(self) -> Peer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def peer(behaviour: Behaviour, lifetime: float = 120.0) -> Iterator[Peer]:
    with Peer(behaviour, lifetime) as running:
        yield running


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


# -- whole-target behaviours -------------------------------------------------------------
def hang_up(conn: Connection) -> None:
    """Accept the connection, then close it without a word."""


def never_answer(conn: Connection) -> None:
    conn.read_request()
    conn.hold(30)


def garbage(conn: Connection) -> None:
    conn.read_request()
    conn.send(b"\x00\xffSSH-2.0-not-http\r\n\x8f\x02garbage" * 8)


def answer_5xx(conn: Connection) -> None:
    conn.read_request()
    conn.send(http_response(503, b"maintenance", "text/plain", "Service Unavailable"))


def answer_unauthorised(conn: Connection) -> None:
    conn.read_request()
    conn.send(http_response(401, b'{"error":"token"}', "application/json", "Unauthorized"))


def answer_not_json(conn: Connection) -> None:
    conn.read_request()
    conn.send(http_response(200, b"<html>hello</html>", "application/json", "OK"))


def trickle_everything(conn: Connection) -> None:
    conn.read_request()
    conn.trickle(http_response(200, b'{"provision": true}', "application/json", "OK"), 0.3)


# -- a proxy in front of a real served DSP that misbehaves on chosen exchanges -----------
Fault = Callable[[Connection, Request], bool]  # True: the fault answered; False: forward


@dataclass
class FaultProxy:
    """Forwards to ``upstream`` (a real ``dsp-conformance serve``) except where ``fault``
    answers instead. Users' response URLs are rewritten to pass through ``relay``:
    "forward" (once), "twice" (every asynchronous response delivered twice) or "drop"."""

    upstream: str
    fault: Fault | None = None
    relay: str = "forward"
    lifetime: float = 120.0
    faults_served: int = 0
    relayed: int = 0
    _targets: dict[str, str] = field(default_factory=dict)
    _peer: Peer | None = None

    def __enter__(self) -> FaultProxy:
        self._peer = Peer(self._handle, self.lifetime)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._peer is not None:
            self._peer.close()

    @property
    def url(self) -> str:
        assert self._peer is not None
        return self._peer.url

    def _handle(self, conn: Connection) -> None:
        request = conn.read_request()
        if request is None:
            return
        if request.path.startswith("/relay/"):
            self._relay(conn, request)
            return
        if self.fault is not None and self.fault(conn, request):
            self.faults_served += 1
            return
        body = request.body
        if request.path == "/test-control/provision":
            body = self._rewrite(body)
        headers = {
            k: v for k, v in request.headers.items() if k in ("content-type", "authorization")
        }
        try:
            answer = httpx.request(
                request.method,
                self.upstream + request.path,
                content=body,
                headers=headers,
                timeout=10,
            )
        except httpx.HTTPError:
            conn.send(http_response(502, b"upstream unreachable", "text/plain"))
            return
        conn.send(
            http_response(
                answer.status_code,
                answer.content,
                answer.headers.get("content-type", "text/plain"),
            )
        )

    def _rewrite(self, body: bytes) -> bytes:
        try:
            command = json.loads(body)
        except ValueError:
            return body
        if isinstance(command, dict) and command.get("response_url"):
            key = str(len(self._targets))
            self._targets[key] = str(command["response_url"])
            command["response_url"] = f"{self.url}/relay/{key}"
            return json.dumps(command).encode()
        return body

    def _relay(self, conn: Connection, request: Request) -> None:
        target = self._targets.get(request.path.removeprefix("/relay/"))
        conn.send(http_response(200, b"", "text/plain", "OK"))
        if target is None or self.relay == "drop":
            return
        for _ in range(2 if self.relay == "twice" else 1):
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(
                    target,
                    content=request.body,
                    headers={"content-type": "application/xml"},
                    timeout=10,
                )
            self.relayed += 1


def on_path(path: str, behaviour: Callable[[Connection, Request], None]) -> Fault:
    """A fault on one endpoint only; everything else is forwarded."""

    def fault(conn: Connection, request: Request) -> bool:
        if request.path != path:
            return False
        behaviour(conn, request)
        return True

    return fault
