"""The soak's cheaper wire, and the served DSP's courier: the same exchanges and the same
checks as the harness's adapter and receiver, over plain sockets (fuzz/soak_wire.py,
harness/server/courier.py)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

import harness.adapters.http as http_adapter
from fuzz import soak_wire
from harness.adapters.target_config import TargetConfig
from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.requests import (
    Outcome,
    ReadInstantaneousImportRegisters,
    RequestId,
    Response,
    ServiceRequest,
)
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.responses import encode_response
from harness.duis.xml_signer import XmlSigner
from harness.errors import Inconclusive
from harness.pki import TestPki
from harness.server.courier import DeliveryFailed, PlainPoster

USER = Eui64(0x90B3D51F30010000)
DEVICE = Eui64(0x00DB1234567890A0)
_DSP = TestPki("ZD").issue(Eui64(0x90B3D51F30000002), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
DSP = XmlSigner(_DSP.private_key, _DSP.certificate.certificate)


def _signed(request_id: RequestId, code: str = "I99") -> bytes:
    response = Response(request_id, code, Outcome.ACKNOWLEDGED)
    return DSP.sign(encode_response(response, datetime(2026, 3, 1, tzinfo=UTC), srv="4.1.1"))


class _Dsp(ThreadingHTTPServer):
    """Answers every POST with a signed I99 for the RequestID it names, on keep-alive
    connections; counts the connections it accepted. ``silent``: never answers."""

    daemon_threads = True

    def __init__(self, silent: bool = False) -> None:
        self.connections = 0
        self.silent = silent
        self.quit = threading.Event()
        dsp = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                dsp.connections += 1

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if dsp.silent:
                    dsp.quit.wait(5)
                    return
                counter = int(body.split(b"<sr:RequestID>")[1].split(b"<")[0].split(b":")[-1])
                answer = _signed(RequestId(USER, DEVICE, counter))
                self.send_response(200)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                return

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.quit.set()
        self.shutdown()
        self.server_close()


@pytest.fixture
def lean(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[str], soak_wire.LeanAdapter]]:
    """A LeanAdapter on ``url``; its start-up questions (capabilities) answered by a mock."""

    def client_for(base_url: str, config: TargetConfig) -> httpx.Client:
        answer = httpx.Response(200, json={"provision": True})
        return httpx.Client(base_url=base_url, transport=httpx.MockTransport(lambda r: answer))

    monkeypatch.setattr(http_adapter, "client_for", client_for)
    made: list[soak_wire.LeanAdapter] = []

    def make(url: str) -> soak_wire.LeanAdapter:
        config = TargetConfig(
            timeout=0.5, response_timeout=0.2, retries=1, dsp_certificates=(DSP.certificate,)
        )
        adapter = soak_wire.LeanAdapter(url, config, soak_wire.LeanReceiver())
        credential = TestPki("ZH").issue(USER, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
        adapter.enrol_signer(USER, credential)
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        adapter.close()
        adapter.receiver.close()


def _read(counter: int) -> ServiceRequest:
    return ServiceRequest(
        RequestId(USER, DEVICE, counter), "4.1.1", 1, ReadInstantaneousImportRegisters()
    )


def test_requests_share_one_connection_and_answers_are_checked(
    lean: Callable[[str], soak_wire.LeanAdapter],
) -> None:
    dsp = _Dsp()
    try:
        adapter = lean(dsp.url)
        for counter in (1, 2, 3):
            response = adapter.submit(_read(counter))
            assert (response.code, response.request_id.counter) == ("I99", counter)
        assert dsp.connections == 1
    finally:
        dsp.stop()


def test_a_connection_idle_too_long_is_replaced_before_it_is_used(
    lean: Callable[[str], soak_wire.LeanAdapter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(soak_wire, "IDLE_RECONNECT", 0.0)
    dsp = _Dsp()
    try:
        adapter = lean(dsp.url)
        adapter.submit(_read(1))
        adapter.submit(_read(2))
        assert dsp.connections == 2
    finally:
        dsp.stop()


def test_no_answer_in_time_is_inconclusive_and_not_resent(
    lean: Callable[[str], soak_wire.LeanAdapter],
) -> None:
    dsp = _Dsp(silent=True)
    try:
        with pytest.raises(Inconclusive, match="not re-sent"):
            lean(dsp.url).submit(_read(1))
        assert dsp.connections == 1
    finally:
        dsp.stop()


def test_a_refused_connection_is_retried_then_inconclusive(
    lean: Callable[[str], soak_wire.LeanAdapter],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Inconclusive, match="unreachable"):
        lean(f"http://127.0.0.1:{port}").submit(_read(1))


# -- asynchronous responses: the courier and the receiver ---------------------------------
def test_a_delivery_is_filed_by_the_receiver_before_the_post_returns() -> None:
    receiver = soak_wire.LeanReceiver()
    try:
        request_id = RequestId(USER, DEVICE, 7)
        answer = _signed(request_id, "I0")
        poster = PlainPoster(timeout=2)
        headers = {"content-type": "application/xml"}
        assert asyncio.run(poster.post(receiver.url, answer, headers)) == 200
        assert receiver.raw(request_id) == [answer]
        assert asyncio.run(poster.post(receiver.url, answer, headers)) == 200
        assert receiver.duplicates == 1
        assert asyncio.run(poster.post(receiver.url, b"<not-duis/>", headers)) == 400
        assert receiver.rejected == 1
    finally:
        receiver.close()


def test_a_delivery_that_cannot_be_made_fails_within_its_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/responses"
        with pytest.raises(DeliveryFailed, match=r"within 0\.3 s"):
            asyncio.run(PlainPoster(timeout=0.3).post(url, b"<a/>", {}))
    with pytest.raises(DeliveryFailed):  # nobody listens there any more
        asyncio.run(PlainPoster(timeout=0.3).post(url, b"<a/>", {}))
    with pytest.raises(DeliveryFailed, match="not a plain http"):
        asyncio.run(PlainPoster(timeout=0.3).post("ftp://x/y", b"<a/>", {}))
