"""What the served DSP does with a DUIS message, independent of the HTTP framework."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    InjectS1spFault,
    Provision,
    PublishCertificate,
    SetTime,
)
from harness.adapters.reference import ReferenceAdapter
from harness.adapters.wire import from_json, scope_in
from harness.domain.certificates import CertificateId, KeyUsage, OrgCertificate
from harness.domain.clock import ScopedClocks
from harness.domain.eui import Eui64
from harness.domain.parties import DCC_ID
from harness.domain.requests import (
    CANCELLATION_TIME,
    Endpoint,
    Outcome,
    RequestId,
    Response,
    ServiceRequest,
)
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.answers import Answering, InventoryRow, answer_tree
from harness.duis.envelope import RequestEnvelope, envelope_of
from harness.duis.errors import SignatureInvalid, UnknownSigner
from harness.duis.names import SCHEMA_VERSION
from harness.duis.requests import decode_request_tree
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import load_schema
from harness.duis.signing import verify
from harness.duis.xml_signer import XmlSigner
from harness.errors import ConfigurationError, HarnessError
from harness.pki import TestPki
from harness.reference.dsp import CONFORMING, EngineFaults, ReferenceDsp
from harness.reference.profiles import Profile
from harness.server.journal import PROVISION, REQUEST, Identity, Journal, JournalFailure
from harness.server.signers import SignerIndex

# The DCC's own User ID, as DCC Boxed uses for its response-signing credential.
# The SMETS1 Service Provider's identity for the XML signatures of its answers.
S1SP_ID = Eui64.parse("90-B3-D5-1F-30-00-00-51")


# The code of a signed, schema-valid request the DSP cannot act on (response_codes.yaml).
INVALID_CONTENT = "E45"


@dataclass(frozen=True)
class Identities:
    """Who the served DSP signs as: configured key + certificate files, or generated."""

    dsp: XmlSigner | None = None
    s1sp: XmlSigner | None = None


class RefusedMessage(HarnessError):
    """A message the DSP cannot answer in DUIS (unreadable, hostile, not schema-valid)."""


@dataclass(frozen=True)
class Delivery:
    url: str
    xml: bytes
    request_id: str


@dataclass(frozen=True)
class Handled:
    """A DUIS request answered: the signed answer, the asynchronous responses now due, and
    the journal ticket that must be durable before either leaves (0: nothing to wait for)."""

    xml: bytes
    deliveries: list[Delivery]
    ticket: int


class ServedDsp:
    """The reference DSP behind a lock (requests are serialised: no lost update), with the
    DUIS envelope around it: schema, XML signatures, RequestIDs, asynchronous delivery."""

    def __init__(
        self,
        profile: Profile,
        *,
        schema: bool = True,
        journal: Journal | None = None,
        faults: EngineFaults = CONFORMING,  # a mutant DSP's engine faults (harness/mutants.py)
        preset: Sequence[Provision] = (),  # provider states it starts with (e.g. ZAZ1 Users)
        response_url: str | None = None,  # where the preset's Users receive async responses
        identities: Identities = Identities(),
        explain: bool = False,  # add the harness's <?dsp-conformance?> explanation
        keep_responses: Path | None = None,  # write every response given into this folder
    ) -> None:
        # A clock per scope (docs/test-control.md, "Scoped clocks"); unscoped, one clock.
        clock = ScopedClocks(datetime.now(UTC).replace(microsecond=0))
        self.clocks = clock
        self.dsp = ReferenceDsp(profile, clock, faults=faults)
        self.control = ReferenceAdapter(profile, self.dsp)
        self.dsp.state.s1sp.scope_of = clock.scope_of  # a fault armed in a scope: its devices
        self.schema = load_schema() if schema else None  # once: finding it costs 0.4 ms
        self.lock = threading.Lock()
        self.response_urls: dict[Eui64, str] = {}
        self.srv_of: dict[RequestId, str] = {}
        self.requests: dict[RequestId, tuple[ServiceRequest, datetime]] = {}
        self.explain = explain
        self.keep_responses = keep_responses
        self.given = 0
        self.delivered = 0
        pki = TestPki("ZD")
        self.credential = pki.issue(DCC_ID, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
        s1sp = identities.s1sp
        if s1sp is None:
            generated = TestPki("ZS").issue(S1SP_ID, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
            s1sp = XmlSigner(generated.private_key, generated.certificate.certificate)
        self.s1sp = s1sp
        self.journal: Journal | None = None
        self.journal_failure: str | None = None
        self.signers = SignerIndex(self.dsp.state)
        for command in preset:  # not journalled: the same preset is given at every start
            self._provisioned(command)
            if isinstance(command, AddUser) and response_url:
                self.response_urls[command.user.user_id] = response_url
        if journal is not None:  # a --state file: same credential and clock, state replayed
            identity = journal.identity(Identity(profile.name, clock.now(), self.credential))
            self.credential = identity.credential
            clock.base.set(identity.clock_start)
            self._replay(journal)
            self.journal = journal
        self.signer = identities.dsp or XmlSigner(
            self.credential.private_key, self.credential.certificate.certificate
        )

    @property
    def certificate_pem(self) -> bytes:
        return self.signer.certificate_pem

    @property
    def s1sp_certificate_pem(self) -> bytes:
        return self.s1sp.certificate_pem

    # -- DUIS ---------------------------------------------------------------------------
    def handle(self, endpoint: Endpoint, body: bytes) -> tuple[bytes, list[Delivery]]:
        """Answer one DUIS request: the signed synchronous response and the asynchronous
        responses now due, once the request's journal entry is on disk. Raises
        RefusedMessage when no DUIS answer is possible."""
        handled = self.answer(endpoint, body)
        self._durable(handled.ticket)  # on disk before the answer leaves (group commit)
        return handled.xml, handled.deliveries

    def answer(self, endpoint: Endpoint, body: bytes) -> Handled:
        """:meth:`handle` without the wait for the disk: the answer may leave only once
        :meth:`durable` says its ticket is written (the event loop waits for that without
        holding a thread)."""
        try:
            root = parse_untrusted(body)
            envelope = envelope_of(root)
            if self.schema is not None:
                self.schema.validate(root)
        except HarnessError as exc:
            raise RefusedMessage(str(exc)) from None
        with self.lock, self._scope_of(envelope):
            self._usable()
            response, srv = self._answer(endpoint, body, envelope, root)
            ticket = self._record(REQUEST, endpoint.value, body)
            written, due = self._written(response, srv), self._due()
        # Signing needs no state: done outside the lock, while the journal writes.
        return Handled(self._sign(written), self._deliveries(due), ticket)

    def _scope_of(self, envelope: RequestEnvelope) -> contextlib.AbstractContextManager[None]:
        """A request is judged in its scope, at its scope's time: its target device's,
        else its originator's (unscoped when neither was provisioned in a scope)."""
        names = envelope.request_id
        return self.clocks.within(self.clocks.scope_of(names.target, names.originator))

    def _answer(
        self,
        endpoint: Endpoint,
        body: bytes,
        envelope: RequestEnvelope,
        root: etree._Element,  # ``body`` parsed (once, by the caller)
    ) -> tuple[Response, str]:
        rejection = self._check_signature(body, envelope.request_id, root)
        if rejection is not None:
            return rejection, envelope.service_reference_variant
        # Signed by a known User, schema-valid, yet not a request the DSP can act on: a
        # signed DUIS error names it (DUIS-schema-version, DUIS-request-content).
        faults = self.dsp.faults
        if (
            envelope.schema_version.strip() != SCHEMA_VERSION
            and not faults.accept_any_schema_version
        ):
            return _invalid(
                envelope.request_id,
                f"schemaVersion {envelope.schema_version}: this DSP speaks DUIS {SCHEMA_VERSION}",
                "DUIS-schema-version",
            ), envelope.service_reference_variant
        try:
            request = decode_request_tree(root, endpoint=endpoint, envelope=envelope)
        except HarnessError as exc:
            if faults.bare_refusal_of_content:
                raise RefusedMessage(str(exc)) from None
            return _invalid(
                envelope.request_id, str(exc), "DUIS-request-content"
            ), envelope.service_reference_variant
        self.srv_of[request.request_id] = request.srv
        if request.command_variant != 5:
            self.requests[request.request_id] = (request, self.dsp.clock.now())
        return self.dsp.submit(request), request.srv

    # -- the state file -----------------------------------------------------------------
    def _usable(self) -> None:
        if self.journal_failure is not None:
            raise JournalFailure(self.journal_failure)

    def _record(self, kind: str, endpoint: str | None, body: bytes) -> int:
        """Queue the journal entry of what was just applied (under the lock, so entries are
        in the order applied); its ticket for :meth:`_durable`, 0 without a state file."""
        if self.journal is None:
            return 0
        try:
            return self.journal.enqueue(kind, endpoint, body)
        except JournalFailure as exc:
            raise self._failed(exc) from None

    def _durable(self, ticket: int) -> None:
        """Wait (outside the lock) until entry ``ticket`` is on disk, sharing the write with
        every request queued meanwhile."""
        if self.journal is None or not ticket:
            return
        try:
            self.journal.wait(ticket)
        except JournalFailure as exc:
            raise self._failed(exc) from None

    def durable(self, ticket: int) -> bool:
        """Is the journal entry ``ticket`` (from :meth:`answer`) on disk? True without a
        state file; :class:`JournalFailure` (and no more answers) if it never will be."""
        if self.journal is None or not ticket:
            return True
        try:
            return self.journal.durable(ticket)
        except JournalFailure as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: JournalFailure) -> JournalFailure:
        """Stop acknowledging: memory and disk now differ."""
        if self.journal_failure is None:
            self.journal_failure = f"{exc}; restart the server with the same --state"
        return JournalFailure(self.journal_failure)

    def _replay(self, journal: Journal) -> None:
        """Rebuild the state from the journal: the same inputs in the same order. Nothing is
        delivered again (asynchronous responses go out at most once)."""
        for entry in journal.entries():
            try:
                with contextlib.suppress(HarnessError):  # refused then, refused again now
                    if entry.kind == PROVISION:
                        self.provision(json.loads(entry.body))
                    elif entry.kind == REQUEST and entry.endpoint is not None:
                        root = parse_untrusted(entry.body)  # once: envelope, signature, body
                        envelope = envelope_of(root)
                        with self._scope_of(envelope):
                            self._answer(Endpoint(entry.endpoint), entry.body, envelope, root)
            except (ValueError, TypeError, KeyError) as exc:
                raise ConfigurationError(
                    f"state file {journal.path}: entry {entry.seq} cannot be replayed ({exc})"
                ) from None
        self.delivered = len(self.dsp.state.outbox)

    def _check_signature(
        self, body: bytes, request_id: RequestId, root: etree._Element
    ) -> Response | None:
        try:
            certificate = verify(body, self.signers.lookup, at=self.dsp.clock.now(), root=root)
        except (SignatureInvalid, UnknownSigner) as exc:
            return _rejected(request_id, f"XML signature refused: {exc}")
        signer = OrgCertificate.from_x509(certificate).owner
        if signer != request_id.originator:
            return _rejected(
                request_id, f"signed by {signer}, not by the originator {request_id.originator}"
            )
        return None

    def _written(self, response: Response, srv: str) -> tuple[int, etree._Element]:
        """The answer to ``response``, built but not yet signed, and its number among those
        given (under the lock: what an answer says depends on the state and the clock)."""
        root = answer_tree(
            response, self.dsp.clock.now(), self._answering(response, srv), self.s1sp
        )
        self.given += 1
        return self.given, root

    def _sign(self, written: tuple[int, etree._Element]) -> bytes:
        number, root = written
        signed = self.signer.sign_tree(root)  # the tree as built: not serialised and parsed
        if self.keep_responses is not None:
            (self.keep_responses / f"{number:06d}.xml").write_bytes(signed)
        return signed

    def _answering(self, response: Response, srv: str) -> Answering:
        """What the body of an answer depends on: the SRV, the device's generation, whether
        the request was future-dated, and for 8.2 the inventory."""
        request, arrived = self.requests.get(response.request_id, (None, None))
        device = self.dsp.state.smi.get(response.request_id.target)
        execution = request.execution_time if request is not None else None
        inventory: tuple[InventoryRow, ...] = ()
        if response.outcome is Outcome.COMPLETED and response.answered_by == "DSP":
            inventory = tuple(
                InventoryRow(d.device_id, d.device_type.value, d.status.value)
                for key, _ in response.data
                if (d := self.dsp.state.smi.get(Eui64.parse(key))) is not None
            )
        return Answering(
            srv=srv,
            device_id=response.request_id.target,
            generation=device.generation if device is not None else None,
            # a cancellation (3000-12-31) completes at once: its answer is not an alert
            future_dated=execution is not None
            and arrived is not None
            and arrived < execution != CANCELLATION_TIME,
            inventory=inventory,
            explain=self.explain,
        )

    def _due(self) -> list[tuple[str, tuple[int, etree._Element], str]]:
        """The asynchronous responses produced since the last call, written (not signed)
        for the Users that gave a receive-response URL: (URL, written answer, RequestID)."""
        outbox = self.dsp.state.outbox
        fresh, self.delivered = outbox[self.delivered :], len(outbox)
        due = []
        for response in fresh:
            url = self.response_urls.get(response.request_id.originator)
            if url is None:
                continue
            srv = self.srv_of.get(response.request_id, "0.0")
            due.append((url, self._written(response, srv), str(response.request_id)))
        return due

    def _deliveries(self, due: list[tuple[str, tuple[int, etree._Element], str]]) -> list[Delivery]:
        return [Delivery(url, self._sign(written), rid) for url, written, rid in due]

    # -- test control -------------------------------------------------------------------
    def provision(self, body: object) -> list[Delivery]:
        """Apply one test-control command; in its scope, if it names one (a User or device
        then belongs to the scope, and ``clock`` moves the scope's clock only)."""
        command, url = from_json(body)
        scope = scope_in(body)
        with self.lock, self.clocks.within(scope):
            self._usable()
            entry = json.dumps(body, sort_keys=True).encode()
            failure: HarnessError | None = None
            due: list[tuple[str, tuple[int, etree._Element], str]] = []
            try:
                self._provisioned(command, scope)
            except HarnessError as exc:  # failed part-way: replayed, it fails the same way
                failure = exc
            ticket = self._record(PROVISION, None, entry)
            if failure is None:
                if isinstance(command, AddUser) and url:
                    self.response_urls[command.user.user_id] = url
                if scope is not None:
                    self._assign(command, scope)
                if isinstance(command, SetTime):
                    due = self._due()
        deliveries = self._deliveries(due)
        self._durable(ticket)
        if failure is not None:
            raise failure
        return deliveries

    def _assign(self, command: Provision, scope: str) -> None:
        if isinstance(command, AddUser):
            self.clocks.assign(command.user.user_id, scope)
        elif isinstance(command, AddDevice):
            self.clocks.assign(command.device.device_id, scope)

    def _provisioned(self, command: Provision, scope: str | None = None) -> None:
        if isinstance(command, InjectS1spFault):  # the next update of a device in the scope
            self.control.inject_s1sp_fault(command.after_entries, scope)
        else:
            self.control.provision(command)
        if isinstance(command, PublishCertificate):
            self.signers.add(OrgCertificate.from_der(command.der))

    def held(self, device_id: Eui64) -> dict[str, dict[str, dict[str, object]] | None]:
        with self.lock:
            held = self.control.held_certificates(device_id)
            ticket = self.journal.enqueued if self.journal is not None else 0
        self._durable(ticket)  # nothing is shown that a crash could still take back
        return {"dsp": _ids(held.dsp), "s1sp": _ids(held.s1sp) if held.s1sp is not None else None}


def _ids(cells: dict[str, CertificateId]) -> dict[str, dict[str, object]]:
    return {cell: {"serial": i.serial, "issuer": i.issuer} for cell, i in cells.items()}


def _invalid(request_id: RequestId, detail: str, requirement: str) -> Response:
    return Response(
        request_id, INVALID_CONTENT, Outcome.REJECTED, requirement=requirement, detail=detail
    )


def _rejected(request_id: RequestId, detail: str) -> Response:
    return Response(
        request_id, "E50", Outcome.REJECTED, requirement="DUIS-signature", detail=detail
    )
