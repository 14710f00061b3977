"""Stage 2 of DOMAIN §6: the User, its role, its status, the command variant and endpoint."""

from __future__ import annotations

from harness.domain.parties import UserStatus
from harness.domain.requests import ENDPOINT_FOR_VARIANT
from harness.reference.context import Check, Rejection
from harness.reference.rules import rule


@rule("DUIS-E1")
def user_known(check: Check) -> Rejection | None:
    if check.user is None:
        return Rejection("E1", f"User ID {check.request.sender} is not known")
    return None


@rule("DUIS-E3")
def user_status(check: Check) -> Rejection | None:
    user = check.user
    if user is not None and user.status is not UserStatus.ACTIVE:
        return Rejection("E3", f"User {user.name} is {user.status.value}")
    return None


@rule("DUIS-E2")
def role_eligible(check: Check) -> Rejection | None:
    variant, user = check.variant, check.user
    if variant is None:
        return Rejection("E2", f"SRV {check.request.srv} is not available to Users")
    if user is not None and user.role not in variant.eligible_roles:
        return Rejection(
            "E2",
            f"{user.role.label} is not an eligible User Role for SRV {variant.srv}",
        )
    return None


@rule("DUIS-E12")
def command_variant(check: Check) -> Rejection | None:
    variant = check.variant
    cv = check.request.command_variant
    if variant is not None and cv not in variant.command_variants:
        allowed = ", ".join(str(v) for v in sorted(variant.command_variants))
        return Rejection("E12", f"Command Variant {cv} not valid for SRV {variant.srv} ({allowed})")
    return None


@rule("DUIS-E13")
def web_service(check: Check) -> Rejection | None:
    request = check.request
    expected = ENDPOINT_FOR_VARIANT.get(request.command_variant)
    arrived = request.routed_endpoint()
    if expected is not None and arrived is not expected:
        where = arrived.value if arrived else "(none)"
        return Rejection(
            "E13",
            f"Command Variant {request.command_variant} belongs on {expected.value}, "
            f"arrived on {where}",
        )
    return None
