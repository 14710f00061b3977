"""Stage 3 of DOMAIN §6: the target device in the Smart Metering Inventory."""

from __future__ import annotations

from harness.domain.devices import DeviceStatus
from harness.reference.context import Check, Rejection
from harness.reference.rules import rule

# Statuses in which a device accepts the Service Requests in scope [model].
SERVICEABLE = frozenset({DeviceStatus.COMMISSIONED, DeviceStatus.INSTALLED_NOT_COMMISSIONED})


def _device_request(check: Check) -> bool:
    variant = check.variant
    return variant is not None and not variant.non_device


@rule("DUIS-E19")
def device_known(check: Check) -> Rejection | None:
    if _device_request(check) and check.device is None:
        return Rejection("E19", f"device {check.request.target} is not in the SMI")
    return None


@rule("DUIS-E11")
def device_type(check: Check) -> Rejection | None:
    device, variant = check.device, check.variant
    if (
        _device_request(check)
        and device is not None
        and variant is not None
        and device.device_type not in variant.device_types
    ):
        return Rejection(
            "E11",
            f"SRV {variant.srv} is not valid for a {device.device_type.value}",
        )
    return None


@rule("DUIS-E5")
def device_status(check: Check) -> Rejection | None:
    device = check.device
    if _device_request(check) and device is not None and device.status not in SERVICEABLE:
        return Rejection("E5", f"device {device.device_id} is {device.status.value}")
    return None
