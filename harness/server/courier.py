"""Delivering asynchronous DUIS responses to the Users' receive-response URLs.

A plain ``http://`` URL (a harness's receiver, a test peer on loopback) gets one HTTP/1.1
POST on a connection of its own, written and read directly on the event loop: the served
DSP delivers about one answer per critical command, and httpx's asynchronous client spent
more of the server's CPU on each (its connection pool, its cancellation shields, and a
failed ``import sniffio`` that searches ``sys.path`` on every request) than the DSP spent
answering the command. ``https://`` URLs keep httpx (its TLS and certificate handling).

Every delivery ends within ``timeout`` seconds; a delivery that fails raises
:class:`DeliveryFailed` (the caller logs it; it is never fatal).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx

HEAD_LIMIT = 64 * 1024  # a status line and headers longer than this are not an HTTP answer
BODY_LIMIT = 64 * 1024  # what is read of an answer's body (a receiver answers with none)


class DeliveryFailed(Exception):
    """The receiving end could not be reached or gave no HTTP answer in time."""


class PlainPoster:
    """POSTs over plain HTTP/1.1, one connection per delivery (``Connection: close``)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> int:
        """The HTTP status the receiving end answered."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port or 80
        except ValueError as exc:  # a port that is not a number, a bad IPv6 literal
            raise DeliveryFailed(f"not a usable URL {url!r}: {exc}") from None
        if parts.scheme != "http" or not host:
            raise DeliveryFailed(f"not a plain http:// URL: {url!r}")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        authority = parts.netloc.rpartition("@")[2]
        lines = [f"POST {target} HTTP/1.1", f"Host: {authority}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines += [f"Content-Length: {len(content)}", "Connection: close", "", ""]
        try:
            head = "\r\n".join(lines).encode("latin-1")
            async with asyncio.timeout(self.timeout):
                return await self._exchange(host, port, head + content)
        except TimeoutError:
            raise DeliveryFailed(f"no answer from {url} within {self.timeout:g} s") from None
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            raise DeliveryFailed(f"{url}: {exc or type(exc).__name__}") from None

    async def _exchange(self, host: str, port: int, request: bytes) -> int:
        reader, writer = await asyncio.open_connection(host, port, limit=HEAD_LIMIT)
        try:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *fields = head.decode("latin-1").split("\r\n")
            version, _, rest = status_line.partition(" ")
            code = rest[:3]
            if not version.startswith("HTTP/") or not code.isdigit():
                raise DeliveryFailed(f"not an HTTP answer: {status_line[:80]!r}")
            for field in fields:
                name, _, value = field.partition(":")
                if name.strip().lower() == "content-length" and value.strip().isdigit():
                    await reader.readexactly(min(int(value.strip()), BODY_LIMIT))
            return int(code)
        finally:
            writer.close()


class Courier:
    """One client per kind of URL for every delivery (an httpx client costs about 50 ms of
    CPU to make, which, per request, stalled the event loop under load)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._plain = PlainPoster(timeout)
        self._tls: httpx.AsyncClient | None = None

    def client(self) -> Courier:
        return self

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> None:
        if url.lower().startswith("http://"):
            await self._plain.post(url, content, headers)
            return
        if self._tls is None:
            self._tls = httpx.AsyncClient(timeout=self.timeout)
        try:
            await self._tls.post(url, content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(str(exc) or type(exc).__name__) from None

    async def close(self) -> None:
        if self._tls is not None:
            await self._tls.aclose()
