"""Real requests and responses for the DUIS tests: one request per body type in scope, and a
run of the reference DSP that produces every kind of response it can give."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.serialization import Encoding

from harness.domain.certificates import KeyUsage
from harness.domain.clock import ManualClock
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan
from harness.domain.parties import User
from harness.domain.registration import Registration
from harness.domain.requests import (
    CertificatePair,
    ReadInstantaneousImportRegisters,
    ReadInventory,
    ReadProfileData,
    RequestBody,
    RequestHandover,
    RequestId,
    Response,
    RetrieveDeviceSecurityCredentials,
    ServiceRequest,
    SignedPreCommand,
    UpdateSecurityCredentialsCoS,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval, Period
from harness.pki import Credential, TestPki
from harness.reference.cells import S1spFailure, certificate_updates
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import resolve
from harness.signing import sign_payload
from harness.srv.retrieval import CredentialType, RetrieveDeviceSecurityCredentialsDevice

START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
MPAN = make_mpan("120000000001")
MPRN = MeterPoint.mprn("7346512")
DS = KeyUsage.DIGITAL_SIGNING
KA = KeyUsage.KEY_AGREEMENT


def ca_path(pki: TestPki) -> tuple[bytes, ...]:
    """The certification path the harness's organisation certificates hang from."""
    return (pki.issuing_ca.public_bytes(Encoding.DER),)


def pair_of(pki: TestPki, owner: Eui64, role: RemotePartyRole) -> CertificatePair:
    return CertificatePair(
        pki.issue(owner, role.ou_code, DS).certificate.der,
        pki.issue(owner, role.ou_code, KA).certificate.der,
    )


def sample_requests(pki: TestPki) -> dict[str, ServiceRequest]:
    """One request per body type in scope (and both ways of asking 6.21 and 8.2)."""
    supplier = Eui64.parse("90-B3-D5-1F-30-01-00-00")
    network = Eui64.parse("90-B3-D5-1F-30-02-00-00")
    meter = Eui64.parse("00-DB-12-34-56-78-90-A0")
    hub = Eui64.parse("90-B3-D5-1F-30-00-00-02")
    later = START + timedelta(days=2)
    no_pair = pair_of(pki, network, RemotePartyRole.NETWORK_OPERATOR)
    sup_pair = pair_of(pki, supplier, RemotePartyRole.SUPPLIER)
    pre_command = b"GBCS|stand-in pre-command"
    signature = sign_payload(pki.issue(network, "03", DS).private_key, pre_command)
    counter = itertools.count(1000)

    def request(
        sender: Eui64, target: Eui64, srv: str, cv: int, body: RequestBody
    ) -> ServiceRequest:
        return ServiceRequest(RequestId(sender, target, next(counter)), srv, cv, body)

    return {
        "6.15.1 CV4": request(
            network,
            meter,
            "6.15.1",
            4,
            UpdateSecurityCredentialsKRP(
                RemotePartyRole.NETWORK_OPERATOR, no_pair, ca_path(pki), later, False
            ),
        ),
        "6.15.1 CV4 signing only": request(
            supplier,
            meter,
            "6.15.1",
            4,
            UpdateSecurityCredentialsKRP(
                RemotePartyRole.SUPPLIER,
                CertificatePair(digital_signing=sup_pair.digital_signing),
                ca_path(pki) * 3,
            ),
        ),
        "6.15.1 CV5": request(
            network, meter, "6.15.1", 5, SignedPreCommand(pre_command, signature)
        ),
        "6.21 supplier": request(supplier, meter, "6.21", 1, RequestHandover(supplier=sup_pair)),
        "6.21 network operator": request(
            supplier,
            meter,
            "6.21",
            1,
            RequestHandover(network_operator=no_pair, execution_time=later),
        ),
        "6.23": request(
            supplier, meter, "6.23", 1, UpdateSecurityCredentialsCoS(MPAN, sup_pair, later)
        ),
        "6.24.1": request(supplier, meter, "6.24.1", 1, RetrieveDeviceSecurityCredentials()),
        "6.24.2": request(
            supplier,
            meter,
            "6.24.2",
            4,
            RetrieveDeviceSecurityCredentialsDevice(CredentialType.KEY_AGREEMENT),
        ),
        "4.1.1": request(supplier, meter, "4.1.1", 1, ReadInstantaneousImportRegisters()),
        "4.1.1 future-dated": request(
            supplier, meter, "4.1.1", 1, ReadInstantaneousImportRegisters(later)
        ),
        "4.8.1": request(
            supplier,
            meter,
            "4.8.1",
            1,
            ReadProfileData(Period(START - timedelta(days=1), START), later),
        ),
        "8.2 by device": request(supplier, hub, "8.2", 8, ReadInventory(device_id=meter)),
        "8.2 by MPRN": request(supplier, hub, "8.2", 8, ReadInventory(meter_point=MPRN)),
    }


# -- a run of the reference DSP ------------------------------------------------------------
@dataclass
class ReferenceRun:
    """A baseline reference DSP with a small cast, recording every exchange."""

    pki: TestPki
    clock: ManualClock = field(default_factory=lambda: ManualClock(START))
    users: dict[str, User] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    requests: list[ServiceRequest] = field(default_factory=list)
    responses: list[tuple[str, Response]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dsp = ReferenceDsp(resolve("baseline"), self.clock)
        self._counter = itertools.count(5000)

    def user(self, name: str, role: UserRole, user_id: int, *, registered: bool = True) -> None:
        user = User(Eui64(user_id), role, name)
        self.users[name] = user
        self.dsp.state.add_user(user)
        remote = role.remote_party_role
        if remote is not None:
            for usage in KeyUsage:
                self.dsp.state.publish(self.credential(name, usage).certificate)
        self.dsp.state.publish(self.pki.issue(user.user_id, XML_SIGNING_OU, DS).certificate)
        if registered:
            self.dsp.state.registrations.add(
                Registration(MPAN, role, user.user_id, Interval(START - timedelta(days=365)))
            )

    def credential(self, name: str, usage: KeyUsage = DS) -> Credential:
        user = self.users[name]
        remote = user.role.remote_party_role
        assert remote is not None
        return self.pki.issue(user.user_id, remote.ou_code, usage)

    def pair(self, name: str) -> CertificatePair:
        return CertificatePair(
            self.credential(name, DS).certificate.der, self.credential(name, KA).certificate.der
        )

    def device(self, name: str, generation: Generation, *, dcc_controlled: bool = False) -> None:
        device = Device(
            Eui64(0x00DB1234567800 + len(self.devices)),
            DeviceType.ESME,
            generation,
            DeviceStatus.COMMISSIONED,
            MPAN,
            dcc_controlled,
        )
        self.devices[name] = device
        self.dsp.state.add_device(device)

    def place(self, device: str, owner: str) -> None:
        role = self.users[owner].role.remote_party_role
        assert role is not None
        self.dsp.state.install(
            self.devices[device].device_id, certificate_updates(role, self.pair(owner))
        )

    def request(
        self, sender: str, device: str, srv: str, cv: int, body: RequestBody
    ) -> ServiceRequest:
        target = self.devices[device].device_id if device in self.devices else Eui64(0xFFFF)
        return ServiceRequest(
            RequestId(self.users[sender].user_id, target, next(self._counter)), srv, cv, body
        )

    def submit(self, request: ServiceRequest) -> Response:
        self.requests.append(request)
        response = self.dsp.submit(request)
        self.responses.append((request.srv, response))
        return response

    def krp(self, certificates_of: str) -> UpdateSecurityCredentialsKRP:
        role = self.users[certificates_of].role.remote_party_role
        assert role is not None
        return UpdateSecurityCredentialsKRP(role, self.pair(certificates_of), ca_path(self.pki))

    def critical(
        self,
        sender: str,
        device: str,
        body: RequestBody,
        *,
        alter: bool = False,
        srv: str = "6.15.1",
    ) -> None:
        request = self.request(sender, device, srv, 4, body)
        transformed = self.submit(request)
        if transformed.pre_command is None:
            return
        pre_command = transformed.pre_command
        signature = sign_payload(self.credential(sender).private_key, pre_command)
        if alter:
            pre_command += b"|altered"
        self.submit(
            ServiceRequest(request.request_id, srv, 5, SignedPreCommand(pre_command, signature))
        )

    def collect_outbox(self) -> None:
        srv_of = {r.request_id: r.srv for r in self.requests}
        for response in self.dsp.state.outbox:
            self.responses.append((srv_of[response.request_id], response))
        self.dsp.state.outbox.clear()


def reference_run(pki: TestPki) -> ReferenceRun:
    """Drive the reference DSP through every kind of answer it gives."""
    run = ReferenceRun(pki)
    run.user("SUP-A", UserRole.IMPORT_SUPPLIER, 0x90B3D51F30010000)
    run.user("NO-A", UserRole.ELECTRICITY_DISTRIBUTOR, 0x90B3D51F30020000)
    run.user("NO-B", UserRole.ELECTRICITY_DISTRIBUTOR, 0x90B3D51F30030000, registered=False)
    run.users["GHOST"] = User(Eui64(0x90B3D51F30FF0000), UserRole.IMPORT_SUPPLIER, "GHOST")
    run.device("esme2", Generation.SMETS2)
    run.device("esme1", Generation.SMETS1)
    run.device("wrong-no", Generation.SMETS1)
    run.device("faulty", Generation.SMETS1)
    run.device("dcc", Generation.SMETS2, dcc_controlled=True)
    for device in ("esme2", "esme1", "wrong-no", "faulty"):
        run.place(device, "SUP-A")
    for device in ("esme2", "esme1", "faulty"):
        run.place(device, "NO-A")
    run.place("wrong-no", "NO-B")

    reads: list[tuple[str, int, RequestBody]] = [
        ("4.1.1", 1, ReadInstantaneousImportRegisters()),
        ("4.8.1", 1, ReadProfileData(Period(START - timedelta(days=1), START))),
        ("6.24.1", 1, RetrieveDeviceSecurityCredentials()),
        ("8.2", 8, ReadInventory(device_id=run.devices["esme2"].device_id)),
        ("4.1.1", 1, ReadInstantaneousImportRegisters(START + timedelta(hours=2))),
    ]
    for srv, cv, body in reads:
        run.submit(run.request("SUP-A", "esme2", srv, cv, body))
    run.submit(run.request("NO-B", "esme1", "4.1.1", 1, ReadInstantaneousImportRegisters()))  # E4
    run.submit(run.request("GHOST", "esme2", "4.1.1", 1, ReadInstantaneousImportRegisters()))  # E1
    run.submit(run.requests[0])  # replay: E44
    run.submit(run.request("SUP-A", "dcc", "6.21", 1, RequestHandover(supplier=run.pair("SUP-A"))))
    run.submit(
        run.request(
            "SUP-A", "esme2", "6.23", 1, UpdateSecurityCredentialsCoS(MPAN, run.pair("SUP-A"))
        )
    )
    run.critical("NO-A", "esme2", run.krp("NO-A"))  # transformed, acknowledged, completed
    device_credentials = RetrieveDeviceSecurityCredentialsDevice()
    run.critical("SUP-A", "esme2", device_credentials, srv="6.24.2")  # the meter's own certificate
    run.critical("NO-B", "esme2", run.krp("NO-B"))  # the SMETS2 device refuses (ownership)
    run.critical("NO-A", "wrong-no", run.krp("NO-A"))  # the S1SP refuses (ownership)
    run.critical("NO-A", "esme1", run.krp("NO-A"), alter=True)  # E51
    stray = b"GBCS|never transformed"
    signature = sign_payload(run.credential("NO-A").private_key, stray)
    orphan = run.request("NO-A", "esme1", "6.15.1", 5, SignedPreCommand(stray, signature))
    run.submit(orphan)  # E53

    def fail(step: int) -> None:
        raise S1spFailure(f"injected at step {step}")

    run.dsp.state.s1sp.fault_hook = fail
    run.critical("NO-A", "faulty", run.krp("NO-A"))  # S1SP02 from the S1SP
    run.dsp.state.s1sp.fault_hook = None
    run.dsp.advance_to(START + timedelta(hours=3))
    run.collect_outbox()
    return run
