"""Everything the reference DSP knows: Users, SMKI repository, SMI, Registration Data,
device trust anchors (SMETS2) and notified certificates (SMETS1, DSP and S1SP copies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from harness.domain.certificates import CertificateId, OrgCertificate, issuer_cn
from harness.domain.devices import Device, Generation
from harness.domain.eui import Eui64
from harness.domain.parties import User
from harness.domain.registration import RegistrationData
from harness.domain.requests import (
    ALERTED_WHEN_FUTURE_DATED,
    RequestId,
    Response,
    ServiceRequest,
)
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Interval
from harness.errors import UnknownName
from harness.reference.cells import Cell, S1spStore

if TYPE_CHECKING:
    from cryptography import x509


@dataclass(frozen=True)
class PendingCommand:
    """A critical request the DSP transformed and now awaits signed (CV 5)."""

    request: ServiceRequest
    pre_command: bytes


@dataclass(frozen=True)
class ScheduledCommand:
    """A command held for its execution time (by the DSP or by the device)."""

    due: datetime
    request: ServiceRequest
    updates: Mapping[Cell, OrgCertificate]
    result_data: tuple[tuple[str, str], ...] = ()

    @property
    def held_by_device(self) -> bool:
        """A future-dated 6.15.1 or 6.23 is accepted by the device (or the S1SP for it) when
        sent and runs there; any other future-dated command the DSP holds until it is due."""
        return self.request.srv in ALERTED_WHEN_FUTURE_DATED


@dataclass
class DspState:
    users: dict[Eui64, User] = field(default_factory=dict)
    repository: dict[CertificateId, OrgCertificate] = field(default_factory=dict)
    by_serial: dict[int, list[OrgCertificate]] = field(default_factory=dict)  # index
    authorities: dict[CertificateId, x509.Certificate] = field(default_factory=dict)  # CAs
    smi: dict[Eui64, Device] = field(default_factory=dict)
    registrations: RegistrationData = field(default_factory=RegistrationData)
    smets2_cells: dict[Eui64, dict[Cell, OrgCertificate]] = field(default_factory=dict)
    dsp_notified: dict[Eui64, dict[Cell, CertificateId]] = field(default_factory=dict)
    s1sp: S1spStore = field(default_factory=S1spStore)
    used_counters: dict[Eui64, set[int]] = field(default_factory=dict)
    pending: dict[RequestId, PendingCommand] = field(default_factory=dict)
    scheduled: list[ScheduledCommand] = field(default_factory=list)
    outbox: list[Response] = field(default_factory=list)
    # The remote party roles whose cells no longer hold the DCC's certificates, per device
    # that was installed DCC-controlled (SRV-6.21-handover: DCC control is per cell).
    dcc_released: dict[Eui64, set[RemotePartyRole]] = field(default_factory=dict)
    # When the DSP cannot reach a device (a WAN outage), per device.
    outages: dict[Eui64, list[Interval]] = field(default_factory=dict)

    # -- provisioning -------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        self.users[user.user_id] = user

    def publish(self, certificate: OrgCertificate) -> None:
        """Lodge a certificate in the SMKI repository."""
        certificate_id = certificate.id  # read from the certificate's issuer name each time
        if certificate_id not in self.repository:
            self.by_serial.setdefault(certificate_id.serial, []).append(certificate)
        self.repository[certificate_id] = certificate

    def publish_authority(self, certificate: x509.Certificate) -> None:
        """Lodge a CA certificate (root or issuing) in the SMKI repository."""
        self.authorities[CertificateId(certificate.serial_number, issuer_cn(certificate))] = (
            certificate
        )

    def add_device(self, device: Device) -> None:
        self.smi[device.device_id] = device
        if device.generation is Generation.SMETS2:
            self.smets2_cells.setdefault(device.device_id, {})
        else:
            self.dsp_notified.setdefault(device.device_id, {})

    def set_device(self, device_id: Eui64, **changes: object) -> None:
        self.smi[device_id] = replace(self.device(device_id), **changes)  # type: ignore[arg-type]

    def device(self, device_id: Eui64) -> Device:
        try:
            return self.smi[device_id]
        except KeyError:
            raise UnknownName(f"device {device_id} is not in the SMI") from None

    # -- certificates held for a device -------------------------------------------------
    def current_certificate(self, device_id: Eui64, cell: Cell) -> OrgCertificate | None:
        device = self.device(device_id)
        if device.generation is Generation.SMETS2:
            return self.smets2_cells.get(device_id, {}).get(cell)
        cert_id = self.dsp_notified.get(device_id, {}).get(cell)
        return self.repository.get(cert_id) if cert_id is not None else None

    def install(self, device_id: Eui64, updates: Mapping[Cell, OrgCertificate]) -> None:
        """Place certificates. SMETS1: S1SP copy first, then the DSP copy, so a failing
        S1SP leaves both copies as they were (it raises before the DSP copy changes).
        A cell that receives a party's certificate no longer holds the DCC's."""
        device = self.device(device_id)
        for certificate in updates.values():
            self.publish(certificate)
        if device.generation is Generation.SMETS2:
            self.smets2_cells.setdefault(device_id, {}).update(updates)
        else:
            ids = {cell: cert.id for cell, cert in updates.items()}
            self.s1sp.replace(device_id, ids)
            self.dsp_notified.setdefault(device_id, {}).update(ids)
        self.dcc_released.setdefault(device_id, set()).update(cell.role for cell in updates)

    def dcc_controls(self, device_id: Eui64, role: RemotePartyRole) -> bool:
        """Do ``role``'s cells of the device still hold the DCC's certificates? A device
        installed DCC-controlled holds them in every cell until each is handed over."""
        device = self.device(device_id)
        return device.dcc_controlled and role not in self.dcc_released.get(device_id, set())

    def cut_off(self, device_id: Eui64, outage: Interval) -> None:
        self.device(device_id)
        self.outages.setdefault(device_id, []).append(outage)

    def reachable_from(self, device_id: Eui64, moment: datetime) -> datetime | None:
        """The first instant from ``moment`` at which the DSP can reach the device (None:
        an outage with no end covers it)."""
        while True:
            covering = [o for o in self.outages.get(device_id, []) if o.contains(moment)]
            if not covering:
                return moment
            ends = [o.end for o in covering]
            if any(end is None for end in ends):
                return None
            moment = max(end for end in ends if end is not None)

    def copies_agree(self, device_id: Eui64) -> bool:
        return self.dsp_notified.get(device_id, {}) == self.s1sp.notified(device_id)
