"""Who may sign a critical command: the device (SMETS2) or the S1SP (SMETS1) decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from harness.domain.certificates import OrgCertificate
from harness.domain.requests import UpdateSecurityCredentialsKRP
from harness.domain.roles import REGISTERED_ROLE_FOR_FUEL, RemotePartyRole
from harness.reference.cells import Cell
from harness.reference.context import Check, Rejection


@dataclass(frozen=True)
class SignedCommand:
    """A signed pre-command arriving at the device or S1SP."""

    check: Check
    cell: Cell
    current: OrgCertificate | None
    signed_by_current: bool


OwnershipPolicy = Callable[[SignedCommand], Rejection | None]


class Smets1OwnershipAt(Enum):
    """Who checks a SMETS1 critical command's signer against the notified certificate (a
    profile parameter: no public text settles it). ``S1SP``: the S1SP, after the DSP
    acknowledged the signed pre-command (I99), answering with its own alert. ``DSP``: the
    DSP, synchronously, refusing the signed pre-command (E51)."""

    S1SP = "s1sp"
    DSP = "dsp"


# Who decides, and the requirement a refusal of theirs enforces.
DEVICE_DECIDES = "SEC-OWNERSHIP-SMETS2"
S1SP_DECIDES = "SEC-OWNERSHIP-SMETS1"
REQUIREMENTS = (DEVICE_DECIDES, S1SP_DECIDES)


def _not_owner(command: SignedCommand, requirement: str, answered_by: str) -> Rejection:
    holder = "nobody"
    if command.current is not None:
        user = command.check.state.users.get(command.current.owner)
        holder = user.name if user else str(command.current.owner)
    return Rejection(
        "I0",
        f"{answered_by} refused the command: it is not signed with the key of the "
        f"certificate in the {command.cell} cell (owned by {holder})",
        requirement=requirement,
        answered_by=answered_by,
    )


def device_ownership(command: SignedCommand) -> Rejection | None:
    """A SMETS2 device executes a critical command only if signed by the cell's key."""
    if command.signed_by_current:
        return None
    return _not_owner(command, DEVICE_DECIDES, "device")


def s1sp_owner_signed(command: SignedCommand) -> Rejection | None:
    """Today's rule: the S1SP checks the signer against the notified certificate ID."""
    if command.signed_by_current:
        return None
    return _not_owner(command, S1SP_DECIDES, "S1SP")


def replaces_network_operator(check: Check) -> bool:
    body = check.request.body
    return (
        check.request.srv == "6.15.1"
        and isinstance(body, UpdateSecurityCredentialsKRP)
        and body.remote_party_role is RemotePartyRole.NETWORK_OPERATOR
    )


def sender_is_registered(check: Check) -> bool:
    """Is the sender the registered party for its role at the evaluation time?"""
    user, device = check.user, check.device
    if user is None or device is None or device.meter_point is None:
        return False
    role = REGISTERED_ROLE_FOR_FUEL.get((user.role, device.meter_point.fuel))
    if role is None:
        return False
    return check.state.registrations.is_registered_at(
        device.meter_point, role, user.user_id, check.evaluation_time
    )
