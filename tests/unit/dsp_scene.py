"""A small driver over the reference DSP for unit tests.

It names parties and devices, gives them real certificates from the test PKI, and runs the
critical flow with real ECDSA signatures, talking to ``ReferenceDsp`` directly (no adapter,
no World), so a failing test points at the reference model itself.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.serialization import Encoding

from harness.catalogue.tables import service_requests
from harness.domain.certificates import CertificateId, KeyUsage
from harness.domain.clock import ManualClock
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan
from harness.domain.parties import User, UserStatus
from harness.domain.registration import Registration
from harness.domain.requests import (
    CertificatePair,
    Endpoint,
    Outcome,
    RequestBody,
    RequestId,
    Response,
    ServiceRequest,
    SignedPreCommand,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval, parse_instant
from harness.pki import Credential, TestPki, shared_pki
from harness.reference.cells import Cell, certificate_updates
from harness.reference.context import Check
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import resolve
from harness.reference.state import DspState
from harness.signing import sign_payload

MPAN_A = make_mpan("120000000001")
MPAN_B = make_mpan("190000000042")
MPRN_A = MeterPoint.mprn("7346512")
START = "2026-03-01 10:00"

DS = KeyUsage.DIGITAL_SIGNING
KA = KeyUsage.KEY_AGREEMENT
NO_CELL = Cell(RemotePartyRole.NETWORK_OPERATOR, DS)
SUPPLIER_CELL = Cell(RemotePartyRole.SUPPLIER, DS)


@dataclass
class Flow:
    """One critical request: the transform answer, the signed send's answer, and the
    asynchronous answers gathered so far."""

    request: ServiceRequest
    transformed: Response
    acknowledged: Response | None = None
    finals: list[Response] = field(default_factory=list)

    @property
    def final(self) -> Response | None:
        return self.finals[-1] if self.finals else None


class Scene:
    """A reference DSP on a manual clock, with a cast addressed by name."""

    def __init__(
        self, profile: str = "baseline", now: str = START, pki: TestPki | None = None
    ) -> None:
        self.clock = ManualClock(parse_instant(now))
        self.dsp = ReferenceDsp(resolve(profile), self.clock)
        self.pki = pki or shared_pki()
        self.users: dict[str, User] = {}
        self.devices: dict[str, Device] = {}
        self._counter = itertools.count(1000)

    @property
    def state(self) -> DspState:
        return self.dsp.state

    # -- cast ---------------------------------------------------------------------------
    @staticmethod
    def eui(*parts: str) -> Eui64:
        digest = hashlib.sha256("/".join(parts).encode()).digest()
        return Eui64(int.from_bytes(digest[:8], "big"))

    def party(
        self, name: str, role: str, *, status: UserStatus = UserStatus.ACTIVE, known: bool = True
    ) -> User:
        user_role = UserRole.parse(role)
        user = User(self.eui("user", name, user_role.value), user_role, name, status)
        self.users[name] = user
        if known:
            self.state.add_user(user)
            if user_role.remote_party_role is not None:
                for usage in KeyUsage:
                    self.state.publish(self.credential(name, usage).certificate)
            self.state.publish(self.xml_credential(name).certificate)
        return user

    def credential(self, name: str, usage: KeyUsage = DS, generation: int = 0) -> Credential:
        user = self.users[name]
        remote = user.role.remote_party_role
        assert remote is not None, f"{name} holds no organisation certificates"
        return self.pki.issue(user.user_id, remote.ou_code, usage, generation)

    def xml_credential(self, name: str) -> Credential:
        return self.pki.issue(self.users[name].user_id, XML_SIGNING_OU, DS)

    def pair(self, name: str, generation: int = 0) -> CertificatePair:
        return CertificatePair(
            self.credential(name, DS, generation).certificate.der,
            self.credential(name, KA, generation).certificate.der,
        )

    def cert_id(self, name: str, usage: KeyUsage = DS, generation: int = 0) -> CertificateId:
        return self.credential(name, usage, generation).certificate.id

    def device(
        self,
        name: str,
        device_type: str = "ESME",
        generation: str = "SMETS2",
        meter_point: MeterPoint | None = MPAN_A,
        *,
        status: str = "Commissioned",
        dcc_controlled: bool = False,
        known: bool = True,
    ) -> Device:
        device = Device(
            device_id=self.eui("device", name),
            device_type=DeviceType.parse(device_type),
            generation=Generation.parse(generation),
            status=DeviceStatus.parse(status),
            meter_point=meter_point,
            dcc_controlled=dcc_controlled,
        )
        self.devices[name] = device
        if known:
            self.state.add_device(device)
        return device

    def register(
        self,
        name: str,
        meter_point: MeterPoint = MPAN_A,
        start: str | None = "2025-01-01",
        end: str | None = None,
        role: str | None = None,
    ) -> None:
        user = self.users[name]
        self.state.registrations.add(
            Registration(
                meter_point=meter_point,
                role=UserRole.parse(role) if role else user.role,
                party=user.user_id,
                interval=Interval(
                    parse_instant(start) if start else None, parse_instant(end) if end else None
                ),
            )
        )

    def place(
        self, device: str, owner: str, generation: int = 0, role: RemotePartyRole | None = None
    ) -> None:
        """Certificates on the device before the scenario (SMETS1: both copies)."""
        cell_role = role or self.users[owner].role.remote_party_role
        assert cell_role is not None
        self.state.install(
            self.devices[device].device_id,
            certificate_updates(cell_role, self.pair(owner, generation)),
        )

    def held(self, device: str, cell: Cell = NO_CELL) -> CertificateId | None:
        current = self.state.current_certificate(self.devices[device].device_id, cell)
        return current.id if current is not None else None

    def copies(self, device: str) -> tuple[dict[Cell, CertificateId], dict[Cell, CertificateId]]:
        device_id = self.devices[device].device_id
        return dict(self.state.dsp_notified.get(device_id, {})), self.state.s1sp.notified(device_id)

    # -- time ---------------------------------------------------------------------------
    @staticmethod
    def at(text: str) -> datetime:
        return parse_instant(text)

    def advance(self, text: str) -> None:
        self.dsp.advance_to(parse_instant(text))

    # -- requests -----------------------------------------------------------------------
    def request(
        self,
        sender: str,
        device: str,
        srv: str,
        body: RequestBody,
        *,
        command_variant: int | None = None,
        endpoint: Endpoint | None = None,
        counter: int | None = None,
    ) -> ServiceRequest:
        variant = service_requests().get(srv)
        cv = command_variant or (min(variant.command_variants) if variant else 1)
        target = self.devices[device].device_id if device in self.devices else self.eui(device)
        return ServiceRequest(
            request_id=RequestId(
                self.users[sender].user_id,
                target,
                next(self._counter) if counter is None else counter,
            ),
            srv=srv,
            command_variant=cv,
            body=body,
            endpoint=endpoint,
        )

    def check(self, request: ServiceRequest) -> Check:
        """What a rule would see if ``request`` arrived now."""
        return Check(request, self.state, self.clock.now())

    def submit(self, request: ServiceRequest) -> Response:
        return self.dsp.submit(request)

    def send(self, sender: str, device: str, srv: str, body: RequestBody) -> Response:
        return self.submit(self.request(sender, device, srv, body))

    def finals(self, request_id: RequestId) -> list[Response]:
        """The asynchronous answers that end a request (not a future-dated acceptance)."""
        return [r for r in self.dsp.responses_for(request_id) if r.outcome is not Outcome.SCHEDULED]

    def scheduled(self, request_id: RequestId) -> list[Response]:
        return [r for r in self.dsp.responses_for(request_id) if r.outcome is Outcome.SCHEDULED]

    def krp(
        self,
        certificates_of: str,
        *,
        generation: int = 0,
        role: RemotePartyRole | None = None,
        execution: str | None = None,
    ) -> UpdateSecurityCredentialsKRP:
        cell_role = role or self.users[certificates_of].role.remote_party_role
        assert cell_role is not None
        return UpdateSecurityCredentialsKRP(
            remote_party_role=cell_role,
            replacement=self.pair(certificates_of, generation),
            certification_path=(self.pki.issuing_ca.public_bytes(Encoding.DER),),
            execution_time=parse_instant(execution) if execution else None,
        )

    def critical(
        self,
        sender: str,
        device: str,
        body: RequestBody,
        *,
        srv: str = "6.15.1",
        signer: Credential | None = None,
        alter: bool = False,
    ) -> Flow:
        """Transform, sign the pre-command with a real ECDSA key, send it signed."""
        request = self.request(sender, device, srv, body, command_variant=4)
        flow = Flow(request, self.submit(request))
        if flow.transformed.outcome is not Outcome.TRANSFORMED:
            return flow
        pre_command = flow.transformed.pre_command
        assert pre_command is not None
        key = signer or self.credential(sender, DS)
        signature = sign_payload(key.private_key, pre_command)
        if alter:
            pre_command += b"|altered"
        flow.acknowledged = self.submit(self.signed(request, pre_command, signature))
        flow.finals = self.finals(request.request_id)
        return flow

    @staticmethod
    def signed(original: ServiceRequest, pre_command: bytes, signature: bytes) -> ServiceRequest:
        return ServiceRequest(
            original.request_id, original.srv, 5, SignedPreCommand(pre_command, signature)
        )


def standard_cast(scene: Scene) -> Scene:
    """The cast most unit tests share.

    Parties: SUP-A (IS, registered for MPAN_A), NO-A (ED, registered for MPAN_A), NO-B (ED,
    registered nowhere), GS-A (GS, registered for MPRN_A), GT-A (GT, registered for MPRN_A),
    GT-B (GT, registered nowhere), OU-A (OU), SUSP (IS, suspended, registered), GHOST (IS,
    unknown to the DSP).
    Devices: esme2 / esme1 (SMETS2 / SMETS1 ESME on MPAN_A, supplier cells SUP-A, NO cells
    NO-A), gsme (SMETS2 GSME on MPRN_A), dcc (DCC-controlled SMETS2 ESME on MPAN_A),
    gpf-dcc (DCC-controlled GPF on MPRN_A), ihd, suspended, uncommissioned (ESMEs or IHD
    on MPAN_A in those states), no-mpan (ESME with no meter point), ghost (not in the SMI).
    """
    scene.party("SUP-A", "IS")
    scene.party("NO-A", "ED")
    scene.party("NO-B", "ED")
    scene.party("GS-A", "GS")
    scene.party("GT-A", "GT")
    scene.party("GT-B", "GT")
    scene.party("OU-A", "OU")
    scene.party("SUSP", "IS", status=UserStatus.SUSPENDED)
    scene.party("GHOST", "IS", known=False)
    for name in ("SUP-A", "NO-A", "SUSP"):
        scene.register(name, MPAN_A)
    for name in ("GS-A", "GT-A"):
        scene.register(name, MPRN_A)
    for name, generation in (("esme2", "SMETS2"), ("esme1", "SMETS1")):
        scene.device(name, "ESME", generation)
        scene.place(name, "SUP-A")
        scene.place(name, "NO-A")
    scene.device("gsme", "GSME", "SMETS2", MPRN_A)
    scene.device("dcc", "ESME", "SMETS2", dcc_controlled=True)
    scene.device("gpf-dcc", "GPF", "SMETS2", MPRN_A, dcc_controlled=True)
    scene.device("ihd", "IHD")
    scene.device("suspended", status="Suspended")
    scene.device("uncommissioned", status="InstalledNotCommissioned")
    scene.device("no-mpan", meter_point=None)
    scene.device("ghost", known=False)
    return scene
