"""A cast on a served DSP, for the reliability tests, the fuzzer and the soak: parties and
devices provisioned through the test-control API (by the harness's own World over its
DUIS/HTTP adapter), and signed DUIS requests built for them byte by byte."""

from __future__ import annotations

import random

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from harness.adapters.http import DuisHttpAdapter
from harness.adapters.receiver import Receiver
from harness.adapters.target_config import TargetConfig
from harness.counters import OriginatorCounters, shared_counters
from harness.domain.eui import Eui64
from harness.domain.requests import (
    Endpoint,
    ReadInstantaneousImportRegisters,
    RequestBody,
    RequestId,
    Response,
    ServiceRequest,
)
from harness.duis.requests import encode_request
from harness.duis.responses import decode_response
from harness.duis.signing import lookup_in, sign, verify
from harness.pki import Credential
from harness.world import World

MPAN = "1200000000002"


def config(token: str | None = None, timeout: float = 10.0) -> TargetConfig:
    return TargetConfig(token=token, timeout=timeout, response_timeout=timeout, retries=1)


class Scene:
    """Two network operators (NO-A registered, owning the certificates), a SMETS2 and a
    SMETS1 electricity meter on one MPAN, on a fresh salt so scenes never collide."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        profile: str = "baseline",
        salt: int | None = None,
        receiver: Receiver | None = None,
        parties: int = 0,
    ) -> None:
        self.url = url
        self.token = token
        self.adapter = DuisHttpAdapter(url, config(token), receiver)
        self.http = httpx.Client(timeout=10)  # one client: making one costs ~50 ms
        self.world = World(
            self.adapter, profile, salt=salt if salt is not None else random.getrandbits(60)
        )
        w = self.world
        w.set_time("2026-03-01 10:00")
        w.add_party("NO-A", "ED")
        w.add_party("NO-B", "ED")
        for n in range(parties):
            w.add_party(f"NO-{n}", "ED")
        w.add_device("meter-1", "ESME", "SMETS2", MPAN)
        w.add_device("meter-s1", "ESME", "SMETS1", MPAN)
        w.register("NO-A", MPAN, "2025-01-01", None)
        w.place_certificates("meter-1", "network operator", "NO-A")
        w.place_certificates("meter-s1", "network operator", "NO-A")
        certificate = self.adapter.dsp_certificate
        assert certificate is not None, "the served DSP did not give its certificate"
        self.dsp_certificate: x509.Certificate = certificate

    # -- identities -----------------------------------------------------------------
    def worker(
        self,
        adapter_type: type[DuisHttpAdapter] = DuisHttpAdapter,
        counters: OriginatorCounters | None = None,
    ) -> World:
        """A World of its own (its own HTTP client) that knows this scene's cast: another
        client of the same DSP acting on the same parties and devices. ``counters``: its
        RequestID counters (default: the ones on disk, shared with other processes)."""
        adapter = adapter_type(self.url, self.adapter.config, self.adapter.receiver)
        adapter.signers.update(self.adapter.signers)
        world = World(adapter, self.world.profile, salt=self.world.salt, counters=counters)
        world.parties = dict(self.world.parties)
        world.devices = dict(self.world.devices)
        world.now = self.world.now
        return world

    def user(self, name: str) -> Eui64:
        return self.world.party(name).user.user_id

    def device(self, name: str) -> Eui64:
        return self.world.device(name).device_id

    def xml_key(self, name: str) -> Credential:
        return self.world.party(name).xml_signing

    # -- requests -------------------------------------------------------------------
    def request(
        self,
        sender: str = "NO-A",
        device: str = "meter-1",
        srv: str = "4.1.1",
        command_variant: int = 1,
        body: RequestBody | None = None,
        counter: int | None = None,
    ) -> ServiceRequest:
        return ServiceRequest(
            RequestId(
                self.user(sender),
                self.device(device),
                counter or shared_counters().next(self.user(sender)),
            ),
            srv,
            command_variant,
            body or ReadInstantaneousImportRegisters(),
        )

    def signed(self, request: ServiceRequest, signer: Credential | None = None) -> bytes:
        credential = signer or self.xml_key(
            next(n for n, p in self.world.parties.items() if p.user.user_id == request.sender)
        )
        path = getattr(request.body, "certification_path", ()) or (
            self.world.pki.issuing_ca.public_bytes(Encoding.DER),
        )
        xml = encode_request(request, certification_path=path)
        return sign(xml, credential.private_key, credential.certificate)

    def good(self) -> bytes:
        """A valid, signed SRV 4.1.1 (CV 1) from NO-A, with a fresh RequestID."""
        return self.signed(self.request())

    # -- the wire -------------------------------------------------------------------
    def post(
        self,
        body: bytes,
        endpoint: Endpoint | str = Endpoint.SEND_COMMAND,
        content_type: str | None = "application/xml",
        timeout: float = 10.0,
    ) -> httpx.Response:
        path = endpoint.value if isinstance(endpoint, Endpoint) else endpoint
        headers = {"content-type": content_type} if content_type else {}
        return self.http.post(self.url + path, content=body, headers=headers, timeout=timeout)

    def read_answer(self, raw: bytes) -> Response:
        """A synchronous DUIS answer, after checking the DSP signed it."""
        verify(raw, lookup_in([self.dsp_certificate]))
        return decode_response(raw)

    def control_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    def held(self, device: str) -> dict[str, object]:
        answer = self.http.get(
            f"{self.url}/test-control/devices/{self.device(device)}/certificates",
            headers=self.control_headers(),
            timeout=10,
        )
        answer.raise_for_status()
        data: dict[str, object] = answer.json()
        return data

    def close(self) -> None:
        self.adapter.close()
        self.http.close()
