"""The in-process adapter: drives the reference DSP directly, no network, no files."""

from __future__ import annotations

import functools

from cryptography import x509

from harness.adapters.base import Capabilities, EnvelopeFault, HeldCertificates
from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    CutOffDevice,
    InjectS1spFault,
    PlaceCertificates,
    Provision,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.domain.certificates import OrgCertificate, ca_certificate
from harness.domain.clock import ManualClock
from harness.domain.eui import Eui64
from harness.domain.requests import CertificatePair, RequestId, Response, ServiceRequest
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Interval
from harness.errors import NotApplicable
from harness.pki import Credential
from harness.reference.cells import S1spFailure, certificate_updates
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import Profile


@functools.lru_cache(maxsize=4096)
def _authority(der: bytes) -> x509.Certificate | None:
    """A CA's certificate, or ``None``: decided once per process for each DER (every scenario
    publishes the same parties' certificates; an organisation's is parsed, and cached, by
    ``OrgCertificate.from_der``)."""
    return ca_certificate(der)


class ReferenceAdapter:
    name = "reference"
    capabilities = Capabilities(
        provision=True, move_clock=True, inspect=True, inject_faults=True, cite_requirements=True
    )

    def __init__(self, profile: Profile, dsp: ReferenceDsp | None = None) -> None:
        self.dsp = dsp or ReferenceDsp(profile, ManualClock())

    def provision(self, command: Provision) -> None:
        state = self.dsp.state
        match command:
            case AddUser(user=user):
                state.add_user(user)
            case PublishCertificate(der=der):
                authority = _authority(der)
                if authority is not None:
                    state.publish_authority(authority)
                else:
                    state.publish(OrgCertificate.from_der(der))
            case AddDevice(device=device):
                state.add_device(device)
            case Register(registration=registration, replacing=replacing):
                if replacing:
                    r = registration
                    state.registrations.withdraw(r.meter_point, r.role, r.party)
                state.registrations.add(registration)
            case PlaceCertificates():
                assert isinstance(command.device_id, Eui64)
                pair = CertificatePair(command.digital_signing, command.key_agreement)
                role = RemotePartyRole.parse(command.remote_party_role)
                state.install(command.device_id, certificate_updates(role, pair))
            case SetTime(moment=moment):
                self.dsp.advance_to(moment)
            case InjectS1spFault(after_entries=after):
                self.inject_s1sp_fault(after)
            case CutOffDevice(device_id=device_id, start=start, end=end):
                assert isinstance(device_id, Eui64)
                state.cut_off(device_id, Interval(start, end))

    def inject_s1sp_fault(self, after: int, scope: str | None = None) -> None:
        """The S1SP fails ``after`` entries into the next certificate update of a device in
        ``scope`` (None: of any device), once."""
        store = self.dsp.state.s1sp

        def fail(step: int) -> None:
            if step >= after:
                store.disarm(scope)
                raise S1spFailure(f"injected fault after {after} entr(ies)")

        store.arm(fail, scope)

    last_raw: tuple[bytes, bytes] | None = None  # nothing travels as XML in process

    def enrol_signer(self, user_id: Eui64, credential: Credential) -> None:
        return None  # in process, requests are not signed as XML

    def enrol_command_signer(self, user_id: Eui64, credential: Credential) -> None:
        return None  # the World signs pre-commands itself

    def submit(self, request: ServiceRequest, fault: EnvelopeFault | None = None) -> Response:
        if fault is not None:
            raise NotApplicable("the in-process reference has no XML envelope to corrupt")
        return self.dsp.submit(request)

    def collect(self, request_id: RequestId) -> list[Response]:
        return self.dsp.responses_for(request_id)

    def held_certificates(self, device_id: Eui64) -> HeldCertificates:
        state = self.dsp.state
        dsp_copy = state.dsp_notified.get(device_id)
        if dsp_copy is None:
            cells = state.smets2_cells.get(device_id, {})
            return HeldCertificates({str(c): cert.id for c, cert in cells.items()}, None)
        return HeldCertificates(
            {str(c): i for c, i in dsp_copy.items()},
            {str(c): i for c, i in state.s1sp.notified(device_id).items()},
        )

    def close(self) -> None:
        return None
