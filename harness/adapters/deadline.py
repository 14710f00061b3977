"""A whole-exchange deadline and a size cap for the harness's HTTP calls to a target.

httpx's timeouts bound each socket operation, not the exchange: a target that answers one
byte every second, under a ten-second read timeout, would hold a scenario for ever. This
transport gives every exchange (connect, send, headers, body) one deadline, clamping each
socket operation's timeout to what is left of it, and stops reading past ``max_bytes``.
"""

from __future__ import annotations

import functools
import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

_local = threading.local()


class _Budget:
    def __init__(self, seconds: float, max_bytes: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.received = 0

    def clamp(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error(f"no complete answer within {self.seconds:g} s")
        return left if timeout is None else min(timeout, left)


def _budget() -> _Budget | None:
    found: _Budget | None = getattr(_local, "budget", None)
    return found


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    budget = _budget()
    return timeout if budget is None else budget.clamp(timeout, error)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))
        budget = _budget()
        if budget is not None:
            budget.received += len(data)
            if budget.received > budget.max_bytes:
                raise httpcore.ReadError(f"answer larger than {budget.max_bytes} bytes")
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(
            ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout)
        )
        return _Stream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, _clamp(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _Stream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _ssl_context(
    verify: ssl.SSLContext | bool | str, cert: tuple[str, str] | None
) -> ssl.SSLContext:
    """One SSL context per setting and process: building one loads the CA bundle (~40 ms),
    and every scenario's adapter would otherwise build its own."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    return httpx.create_ssl_context(verify=verify, cert=cert)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport over a network backend that enforces the deadline."""

    def __init__(
        self,
        *,
        seconds: float,
        max_bytes: int,
        verify: ssl.SSLContext | bool | str = True,
        cert: tuple[str, str] | None = None,
    ) -> None:
        # Built like httpx.HTTPTransport builds its pool (httpx 0.28), with our backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(verify, cert),
            network_backend=_Backend(),
        )
        self.seconds = seconds
        self.max_bytes = max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _local.budget = _Budget(self.seconds, self.max_bytes)
        try:
            response = super().handle_request(request)
            response.read()  # the body too, under the same deadline
            return response
        finally:
            _local.budget = None
