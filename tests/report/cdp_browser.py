"""Drive headless Chromium over the DevTools protocol, on a pipe (no websocket library needed).

Chromium is started with ``--remote-debugging-pipe``: it reads commands from fd 3 and writes
replies and events to fd 4, each a JSON object ending in a NUL byte. Every request any page, frame
or worker makes is seen as a ``Network.requestWillBeSent`` event, whatever the proxy settings, so
the test can say exactly which hosts the page itself tried to reach.

Alongside, ``RecordingProxy`` is a tiny HTTP proxy that records every request the browser sends it
and answers 403: with ``--proxy-server`` pointing at it, nothing leaves the machine, and anything
that tried to is in its log. Loopback addresses bypass a proxy by default in Chromium, so the
local report server is reached directly.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CHROMIUM_CANDIDATES = (Path("/usr/lib/chromium/chromium"), Path("/usr/bin/chromium"))
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
COMMAND_TIMEOUT_S = 30.0
_PLACE_PIPES_AND_EXEC = (  # runs in the child: pipe ends to fds 3 and 4, then exec Chromium
    "import fcntl, os, sys\n"
    "given = [int(sys.argv[1]), int(sys.argv[2])]\n"
    "high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in given]\n"
    "[os.close(fd) for fd in given]\n"
    "os.dup2(high[0], 3); os.dup2(high[1], 4)\n"
    "[os.close(fd) for fd in high]\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


class BrowserError(Exception):
    pass


def find_chromium() -> Path | None:
    """The Chromium binary itself (the Debian wrapper script adds extensions and API keys)."""
    if not Path("/usr/bin/chromium").exists():
        return None
    for candidate in CHROMIUM_CANDIDATES:
        if candidate.exists() and os.access(candidate, os.X_OK):
            return candidate
    return None


def is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme.lower() not in NETWORK_SCHEMES:
        return False  # data:, blob:, about:, chrome: never reach the network
    return (parts.hostname or "").lower() not in LOOPBACK_HOSTS


# --- a local web server for the reports -------------------------------------------------------
# Built on socketserver rather than http.server: a test package named ``http`` elsewhere in the
# tree can shadow the standard library's ``http`` when the whole suite runs.

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


class _FileHandler(socketserver.StreamRequestHandler):
    root: Path
    served: list[str]

    def handle(self) -> None:
        self.connection.settimeout(10)
        try:
            request = self.rfile.readline(65536).decode("latin-1").split()
            while self.rfile.readline(65536).strip():  # skip the headers
                pass
        except OSError:
            return
        if len(request) < 2 or request[0] not in ("GET", "HEAD"):
            self._reply(405, b"", "text/plain")
            return
        path = unquote(urlsplit(request[1]).path)
        self.served.append(path)
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            self._reply(404, b"not found", "text/plain")
            return
        body = file.read_bytes()
        kind = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        self._reply(200, b"" if request[0] == "HEAD" else body, kind, len(body))

    def _reply(self, status: int, body: bytes, kind: str, length: int | None = None) -> None:
        reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}[status]
        head = (
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        )
        self.wfile.write(head.encode("latin-1") + body)


@dataclass
class LocalServer:
    """Serves one directory on 127.0.0.1 on a free port, from a background thread."""

    root: Path
    served: list[str] = field(default_factory=list)

    def __enter__(self) -> LocalServer:
        handler = type(
            "Handler", (_FileHandler,), {"root": self.root.resolve(), "served": self.served}
        )
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# --- a recording proxy that lets nothing through -----------------------------------------------


class _ProxyHandler(socketserver.StreamRequestHandler):
    log: list[str]

    def handle(self) -> None:
        self.connection.settimeout(5)
        try:
            line = self.rfile.readline(65536).decode("latin-1").strip()
        except OSError:
            return
        if line:
            self.log.append(line)
        self.wfile.write(
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )


@dataclass
class RecordingProxy:
    log: list[str] = field(default_factory=list)

    def __enter__(self) -> RecordingProxy:
        handler = type("Handler", (_ProxyHandler,), {"log": self.log})
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def hosts(self) -> set[str]:
        """Hosts named in the recorded request lines (CONNECT host:443 or GET http://host/)."""
        found = set()
        for line in self.log:
            parts = line.split()
            if len(parts) < 2:
                continue
            target = parts[1]
            url = target if "://" in target else f"https://{target}"
            found.add((urlsplit(url).hostname or "").lower())
        return found

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# --- the browser -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageVisit:
    url: str
    requested: tuple[str, ...]  # every URL the page, its frames and workers asked for
    value: Any  # what the `probe` expression returned once `ready` accepted it
    screenshot: Path | None
    dialogs: tuple[str, ...] = ()  # alert()/confirm() messages the page raised (script ran!)

    @property
    def third_party(self) -> tuple[str, ...]:
        return tuple(u for u in self.requested if is_third_party(u))


class Chromium:
    """One headless Chromium, driven over the DevTools pipe. Use as a context manager."""

    def __init__(self, binary: Path, workdir: Path, *, proxy: str | None = None) -> None:
        self.binary = binary
        self.workdir = workdir
        self.proxy = proxy
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()

    def __enter__(self) -> Chromium:
        profile = self.workdir / "chromium-profile"
        shutil.rmtree(profile, ignore_errors=True)
        profile.mkdir(parents=True)
        args = [
            str(self.binary),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        if self.proxy:
            args.insert(1, f"--proxy-server={self.proxy}")
        # Chromium expects the pipe on fds 3 and 4. A fresh Python process places them there and
        # then becomes Chromium (no preexec_fn, which is unsafe with threads running).
        command_read, command_write = os.pipe()
        event_read, event_write = os.pipe()
        child_in, child_out = command_read, event_write
        self._log = (self.workdir / "chromium.log").open("wb")
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _PLACE_PIPES_AND_EXEC, str(child_in), str(child_out), *args],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            pass_fds=(child_in, child_out),
        )
        os.close(child_in)
        os.close(child_out)
        self._to_browser = os.fdopen(command_write, "wb", buffering=0)
        self._from_browser = os.fdopen(event_read, "rb", buffering=0)
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.send("Browser.getVersion")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._post("Browser.close", {})
            self._proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait(timeout=10)
        finally:
            self._to_browser.close()
            self._reader.join(timeout=10)
            self._from_browser.close()
            self._log.close()

    # -- protocol plumbing --

    def _read_loop(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._from_browser.read(65536)
            except OSError:
                chunk = b""
            if not chunk:
                self._inbox.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                message, buffer = buffer.split(b"\0", 1)
                self._inbox.put(json.loads(message))

    def _post(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._to_browser.write(json.dumps(message).encode() + b"\0")
        return self._next_id

    def _pump(self, wait: float) -> bool:
        """Take one message off the pipe (waiting up to ``wait`` s); False if none came."""
        try:
            message = self._inbox.get(timeout=wait)
        except queue.Empty:
            return False
        if message is None:
            raise BrowserError("Chromium closed the DevTools pipe; see chromium.log")
        if "id" in message:
            self._replies[message["id"]] = message
        else:
            self._on_event(message)
        return True

    def _on_event(self, event: dict[str, Any]) -> None:
        self._events.append(event)
        if event.get("method") == "Page.javascriptDialogOpening":
            self._post("Page.handleJavaScriptDialog", {"accept": False}, event.get("sessionId"))
        if event.get("method") == "Target.attachedToTarget":
            # A frame or worker of the page: watch its network too, then let it run.
            child = event["params"]["sessionId"]
            self._post("Network.enable", {}, child)
            self._post("Runtime.runIfWaitingForDebugger", {}, child)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        *,
        timeout: float = COMMAND_TIMEOUT_S,
    ) -> dict[str, Any]:
        ident = self._post(method, params or {}, session)
        deadline = time.monotonic() + timeout
        while ident not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"{method}: no reply within {timeout:.0f} s")
            self._pump(min(remaining, 0.5))
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def _wait_event(self, method: str, session: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self._events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return
            seen = len(self._events)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"no {method} within {timeout:.0f} s")
            self._pump(min(remaining, 0.5))

    def _settle(self, quiet: float, limit: float) -> None:
        """Keep reading events until no request has started for ``quiet`` s (at most ``limit``)."""
        deadline = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            if self._pump(0.1) and self._events[-1].get("method") == "Network.requestWillBeSent":
                last = time.monotonic()

    # -- what tests use --

    def visit(
        self,
        url: str,
        *,
        probe: str,
        ready: Callable[[Any], bool],
        screenshot: Path | None = None,
        width: int = 1280,
        height: int = 900,
        full_page: bool = False,
        sections: dict[str, Path] | None = None,
        timeout: float = 60.0,
    ) -> PageVisit:
        """Open ``url`` in a new tab, evaluate ``probe`` until ``ready(value)``, take a screenshot
        (and one per CSS selector in ``sections``), and return every URL the page requested."""
        first_event = len(self._events)
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            self.send("Network.enable", {}, session)
            self.send("Page.enable", {}, session)
            self.send(
                "Target.setAutoAttach",
                {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
                session,
            )
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
            self.send("Emulation.setDeviceMetricsOverride", metrics, session)
            self.send("Page.navigate", {"url": url}, session)
            self._wait_event("Page.loadEventFired", session, timeout)
            value = self._poll(probe, ready, session, timeout)
            self._settle(quiet=1.0, limit=8.0)
            shot = None
            if screenshot is not None:
                shot = self._screenshot(session, screenshot, metrics, full_page)
            for selector, path in (sections or {}).items():
                self._element_screenshot(session, selector, path)
        finally:
            self.send("Target.closeTarget", {"targetId": target})
        requested = tuple(
            event["params"]["request"]["url"][:300]
            for event in self._events[first_event:]
            if event.get("method") == "Network.requestWillBeSent"
        ) + tuple(
            event["params"]["url"]
            for event in self._events[first_event:]
            if event.get("method") == "Network.webSocketCreated"
        )
        dialogs = tuple(
            str(event["params"].get("message", ""))
            for event in self._events[first_event:]
            if event.get("method") == "Page.javascriptDialogOpening"
        )
        return PageVisit(
            url=url, requested=requested, value=value, screenshot=shot, dialogs=dialogs
        )

    def _poll(self, probe: str, ready: Callable[[Any], bool], session: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        value: Any = None
        while time.monotonic() < deadline:
            reply = self.send(
                "Runtime.evaluate", {"expression": probe, "returnByValue": True}, session
            )
            value = reply.get("result", {}).get("value")
            if ready(value):
                return value
            self._pump(0.25)
        raise BrowserError(f"the page never became ready; last probe value: {value!r:.2000}")

    def _element_screenshot(self, session: str, selector: str, path: Path) -> Path:
        probe = (
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.left + window.scrollX, r.top + window.scrollY,"
            " r.width, r.height]; })()"
        )
        reply = self.send("Runtime.evaluate", {"expression": probe, "returnByValue": True}, session)
        x, y, width, height = reply["result"]["value"]
        clip = {"x": x, "y": y, "width": width, "height": min(height, 4000), "scale": 1}
        data = self.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
            session,
        )["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def _screenshot(
        self, session: str, path: Path, metrics: dict[str, Any], full_page: bool
    ) -> Path:
        if full_page:
            size = self.send("Page.getLayoutMetrics", {}, session)["cssContentSize"]
            tall = {**metrics, "height": min(int(size["height"]) + 1, 12000)}
            self.send("Emulation.setDeviceMetricsOverride", tall, session)
        data = self.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
