"""What the served DSP does with a DUIS message, independent of the HTTP framework."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from harness.adapters.provisioning import AddUser, SetTime
from harness.adapters.reference import ReferenceAdapter
from harness.adapters.wire import from_json
from harness.domain.certificates import CertificateId, KeyUsage, OrgCertificate
from harness.domain.clock import ManualClock
from harness.domain.eui import Eui64
from harness.domain.requests import Endpoint, Outcome, RequestId, Response
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.envelope import read_envelope
from harness.duis.errors import SignatureInvalid, UnknownSigner
from harness.duis.requests import decode_request
from harness.duis.responses import encode_response
from harness.duis.schema import validate
from harness.duis.signing import lookup_in, sign, verify
from harness.errors import HarnessError
from harness.pki import TestPki
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import Profile

# The DCC's own User ID, as DCC Boxed uses for its response-signing credential.
DCC_ID = Eui64.parse("90-B3-D5-1F-30-00-00-02")


class RefusedMessage(HarnessError):
    """A message the DSP cannot answer in DUIS (unreadable, hostile, not schema-valid)."""


@dataclass(frozen=True)
class Delivery:
    url: str
    xml: bytes
    request_id: str


class ServedDsp:
    """The reference DSP behind a lock (requests are serialised: no lost update), with the
    DUIS envelope around it: schema, XML signatures, RequestIDs, asynchronous delivery."""

    def __init__(self, profile: Profile, *, schema: bool = True) -> None:
        self.dsp = ReferenceDsp(profile, ManualClock(datetime.now(UTC).replace(microsecond=0)))
        self.control = ReferenceAdapter(profile, self.dsp)
        self.check_schema = schema
        self.lock = threading.Lock()
        self.response_urls: dict[Eui64, str] = {}
        self.srv_of: dict[RequestId, str] = {}
        self.delivered = 0
        pki = TestPki("ZD")
        self.credential = pki.issue(DCC_ID, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)

    @property
    def certificate_pem(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.credential.certificate.certificate.public_bytes(Encoding.PEM)

    # -- DUIS ---------------------------------------------------------------------------
    def handle(self, endpoint: Endpoint, body: bytes) -> tuple[bytes, list[Delivery]]:
        """Answer one DUIS request: the signed synchronous response and the asynchronous
        responses now due. Raises RefusedMessage when no DUIS answer is possible."""
        try:
            envelope = read_envelope(body)
            if self.check_schema:
                validate(body)
        except HarnessError as exc:
            raise RefusedMessage(str(exc)) from None
        with self.lock:
            rejection = self._check_signature(body, envelope.request_id)
            if rejection is not None:
                response, srv = rejection, envelope.service_reference_variant
            else:
                try:
                    request = decode_request(body, endpoint=endpoint)
                except HarnessError as exc:
                    raise RefusedMessage(str(exc)) from None
                srv = request.srv
                self.srv_of[request.request_id] = srv
                response = self.dsp.submit(request)
            return self._signed(response, srv), self._drain()

    def _check_signature(self, body: bytes, request_id: RequestId) -> Response | None:
        xml_signers = [
            c for c in self.dsp.state.repository.values() if c.role_code == XML_SIGNING_OU
        ]
        try:
            certificate = verify(body, lookup_in(xml_signers), at=self.dsp.clock.now())
        except (SignatureInvalid, UnknownSigner) as exc:
            return _rejected(request_id, f"XML signature refused: {exc}")
        signer = OrgCertificate.from_x509(certificate).owner
        if signer != request_id.originator:
            return _rejected(
                request_id, f"signed by {signer}, not by the originator {request_id.originator}"
            )
        return None

    def _signed(self, response: Response, srv: str) -> bytes:
        xml = encode_response(response, self.dsp.clock.now(), srv=srv)
        return sign(xml, self.credential.private_key, self.credential.certificate)

    def _drain(self) -> list[Delivery]:
        outbox = self.dsp.state.outbox
        fresh, self.delivered = outbox[self.delivered :], len(outbox)
        deliveries = []
        for response in fresh:
            url = self.response_urls.get(response.request_id.originator)
            if url is None:
                continue
            srv = self.srv_of.get(response.request_id, "0.0")
            deliveries.append(Delivery(url, self._signed(response, srv), str(response.request_id)))
        return deliveries

    # -- test control -------------------------------------------------------------------
    def provision(self, body: object) -> list[Delivery]:
        command, url = from_json(body)
        with self.lock:
            self.control.provision(command)
            if isinstance(command, AddUser) and url:
                self.response_urls[command.user.user_id] = url
            return self._drain() if isinstance(command, SetTime) else []

    def held(self, device_id: Eui64) -> dict[str, dict[str, dict[str, object]] | None]:
        with self.lock:
            held = self.control.held_certificates(device_id)
        return {"dsp": _ids(held.dsp), "s1sp": _ids(held.s1sp) if held.s1sp is not None else None}


def _ids(cells: dict[str, CertificateId]) -> dict[str, dict[str, object]]:
    return {cell: {"serial": i.serial, "issuer": i.issuer} for cell, i in cells.items()}


def _rejected(request_id: RequestId, detail: str) -> Response:
    return Response(
        request_id, "E50", Outcome.REJECTED, requirement="DUIS-signature", detail=detail
    )
