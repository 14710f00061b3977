"""The HTTP face of the served DSP (Starlette): DCC-Boxed-shaped DUIS endpoints and the
JSON test-control API (docs/test-control.md)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from harness.domain.eui import Eui64
from harness.domain.requests import Endpoint
from harness.errors import HarnessError
from harness.server.answer_thread import AnswerThread
from harness.server.courier import Courier, DeliveryFailed
from harness.server.durable import DurableWaits
from harness.server.journal import JournalFailure
from harness.server.latency import DelayRange, Latency, LatencyModel
from harness.server.service import Delivery, RefusedMessage, ServedDsp

MAX_BODY = 1 << 20  # 1 MiB: no DUIS request in scope comes near it
DELIVERY_TIMEOUT = 5.0
# GET /test-control/capabilities (docs/test-control.md): a clock and an S1SP fault per scope too.
CAPABILITIES = {
    "provision": True,
    "move_clock": True,
    "inspect": True,
    "inject_faults": True,
    "scoped_clock": True,
    "scoped_fault": True,
}
log = logging.getLogger("dsp_conformance.server")


class BodyTooLarge(Exception):
    pass


def _xml_content_type(request: Request) -> bool:
    """DUIS travels as XML: application/xml, text/xml or any */*+xml (parameters allowed)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media in ("application/xml", "text/xml") or media.endswith("+xml")


async def _read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _deliver(deliveries: list[Delivery], courier: Courier) -> None:
    """POST asynchronous responses to the Users' receive-response URLs, in order, before
    the synchronous answer goes back (a delivery that fails is logged, never fatal)."""
    if not deliveries:
        return
    client = courier.client()
    for delivery in deliveries:
        try:
            await client.post(
                delivery.url, content=delivery.xml, headers={"content-type": "application/xml"}
            )
        except DeliveryFailed as exc:
            log.warning("could not deliver %s to %s: %s", delivery.request_id, delivery.url, exc)


class Dispatcher:
    """Asynchronous responses go out before the synchronous answer leaves; with a latency
    (``serve --device-delay``), that long after it, each batch in the order produced."""

    def __init__(self, courier: Courier, latency: Latency) -> None:
        self.courier = courier
        self.latency = latency
        self.pending: set[asyncio.Task[None]] = set()

    async def dispatch(self, deliveries: list[Delivery]) -> None:
        delay = self.latency.device_delay(deliveries[0].request_id) if deliveries else 0.0
        if delay <= 0:
            await _deliver(deliveries, self.courier)
            return
        task = asyncio.create_task(self._later(deliveries, delay))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _later(self, deliveries: list[Delivery], delay: float) -> None:
        await asyncio.sleep(delay)
        await _deliver(deliveries, self.courier)

    def cancel(self) -> None:
        for task in list(self.pending):
            task.cancel()


def _authorised(request: Request, token: str | None) -> bool:
    if token is None:
        return True
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def _fixed_latency(delay_ms: float, async_delay_ms: float) -> Latency:
    sync = DelayRange.fixed_ms(delay_ms, "delay_ms")
    return Latency(LatencyModel(sync, DelayRange.fixed_ms(async_delay_ms, "async_delay_ms")))


async def _answer_late(latency: Latency, xml: bytes) -> None:
    """The latency model's delay of a synchronous answer (``serve --sync-delay``)."""
    delay = latency.sync_delay(xml)
    if delay > 0:
        await asyncio.sleep(delay)


class DuisEndpoint:
    """The DUIS endpoints: a request answered on the one DUIS thread, in arrival order, then
    (on the loop) its journal entry waited for, its latency, its deliveries, its answer."""

    def __init__(self, service: ServedDsp, latency: Latency, dispatcher: Dispatcher) -> None:
        self.service = service
        self.latency = latency
        self.dispatcher = dispatcher
        self.answers = AnswerThread(service.answer)  # one thread, in arrival order
        self.durable = DurableWaits(service)

    def handler(self, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            return await self.handle(endpoint, request)

        return handle

    async def handle(self, endpoint: Endpoint, request: Request) -> Response:
        if not _xml_content_type(request):
            found = request.headers.get("content-type", "none")[:80]
            return PlainTextResponse(
                f"refused: content-type {found!r}; DUIS requests are application/xml\n", 415
            )
        try:
            body = await _read_body(request)
        except BodyTooLarge:
            return PlainTextResponse(f"refused: body larger than {MAX_BODY} bytes\n", 413)
        try:
            handled = await self.answers.answer(endpoint, body)
            await self.durable.wait(handled.ticket)  # on disk before anything leaves
        except RefusedMessage as exc:
            return PlainTextResponse(f"refused: {exc}\n", 400)
        except JournalFailure as exc:
            return PlainTextResponse(f"unavailable: {exc}\n", 503)
        await _answer_late(self.latency, handled.xml)
        await self.dispatcher.dispatch(handled.deliveries)
        return Response(handled.xml, media_type="application/xml")


def create_app(
    service: ServedDsp,
    token: str | None = None,
    delay_ms: float = 0.0,
    async_delay_ms: float = 0.0,
    *,
    test_control: bool = True,
    latency: Latency | None = None,
) -> Starlette:
    # ``latency`` (harness/server/latency.py) replaces the fixed delays when given.
    latency = latency or _fixed_latency(delay_ms, async_delay_ms)
    courier = Courier(DELIVERY_TIMEOUT)
    dispatcher = Dispatcher(courier, latency)
    duis = DuisEndpoint(service, latency, dispatcher)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        duis.answers.close()
        dispatcher.cancel()
        await courier.close()
        latency.close()

    def forbidden() -> JSONResponse:
        return JSONResponse({"error": "test control needs 'Authorization: Bearer <token>'"}, 401)

    async def capabilities(request: Request) -> Response:
        if not _authorised(request, token):
            return forbidden()
        return JSONResponse(CAPABILITIES)

    async def provision(request: Request) -> Response:
        if not _authorised(request, token):
            return forbidden()
        try:
            body = json.loads(await _read_body(request))
            deliveries = await run_in_threadpool(service.provision, body)
        except BodyTooLarge:
            return JSONResponse({"error": "body too large"}, 413)
        except RecursionError:
            return JSONResponse({"error": "not JSON: nested too deeply"}, 400)
        except JournalFailure as exc:
            return JSONResponse({"error": str(exc)}, 503)
        except ValueError as exc:
            message = str(exc) if isinstance(exc, HarnessError) else f"not JSON: {exc}"
            return JSONResponse({"error": message}, 400)
        except HarnessError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        await dispatcher.dispatch(deliveries)
        return Response(status_code=204)

    async def held(request: Request) -> Response:
        if not _authorised(request, token):
            return forbidden()
        try:
            device = Eui64.parse(request.path_params["device"])
            return JSONResponse(await run_in_threadpool(service.held, device))
        except HarnessError as exc:
            return JSONResponse({"error": str(exc)}, 404)

    async def dsp_certificate(request: Request) -> Response:
        return Response(service.certificate_pem, media_type="application/x-pem-file")

    async def s1sp_certificate(request: Request) -> Response:
        return Response(service.s1sp_certificate_pem, media_type="application/x-pem-file")

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "profile": service.dsp.profile.name})

    routes = [Route(e.value, duis.handler(e), methods=["POST"]) for e in Endpoint]
    routes.append(Route("/health", health, methods=["GET"]))
    # Without test control (a DSP the harness cannot provision), every such path 404s.
    routes += (
        []
        if not test_control
        else [
            Route("/test-control/capabilities", capabilities, methods=["GET"]),
            Route("/test-control/provision", provision, methods=["POST"]),
            Route("/test-control/devices/{device}/certificates", held, methods=["GET"]),
            Route("/test-control/dsp-certificate", dsp_certificate, methods=["GET"]),
            Route("/test-control/s1sp-certificate", s1sp_certificate, methods=["GET"]),
        ]
    )
    return Starlette(routes=routes, lifespan=lifespan)
