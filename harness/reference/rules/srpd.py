"""Stage 4 of DOMAIN §6: SRPD (SEC Appendix AB) clause 6.1(f).

For Non-Critical Service Requests and SMETS1 Critical Service Requests, confirm from the
Registration Data, the Device ID and the SMI's Device → MPAN/MPRN link that the sender
is or will be an Eligible User (i) for all times within any requested date range, (ii) where
there is no range, at the specified execution time, (iii) otherwise at the time of the check.
Which requests the clause reaches is the profile's ``rdp_scope`` policy, which the engine
applies before the rule runs: the rule itself judges a request the clause reaches.
"""

from __future__ import annotations

from harness.domain.devices import Generation
from harness.domain.roles import REGISTERED_ROLE_FOR_FUEL, UserRole
from harness.domain.timeline import format_instant
from harness.reference.context import Check, Rejection
from harness.reference.rules import rule

# Roles whose eligibility does not depend on Registration Data [model].
UNREGISTERED_ROLES = frozenset({UserRole.OTHER_USER, UserRole.REGISTERED_SUPPLIER_AGENT})


def baseline_scope(check: Check) -> bool:
    """Non-critical device SRs and SMETS1 critical SRs; never SMETS2 critical SRs."""
    variant, device = check.variant, check.device
    if variant is None or device is None or variant.non_device:
        return False
    return not variant.critical or device.generation is Generation.SMETS1


LIMBS = ("SRPD-6.1f-i", "SRPD-6.1f-ii", "SRPD-6.1f-iii")


@rule("SRPD-6.1f", limbs=LIMBS)
def eligible_user(check: Check) -> Rejection | None:
    user, device = check.user, check.device
    if user is None or device is None or user.role in UNREGISTERED_ROLES:
        return None
    request = check.request
    period = request.requested_period
    execution = request.execution_time
    limb = LIMBS[0] if period else LIMBS[1] if execution else LIMBS[2]
    meter_point = device.meter_point
    if meter_point is None:
        return Rejection(
            "E4", f"device {device.device_id} has no MPAN/MPRN in the SMI", requirement=limb
        )
    registered_role = REGISTERED_ROLE_FOR_FUEL.get((user.role, meter_point.fuel))
    if registered_role is None:
        return Rejection(
            "E4",
            f"{user.role.with_article} is never registered for {meter_point.kind} {meter_point}",
            requirement=limb,
        )
    data = check.state.registrations
    if period is not None:
        if data.is_registered_throughout(meter_point, registered_role, user.user_id, period):
            return None
        when = f"for all of {format_instant(period.start)} to {format_instant(period.end)}"
    else:
        moment = check.evaluation_time
        if data.is_registered_at(meter_point, registered_role, user.user_id, moment):
            return None
        label = "the execution time" if execution else "the time of the check"
        if check.cancels:
            label = "the time of the check (a cancellation)"
        elif execution is not None and moment != execution:
            label = (
                f"the time of the check (its execution time {format_instant(execution)} is past)"
            )
        when = f"at {label} {format_instant(moment)}"
    return Rejection(
        "E4",
        f"{user.name} is not the registered {registered_role.label} for {meter_point.kind} "
        f"{meter_point} {when}",
        requirement=limb,
    )
