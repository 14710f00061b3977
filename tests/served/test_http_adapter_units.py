"""The DUIS/HTTP adapter's handling of what a target answers, on an httpx mock transport:
each target fault becomes Inconclusive (or a configuration error) with one line naming
it, in milliseconds. ``tests/reliability/test_bad_input.py`` meets the same faults from
real misbehaving peers on loopback, through the whole command line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

import harness.adapters.http as http_adapter
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
from harness.errors import ConfigurationError, Inconclusive, NonConformance
from harness.pki import TestPki

Handler = Callable[[httpx.Request], httpx.Response]
USER = Eui64(0x90B3D51F30010000)
DEVICE = Eui64(0x00DB1234567890A0)
DSP_ID = Eui64(0x90B3D51F30000002)
CAPABILITIES = {"provision": True, "move_clock": True, "inspect": True, "inject_faults": True}
_DSP_PKI = TestPki("ZD")
_DSP_CREDENTIAL = _DSP_PKI.issue(DSP_ID, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
DSP = XmlSigner(_DSP_CREDENTIAL.private_key, _DSP_CREDENTIAL.certificate.certificate)


@pytest.fixture
def target(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., http_adapter.DuisHttpAdapter]]:
    """An adapter whose every exchange is answered by ``duis`` (DUIS endpoints) and the
    test-control answers given; ``raise_on`` makes the transport raise instead."""
    pki = TestPki("ZH")
    made: list[http_adapter.DuisHttpAdapter] = []

    def make(
        duis: Handler | None = None,
        capabilities: httpx.Response | None = None,
        config: TargetConfig | None = None,
    ) -> http_adapter.DuisHttpAdapter:
        def handle(request: httpx.Request) -> httpx.Response:
            path = request.url.path
            if path == "/test-control/capabilities":
                return capabilities or httpx.Response(200, json=CAPABILITIES)
            if path.startswith("/test-control/"):
                return httpx.Response(404)
            assert duis is not None, f"unexpected {request.method} {path}"
            return duis(request)

        def client_for(base_url: str, config: TargetConfig) -> httpx.Client:
            return httpx.Client(base_url=base_url, transport=httpx.MockTransport(handle))

        monkeypatch.setattr(http_adapter, "client_for", client_for)
        settings = replace(
            config or TargetConfig(timeout=1.0, response_timeout=0.2, retries=0),
            dsp_certificates=(DSP.certificate,),
        )
        adapter = http_adapter.DuisHttpAdapter("http://dsp.mock", settings)
        adapter.enrol_signer(USER, pki.issue(USER, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING))
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        adapter.close()


def _read(counter: int = 1) -> ServiceRequest:
    return ServiceRequest(
        RequestId(USER, DEVICE, counter), "4.1.1", 1, ReadInstantaneousImportRegisters()
    )


def _answer(response: Response) -> Handler:
    xml = DSP.sign(encode_response(response, datetime(2026, 3, 1, tzinfo=UTC), srv="4.1.1"))
    return lambda request: httpx.Response(
        200, content=xml, headers={"content-type": "application/xml"}
    )


# -- discovery ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [
        (httpx.Response(401, text="no"), ConfigurationError, "HTTP 401"),
        (httpx.Response(503, text="down"), Inconclusive, "HTTP 503"),
        (httpx.Response(200, text="<html/>"), Inconclusive, "not a JSON object"),
        (httpx.Response(200, json=[1, 2]), Inconclusive, "not a JSON object"),
    ],
    ids=["token-refused", "5xx", "html", "json-list"],
)
def test_capabilities_faults_are_named(
    target: Callable[..., http_adapter.DuisHttpAdapter],
    answer: httpx.Response,
    error: type[Exception],
    words: str,
) -> None:
    with pytest.raises(error, match=words):
        target(capabilities=answer)


def test_no_test_control_api_means_no_capabilities(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    adapter = target(capabilities=httpx.Response(404))
    assert adapter.capabilities.missing({"provision", "inspect"}) == ["inspect", "provision"]
    assert not adapter.capabilities.missing({"xml_envelope"})


# -- Service Requests ----------------------------------------------------------------------
def test_a_good_answer_is_read_and_the_exchange_kept(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    request = _read()
    seen: list[httpx.Request] = []

    def duis(http: httpx.Request) -> httpx.Response:
        seen.append(http)
        return _answer(Response(request.request_id, "I99", Outcome.ACKNOWLEDGED))(http)

    adapter = target(duis)
    response = adapter.submit(request)
    assert (response.code, response.outcome) == ("I99", Outcome.ACKNOWLEDGED)
    assert seen[0].url.path == "/api/v1/serviceS"
    assert seen[0].headers["content-type"] == "application/xml"
    assert b"<ds:Signature" in seen[0].content
    assert adapter.last_raw is not None
    assert adapter.last_raw[0] == seen[0].content


@pytest.mark.parametrize(
    ("duis", "words"),
    [
        (
            lambda r: httpx.Response(502, text="bad gateway"),
            "answered HTTP 502 on /api/v1/serviceS",
        ),
        (lambda r: httpx.Response(200, content=b"<sr:Response><<<\x00"), "unusable response"),
        (lambda r: httpx.Response(200, content=b"<x/>" * 64), "unusable response"),
    ],
    ids=["5xx", "garbage", "not-duis"],
)
def test_a_faulty_answer_is_inconclusive_naming_the_request(
    target: Callable[..., http_adapter.DuisHttpAdapter], duis: Handler, words: str
) -> None:
    request = _read(7)
    with pytest.raises(Inconclusive, match=words) as caught:
        target(duis).submit(request)
    assert f"RequestID {request.request_id}" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_no_answer_in_time_is_not_resent(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    calls: list[httpx.Request] = []

    def hang(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(Inconclusive, match="gave no answer on /api/v1/serviceS within 1 s"):
        target(hang).submit(_read())
    assert len(calls) == 1, "a request that may have been processed is never sent twice"


def test_an_unreachable_target_is_retried_then_inconclusive(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    calls: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    config = TargetConfig(timeout=1.0, response_timeout=0.2, retries=2)
    with pytest.raises(Inconclusive, match="unreachable"):
        target(refuse, config=config).submit(_read())
    assert len(calls) == 3


def test_an_answer_for_another_request_is_the_targets_nonconformance(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    other = replace(_read(8).request_id, counter=9)
    with pytest.raises(NonConformance, match="response names RequestID"):
        target(_answer(Response(other, "I99", Outcome.ACKNOWLEDGED))).submit(_read(8))


def test_a_final_response_that_never_arrives_is_inconclusive(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    request = _read(11)
    adapter = target(_answer(Response(request.request_id, "I99", Outcome.ACKNOWLEDGED)))
    adapter.submit(request)
    with pytest.raises(Inconclusive, match=r"no final response .* within 0.2 s"):
        adapter.collect(request.request_id)


def test_an_answer_signed_by_another_key_is_the_targets_nonconformance(
    target: Callable[..., http_adapter.DuisHttpAdapter],
) -> None:
    request = _read(12)
    impostor = TestPki("ZX").issue(DSP_ID, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    forged = XmlSigner(impostor.private_key, impostor.certificate.certificate).sign(
        encode_response(
            Response(request.request_id, "I99", Outcome.ACKNOWLEDGED),
            datetime(2026, 3, 1, tzinfo=UTC),
            srv="4.1.1",
        )
    )
    adapter = target(lambda http: httpx.Response(200, content=forged))
    with pytest.raises(NonConformance):
        adapter.submit(request)
