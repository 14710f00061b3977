"""Where a device's trusted certificates live: SMETS2 trust anchor cells, SMETS1 copies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from harness.domain.certificates import CertificateId, KeyUsage, OrgCertificate
from harness.domain.requests import CertificatePair
from harness.domain.roles import RemotePartyRole
from harness.errors import HarnessError


@dataclass(frozen=True)
class Cell:
    """A (remote party role, key usage) slot. For SMETS1, digital signing is the
    "critical" notified certificate and key agreement the "non-critical" one."""

    role: RemotePartyRole
    usage: KeyUsage

    def __str__(self) -> str:
        return f"{self.role.value}/{self.usage.value}"


CellMap = Mapping[Cell, OrgCertificate]


def certificate_updates(role: RemotePartyRole, pair: CertificatePair) -> dict[Cell, OrgCertificate]:
    """The cells a replacement pair for ``role`` writes."""
    updates: dict[Cell, OrgCertificate] = {}
    if pair.digital_signing is not None:
        updates[Cell(role, KeyUsage.DIGITAL_SIGNING)] = OrgCertificate.from_der(
            pair.digital_signing
        )
    if pair.key_agreement is not None:
        updates[Cell(role, KeyUsage.KEY_AGREEMENT)] = OrgCertificate.from_der(pair.key_agreement)
    return updates


class S1spFailure(HarnessError):
    """The S1SP failed while applying an update (injected in tests)."""


FaultHook = Callable[[int], None]


class S1spStore:
    """The S1SP's copy of SMETS1 notified certificate IDs. Updates are all-or-nothing:
    the new copy is built aside and swapped in only when complete."""

    def __init__(self) -> None:
        self._notified: dict[object, dict[Cell, CertificateId]] = {}
        self.fault_hook: FaultHook | None = None

    def notified(self, device: object) -> dict[Cell, CertificateId]:
        return dict(self._notified.get(device, {}))

    def replace(self, device: object, updates: Mapping[Cell, CertificateId]) -> None:
        staged = dict(self._notified.get(device, {}))
        for step, (cell, cert_id) in enumerate(
            sorted(updates.items(), key=lambda item: str(item[0]))
        ):
            if self.fault_hook is not None:
                self.fault_hook(step)
            staged[cell] = cert_id
        self._notified[device] = staged
