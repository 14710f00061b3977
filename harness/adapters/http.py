"""The DUIS/HTTP adapter: signs and sends real DUIS to any endpoint, receives asynchronous
responses on its own receiver, and turns every target fault into an Inconclusive verdict.

Retries: only a request that never reached the target (connection refused) is re-sent, and
always as the same bytes under the same RequestID; a timed-out request is never re-sent.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta

import httpx
from cryptography import x509

from harness.adapters.base import Capabilities, EnvelopeFault, HeldCertificates
from harness.adapters.http_client import capabilities_from, certificates_in, client_for
from harness.adapters.provisioning import AddUser, Provision, SetTime
from harness.adapters.receiver import Receiver, shared_receiver
from harness.adapters.target_config import TargetConfig, load_target_config
from harness.adapters.trust import (
    ASYNCHRONOUS,
    SYNCHRONOUS,
    WHEN_DUE,
    ResponseTrust,
    check_names,
)
from harness.adapters.wire import to_json
from harness.domain.certificates import CertificateId, KeyUsage
from harness.domain.eui import Eui64
from harness.domain.requests import (
    ALERTED_WHEN_FUTURE_DATED,
    CANCELLATION_TIME,
    Outcome,
    RequestId,
    Response,
    ServiceRequest,
)
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.requests import encode_request_tree
from harness.duis.signing import sign, sign_tree
from harness.duis.tree import to_bytes
from harness.errors import (
    ConfigurationError,
    HarnessError,
    Inconclusive,
    InvalidValue,
    NonConformance,
    NotApplicable,
)
from harness.pki import Credential, TestPki
from harness.settings import RunSettings


class DuisHttpAdapter:
    def __init__(
        self,
        base_url: str,
        config: TargetConfig,
        receiver: Receiver | None = None,
        *,
        unverified: bool = False,
    ) -> None:
        self.name = base_url
        self.config = config
        self.client = client_for(base_url, config)
        self.receiver = receiver or shared_receiver(config.receiver_host, config.receiver_port)
        self.signers: dict[Eui64, Credential] = dict(config.signers)
        self.awaiting: dict[RequestId, datetime | None] = {}
        self.execution_times: dict[RequestId, datetime | None] = {}
        self.future_dated: set[RequestId] = set()  # accepted by the device now, run later
        self.held: set[RequestId] = set()  # execution time after the clock when sent
        self.sent_srv: dict[RequestId, str] = {}
        self.clock: datetime | None = None
        self.last_raw: tuple[bytes, bytes] | None = None
        dsp = list(config.dsp_certificates) or self._fetch_certificates("dsp")
        if not dsp and not unverified:
            raise ConfigurationError(
                f"no DSP certificate to verify the responses of {base_url} against "
                "(dsp_certificate in the --config file, or --unverified-signatures)"
            )
        self.dsp_certificate = dsp[0] if dsp else None
        self.trust = ResponseTrust(
            dsp,
            list(config.s1sp_certificates),
            unverified=unverified,
            refresh_s1sp=None if config.s1sp_certificates else self._s1sp_certificates,
        )
        self._read_cache: dict[bytes, Response | HarnessError] = {}
        self.capabilities = self._fetch_capabilities()
        # One adapter per scenario: its own scope on a target that keeps a clock per scope
        # (its clock, Users and devices apart from every other scenario's).
        self.scope = secrets.token_hex(8) if self.capabilities.scoped_clock else None

    # -- discovery ------------------------------------------------------------------
    def _get(self, path: str) -> httpx.Response:
        try:
            return self.client.get(path)
        except httpx.TimeoutException:
            raise Inconclusive(
                f"target {self.name} did not answer GET {path} within {self.config.timeout:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise Inconclusive(f"target {self.name} unreachable: {exc}") from None

    def _fetch_capabilities(self) -> Capabilities:
        return capabilities_from(self._get("/test-control/capabilities"), self.name)

    def _fetch_certificates(self, who: str) -> list[x509.Certificate]:
        return certificates_in(self._get(f"/test-control/{who}-certificate"))

    def _s1sp_certificates(self) -> list[x509.Certificate]:
        return self._fetch_certificates("s1sp")

    # -- provisioning ---------------------------------------------------------------
    def enrol_signer(self, user_id: Eui64, credential: Credential) -> None:
        self.signers.setdefault(user_id, credential)

    def enrol_command_signer(self, user_id: Eui64, credential: Credential) -> None:
        return None  # the World signs pre-commands itself

    def provision(self, command: Provision) -> None:
        if not self.capabilities.provision:
            raise NotApplicable(f"target {self.name} offers no test-control API to provision state")
        url = self.receiver.url if isinstance(command, AddUser) else None
        try:
            body = to_json(command, url, self.scope)
            answer = self.client.post("/test-control/provision", json=body)
        except httpx.TimeoutException:
            raise Inconclusive(f"target {self.name}: provisioning timed out") from None
        except httpx.HTTPError as exc:
            raise Inconclusive(
                f"target {self.name} unreachable while provisioning: {exc}"
            ) from None
        if answer.status_code >= 500:
            raise Inconclusive(f"target {self.name} failed to provision: HTTP {answer.status_code}")
        if answer.status_code >= 400:
            raise Inconclusive(
                f"target {self.name} refused to provision {type(command).__name__}: "
                f"HTTP {answer.status_code} {answer.text[:200]}"
            )
        if isinstance(command, SetTime):
            self.clock = command.moment

    # -- Service Requests -----------------------------------------------------------
    def submit(self, request: ServiceRequest, fault: EnvelopeFault | None = None) -> Response:
        credential = self._signing_credential(request.sender, fault)
        self.sent_srv[request.request_id] = request.srv
        if request.command_variant != 5:
            self.execution_times[request.request_id] = request.execution_time
            when = request.execution_time
            accepted_now = request.srv in ALERTED_WHEN_FUTURE_DATED
            if when == CANCELLATION_TIME:
                self._cancelled_by(request)
                self.execution_times[request.request_id] = None  # it completes at once
            elif when is not None and self.clock is not None and when > self.clock:
                self.held.add(request.request_id)
                if accepted_now:
                    self.future_dated.add(request.request_id)
        path = getattr(request.body, "certification_path", ())
        unsigned = encode_request_tree(request, certification_path=path)
        key, certificate = credential.private_key, credential.certificate
        if fault in REWRITE:  # a request a DSP must refuse: written, then signed
            body = sign(REWRITE[fault](to_bytes(unsigned)), key, certificate)
        else:  # signed as built, not serialised and parsed again
            body = sign_tree(unsigned, key, certificate)
        if fault is EnvelopeFault.TAMPERED_SIGNATURE:
            body = _tamper(body)
        endpoint = request.routed_endpoint()
        assert endpoint is not None
        try:
            answer = self._post(endpoint.value, body)
            if answer.status_code == 400 and fault in SIGNED_SCHEMA_VALID:
                raise NonConformance(
                    f"the DSP refused a signed, schema-valid request ({fault.value}) with a bare "
                    f"HTTP 400 on {endpoint.value}, not a signed DUIS error response: "
                    f"{answer.text[:200]!r}"
                )
            if answer.status_code != 200:
                raise Inconclusive(
                    f"target answered HTTP {answer.status_code} on {endpoint.value}: "
                    f"{answer.text[:300]!r}"
                )
            raw = answer.content
            self.last_raw = (body, raw)
            response = self.trust.read(raw, SYNCHRONOUS)
        except Inconclusive as exc:  # the evidence names the request that met the fault
            raise Inconclusive(
                f"{exc} (SRV {request.srv} CV{request.command_variant}, "
                f"RequestID {request.request_id})"
            ) from None
        check_names(response, request.request_id)
        if response.outcome is Outcome.ACKNOWLEDGED:
            self.awaiting[request.request_id] = self.execution_times.get(request.request_id)
        return response

    def _cancelled_by(self, cancellation: ServiceRequest) -> None:
        """A cancellation replaces the sender's pending command of the same SRV on the
        device: no final answer is awaited for that one any more."""
        for request_id in list(self.awaiting):
            if (
                self.sent_srv.get(request_id) == cancellation.srv
                and request_id.originator == cancellation.request_id.originator
                and request_id.target == cancellation.request_id.target
            ):
                del self.awaiting[request_id]
                self.future_dated.discard(request_id)

    def _signing_credential(self, sender: Eui64, fault: EnvelopeFault | None) -> Credential:
        if fault is EnvelopeFault.UNKNOWN_SIGNER:
            return _stranger()
        if fault is EnvelopeFault.ANOTHER_USERS_KEY:
            other = next((c for u, c in self.signers.items() if u != sender), None)
            if other is None:
                raise Inconclusive("no other User's key to sign with")
            return other
        credential = self.signers.get(sender)
        if credential is None:
            raise Inconclusive(f"no XML-signing key for User {sender}")
        return credential

    def _post(self, path: str, body: bytes) -> httpx.Response:
        for attempt in range(self.config.retries + 1):
            try:
                return self.client.post(
                    path, content=body, headers={"content-type": "application/xml"}
                )
            except httpx.ConnectError as exc:
                if attempt == self.config.retries:
                    raise Inconclusive(f"target {self.name} unreachable: {exc}") from None
            except httpx.TimeoutException:
                raise Inconclusive(
                    f"target {self.name} gave no answer on {path} within {self.config.timeout:g} s "
                    "(not re-sent: it may have been processed)"
                ) from None
            except httpx.HTTPError as exc:
                raise Inconclusive(f"target {self.name}: {exc}") from None
        raise AssertionError("unreachable")

    # -- asynchronous answers -------------------------------------------------------
    def collect(self, request_id: RequestId) -> list[Response]:
        """The asynchronous answers to ``request_id``, each verified, after waiting (up to
        ``response_timeout``) for what the scenario needs: the final answer once the
        clock has reached the execution time, else the device's (or S1SP's) acceptance
        of a future-dated command, or its refusal."""
        due = self.awaiting.get(request_id)
        final = due is None or self.clock is None or due <= self.clock
        if request_id in self.awaiting and (final or request_id in self.future_dated):
            arrived = self.receiver.wait_for(
                request_id,
                lambda raws: self._enough(request_id, raws, final=final),
                self.config.response_timeout,
            )
            if not arrived:
                wanted = "final response" if final else "response"
                raise Inconclusive(
                    f"no {wanted} for {request_id} within {self.config.response_timeout:g} s"
                )
            if final:
                del self.awaiting[request_id]
        leg = self._leg(request_id)
        return [self._read_async(raw, leg) for raw in self.receiver.raw(request_id)]

    def _enough(self, request_id: RequestId, raws: list[bytes], *, final: bool) -> bool:
        read = [self._read_cached(raw, self._leg(request_id)) for raw in raws]
        if any(isinstance(r, HarnessError) for r in read):
            return True  # collect reports it
        responses = [r for r in read if isinstance(r, Response)]
        if not final:
            return bool(responses)
        if any(r.outcome in (Outcome.REJECTED, Outcome.COMPLETED) for r in responses):
            return True
        # A device answering in GBCS answers a future-dated 6.15.1 / 6.23 twice: on
        # acceptance and once it has run.
        wanted = 2 if request_id in self.future_dated else 1
        return sum(r.outcome is Outcome.IN_GBCS for r in responses) >= wanted

    def _leg(self, request_id: RequestId) -> str:
        return WHEN_DUE if request_id in self.held else ASYNCHRONOUS

    def _read_cached(self, raw: bytes, leg: str) -> Response | HarnessError:
        if raw not in self._read_cache:
            try:
                self._read_cache[raw] = self.trust.read(raw, leg)
            except HarnessError as exc:
                self._read_cache[raw] = exc
        return self._read_cache[raw]

    def _read_async(self, raw: bytes, leg: str) -> Response:
        read = self._read_cached(raw, leg)
        if isinstance(read, HarnessError):
            raise read
        return read

    def held_certificates(self, device_id: Eui64) -> HeldCertificates:
        answer = self._get(f"/test-control/devices/{device_id}/certificates")
        if answer.status_code != 200:
            raise Inconclusive(
                f"target cannot report the certificates of {device_id}: HTTP {answer.status_code}"
            )

        def ids(cells: dict[str, dict[str, object]] | None) -> dict[str, CertificateId] | None:
            if cells is None:
                return None
            return {
                c: CertificateId(int(str(v["serial"])), str(v["issuer"])) for c, v in cells.items()
            }

        try:
            data = answer.json()
            return HeldCertificates(ids(data["dsp"]) or {}, ids(data.get("s1sp")))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Inconclusive(
                f"target {self.name} reported the certificates of {device_id} in a form the "
                f"harness cannot read: {answer.text[:200]!r}"
            ) from None

    def close(self) -> None:
        self.client.close()


# Faults that leave a request signed by its sender and valid against the DUIS 5.4 XSD: the DSP
# can name it, so it answers in DUIS (DUIS-schema-version, DUIS-request-content).
SIGNED_SCHEMA_VALID = frozenset(
    {
        EnvelopeFault.OTHER_SCHEMA_VERSION,
        EnvelopeFault.INVERTED_PERIOD,
        EnvelopeFault.MIDNIGHT_AS_24,
    }
)


def _other_schema_version(unsigned: bytes) -> bytes:
    return unsigned.replace(b'schemaVersion="5.4"', b'schemaVersion="5.3"', 1)


def _inverted_period(unsigned: bytes) -> bytes:
    start = re.search(rb"<sr:StartDateTime>([^<]+)</sr:StartDateTime>", unsigned)
    end = re.search(rb"<sr:EndDateTime>([^<]+)</sr:EndDateTime>", unsigned)
    if start is None or end is None or end.start() < start.start():
        raise InvalidValue("an inverted read log period needs an SRV with a ReadLogPeriod")
    return b"".join(
        (
            unsigned[: start.start(1)],
            end.group(1),
            unsigned[start.end(1) : end.start(1)],
            start.group(1),
            unsigned[end.end(1) :],
        )
    )


def _midnight_as_24(unsigned: bytes) -> bytes:
    """The execution time, a midnight, written as 24:00:00 of the day before: the same
    instant in a form xs:dateTime allows (XSD 1.0 section 3.2.7)."""
    found = re.search(
        rb"<sr:ExecutionDateTime>(\d{4}-\d{2}-\d{2})T00:00:00Z</sr:ExecutionDateTime>", unsigned
    )
    if found is None:
        raise InvalidValue("an execution time written as 24:00 needs an execution time at midnight")
    day = date.fromisoformat(found.group(1).decode()) - timedelta(days=1)
    written = f"{day.isoformat()}T24:00:00Z".encode()
    return unsigned[: found.start(1)] + written + unsigned[found.end(1) + len(b"T00:00:00Z") :]


# The faults that make a schema-valid request a DSP must refuse, written before it is
# signed: how each rewrites the request's bytes.
REWRITE: dict[EnvelopeFault, Callable[[bytes], bytes]] = {
    EnvelopeFault.OTHER_SCHEMA_VERSION: _other_schema_version,
    EnvelopeFault.MIDNIGHT_AS_24: _midnight_as_24,
    EnvelopeFault.INVERTED_PERIOD: _inverted_period,
}


def _tamper(signed: bytes) -> bytes:
    """Change one character of the signature value (still base64, no longer valid)."""
    marker = b"SignatureValue>"
    start = signed.index(marker) + len(marker)
    flipped = b"B" if signed[start : start + 1] != b"B" else b"C"
    return signed[:start] + flipped + signed[start + 1 :]


_STRANGER: Credential | None = None


def _stranger() -> Credential:
    """An XML-signing credential from a PKI the target has never heard of."""
    global _STRANGER  # noqa: PLW0603 - made once per process
    if _STRANGER is None:
        _STRANGER = TestPki("ZX").issue(
            Eui64(0x00DB123456789999), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING
        )
    return _STRANGER


def connect(settings: RunSettings) -> DuisHttpAdapter:
    return DuisHttpAdapter(
        settings.target,
        load_target_config(settings.config),
        unverified=settings.unverified_signatures,
    )
