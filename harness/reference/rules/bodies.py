"""Stage 5 of DOMAIN §6: checks on the Service Request body, per SRV."""

from __future__ import annotations

from harness.domain.certificates import KeyUsage, OrgCertificate
from harness.domain.devices import DeviceType, Generation
from harness.domain.meterpoint import Fuel
from harness.domain.requests import (
    CertificatePair,
    ReadInventory,
    RequestHandover,
    UpdateSecurityCredentialsCoS,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import REGISTERED_ROLE_FOR_FUEL, RemotePartyRole, UserRole
from harness.domain.timeline import format_instant
from harness.errors import InvalidValue
from harness.reference.context import Check, Rejection
from harness.reference.rules import rule
from harness.srv.retrieval import RetrieveDeviceSecurityCredentialsDevice

# Where a Supplier's 6.15.1 may replace the network operator cells (SRV-6.15.1-role): on an
# ESME whose network operator cells still hold the DCC's certificates (see docs/rules.md).
SUPPLIER_MAY_PLACE_NO_ON = frozenset({DeviceType.ESME})


def _pair_problem(pair: CertificatePair, role: RemotePartyRole) -> str | None:
    slots = (
        (pair.digital_signing, KeyUsage.DIGITAL_SIGNING),
        (pair.key_agreement, KeyUsage.KEY_AGREEMENT),
    )
    if pair.digital_signing is None and pair.key_agreement is None:
        return "no replacement certificate given"
    for der, usage in slots:
        if der is None:
            continue
        try:
            cert = OrgCertificate.from_der(der)
        except InvalidValue as exc:
            return f"{usage.value} certificate unusable: {exc}"
        if cert.role_code != role.ou_code:
            return (
                f"{usage.value} certificate has role code {cert.role_code}, "
                f"{role.value} needs {role.ou_code}"
            )
        if cert.usage is not usage:
            return f"certificate in the {usage.value} slot has key usage {cert.usage.value}"
    return None


@rule("SRV-6.15.1-role")
def krp_role(check: Check) -> Rejection | None:
    body, user, device = check.request.body, check.user, check.device
    if not isinstance(body, UpdateSecurityCredentialsKRP) or user is None or device is None:
        return None
    own = user.role.remote_party_role
    target = body.remote_party_role
    if target is own:
        return None
    if (
        user.role.is_supplier
        and target is RemotePartyRole.NETWORK_OPERATOR
        and device.device_type in SUPPLIER_MAY_PLACE_NO_ON
    ):
        if check.state.dcc_controls(device.device_id, target):
            return None
        return Rejection(
            "E061501",
            f"{user.role.with_article} may replace the {target.value} certificates on a "
            f"{device.device_type.value} only while they are the DCC's; those of "
            f"{device.device_id} have been handed over",
        )
    return Rejection(
        "E061501",
        f"{user.role.with_article} may not replace the {target.value} certificates "
        f"on a {device.device_type.value}",
    )


@rule("SRV-6.15.1-certificates")
def krp_certificates(check: Check) -> Rejection | None:
    body = check.request.body
    if not isinstance(body, UpdateSecurityCredentialsKRP):
        return None
    problem = _pair_problem(body.replacement, body.remote_party_role)
    if problem:
        return Rejection("E061504", problem)
    return None


@rule("SRV-6.15.1-execution-time")
def krp_execution_time(check: Check) -> Rejection | None:
    body = check.request.body
    late = (
        isinstance(body, UpdateSecurityCredentialsKRP)
        and body.execution_time is not None
        and body.execution_time < check.now
    )
    if late:
        return Rejection("E061506", "execution time is in the past")
    return None


@rule("SRV-6.21-handover")
def handover(check: Check) -> Rejection | None:
    body, device = check.request.body, check.device
    if not isinstance(body, RequestHandover) or device is None:
        return None
    for pair, role in (
        (body.supplier, RemotePartyRole.SUPPLIER),
        (body.network_operator, RemotePartyRole.NETWORK_OPERATOR),
    ):
        if pair is None:
            continue
        if not check.state.dcc_controls(device.device_id, role):
            return Rejection(
                "E062101",
                f"the {role.value} cells of device {device.device_id} are not DCC-controlled",
            )
        problem = _pair_problem(pair, role)
        if problem:
            return Rejection("E061504", f"{role.value}: {problem}")
    return None


@rule("SRV-6.23-cos")
def change_of_supplier(check: Check) -> Rejection | None:
    body, device = check.request.body, check.device
    if not isinstance(body, UpdateSecurityCredentialsCoS) or device is None:
        return None
    if device.meter_point != body.meter_point:
        return Rejection(
            "E062301",
            f"meter point {body.meter_point} is not the device's ({device.meter_point})",
        )
    problem = _pair_problem(body.replacement, RemotePartyRole.SUPPLIER)
    if problem:
        return Rejection("E061504", problem)
    return None


@rule("SRV-6.24.2-device-certificate")
def device_certificate(check: Check) -> Rejection | None:
    body, device = check.request.body, check.device
    if not isinstance(body, RetrieveDeviceSecurityCredentialsDevice) or device is None:
        return None
    if device.generation is not Generation.SMETS2:
        return Rejection(
            "E062401",
            f"a {device.generation.value} device holds no device certificate",
        )
    return None


# The roles SRV 8.2 limits to current and future Suppliers of the meter point asked about
# (DUIS request matrix: "Read Inventory (Current and Future Suppliers may use this Service
# Request)"); the matrix says nothing to limit the other eligible roles.
INVENTORY_SUPPLIER_ROLES = frozenset(
    {UserRole.IMPORT_SUPPLIER, UserRole.EXPORT_SUPPLIER, UserRole.GAS_SUPPLIER}
)


@rule("SRV-8.2-eligibility")
def inventory_supplier(check: Check) -> Rejection | None:
    """A Supplier reads the inventory of a meter point only while it is, or will be, its
    registered Supplier. The meter point is the one the body asks by: its MPxN, or the
    MPxN of the Device ID it names."""
    body, user = check.request.body, check.user
    if not isinstance(body, ReadInventory) or user is None:
        return None
    if user.role not in INVENTORY_SUPPLIER_ROLES:
        return None
    meter_point = body.meter_point
    if body.device_id is not None:
        device = check.state.smi.get(body.device_id)
        if device is None:
            return None  # nothing in the inventory to read: the answer is empty
        meter_point = device.meter_point
    if meter_point is None:
        return Rejection(
            "E4", f"{user.role.with_article} reads only the inventory of its meter points"
        )
    registered_role = REGISTERED_ROLE_FOR_FUEL.get((user.role, meter_point.fuel))
    if registered_role is not None and check.state.registrations.is_registered_from(
        meter_point, registered_role, user.user_id, check.now
    ):
        return None
    return Rejection(
        "E4",
        f"{user.name} is neither the current nor a future {user.role.label} for "
        f"{meter_point.kind} {meter_point} at {format_instant(check.now)}",
    )


def _placed_no_certificates(check: Check) -> tuple[CertificatePair, str] | None:
    """The NO certificates a Supplier's request places, with the code MP063 answers."""
    body, device = check.request.body, check.device
    if device is None:
        return None
    if (
        isinstance(body, UpdateSecurityCredentialsKRP)
        and body.remote_party_role is RemotePartyRole.NETWORK_OPERATOR
        and device.device_type is DeviceType.ESME
    ):
        return body.replacement, "E061505"
    if (
        isinstance(body, RequestHandover)
        and body.network_operator is not None
        and device.device_type in (DeviceType.ESME, DeviceType.GPF)
    ):
        return body.network_operator, "E062105"
    return None


@rule("MP063-check")
def mp063_registered_no(check: Check) -> Rejection | None:
    """SECMP0063 as the DCC proposed it: a Supplier may only place the certificates of
    the NO registered for the device's MPAN/MPRN. It does not look at NOs' own requests."""
    user, device = check.user, check.device
    placed = _placed_no_certificates(check)
    if user is None or device is None or placed is None or not user.role.is_supplier:
        return None
    pair, code = placed
    meter_point = device.meter_point
    if meter_point is None:
        return None
    no_role = (
        UserRole.ELECTRICITY_DISTRIBUTOR
        if meter_point.fuel is Fuel.ELECTRICITY
        else UserRole.GAS_TRANSPORTER
    )
    registered = check.state.registrations.registered_at(
        meter_point, no_role, check.evaluation_time
    )
    for der in (pair.digital_signing, pair.key_agreement):
        if der is None:
            continue
        owner = OrgCertificate.from_der(der).owner
        if owner not in registered:
            return Rejection(
                code,
                f"network operator certificate belongs to {owner}, not to the registered "
                f"{no_role.label} for {meter_point.kind} {meter_point}",
            )
    return None
