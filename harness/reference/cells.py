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


def _unscoped(device: object) -> str | None:
    return None


class S1spStore:
    """The S1SP's copy of SMETS1 notified certificate IDs. Updates are all-or-nothing:
    the new copy is built aside and swapped in only when complete.

    A fault is a hook the S1SP calls before it stages each entry of an update (raising
    ``S1spFailure`` interrupts it): ``fault_hook`` for every device's update, or one armed in
    a scope (``arm``) for the updates of devices that belong to it (``scope_of``, the
    served DSP's scoped clocks: docs/test-control.md). A device's scope's hook comes first."""

    def __init__(self) -> None:
        self._notified: dict[object, dict[Cell, CertificateId]] = {}
        self.fault_hook: FaultHook | None = None
        self.scoped_hooks: dict[str, FaultHook] = {}
        self.scope_of: Callable[[object], str | None] = _unscoped

    def arm(self, hook: FaultHook, scope: str | None = None) -> None:
        """Call ``hook`` in the updates of devices in ``scope`` (None: of every device)."""
        if scope is None:
            self.fault_hook = hook
        else:
            self.scoped_hooks[scope] = hook

    def disarm(self, scope: str | None = None) -> None:
        if scope is None:
            self.fault_hook = None
        else:
            self.scoped_hooks.pop(scope, None)

    def hook_for(self, device: object) -> FaultHook | None:
        scope = self.scope_of(device)
        scoped = self.scoped_hooks.get(scope) if scope is not None else None
        return scoped if scoped is not None else self.fault_hook

    def notified(self, device: object) -> dict[Cell, CertificateId]:
        return dict(self._notified.get(device, {}))

    def replace(self, device: object, updates: Mapping[Cell, CertificateId]) -> None:
        staged = dict(self._notified.get(device, {}))
        hook = self.hook_for(device)
        for step, (cell, cert_id) in enumerate(
            sorted(updates.items(), key=lambda item: str(item[0]))
        ):
            if hook is not None:
                hook(step)
            staged[cell] = cert_id
        self._notified[device] = staged
