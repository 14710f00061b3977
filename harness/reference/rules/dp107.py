"""DP107 candidate fixes that need a rule of their own (not only a changed scope or S1SP)."""

from __future__ import annotations

from harness.domain.certificates import KeyUsage, OrgCertificate
from harness.domain.devices import Generation
from harness.domain.meterpoint import Fuel
from harness.domain.requests import UpdateSecurityCredentialsKRP
from harness.domain.roles import RemotePartyRole, UserRole
from harness.reference.cells import Cell
from harness.reference.context import Check, Rejection
from harness.reference.rules import rule


def replaces_notified_no_certificate(check: Check) -> bool:
    """A SMETS1 6.15.1 replacing the NO certificates, sent by the owner of the currently
    notified NO certificate (the case DP107's owner path waives the RDP check for)."""
    device, body = check.device, check.request.body
    if device is None or device.generation is not Generation.SMETS1:
        return False
    if check.request.srv != "6.15.1" or not isinstance(body, UpdateSecurityCredentialsKRP):
        return False
    if body.remote_party_role is not RemotePartyRole.NETWORK_OPERATOR:
        return False
    current = check.state.current_certificate(
        device.device_id, Cell(RemotePartyRole.NETWORK_OPERATOR, KeyUsage.DIGITAL_SIGNING)
    )
    return current is not None and current.owner == check.request.sender


@rule("DP107-owner-to-registered")
def owner_hands_to_registered(check: Check) -> Rejection | None:
    """The owner of the notified NO certificate may replace it, but only with certificates
    owned by the NO registered for the device's MPAN/MPRN at the execution time."""
    device, body = check.device, check.request.body
    if not replaces_notified_no_certificate(check) or device is None:
        return None
    assert isinstance(body, UpdateSecurityCredentialsKRP)
    meter_point = device.meter_point
    if meter_point is None:
        return Rejection("E061504", f"device {device.device_id} has no MPAN/MPRN in the SMI")
    no_role = (
        UserRole.ELECTRICITY_DISTRIBUTOR
        if meter_point.fuel is Fuel.ELECTRICITY
        else UserRole.GAS_TRANSPORTER
    )
    registered = check.state.registrations.registered_at(
        meter_point, no_role, check.evaluation_time
    )
    for der in (body.replacement.digital_signing, body.replacement.key_agreement):
        if der is None:
            continue
        owner = OrgCertificate.from_der(der).owner
        if owner not in registered:
            user = check.state.users.get(owner)
            named = user.name if user else str(owner)
            return Rejection(
                "E061504",
                f"the replacement network operator certificate belongs to {named}, not to "
                f"the {no_role.label} registered for {meter_point.kind} {meter_point}",
            )
    return None
