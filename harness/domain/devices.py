"""Devices in the Smart Metering Inventory."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from harness.domain.choices import parse_choice
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.errors import InvalidValue


class DeviceType(Enum):
    ESME = "ESME"
    GSME = "GSME"
    GPF = "GPF"
    CHF = "CHF"
    PPMID = "PPMID"
    IHD = "IHD"

    @classmethod
    def parse(cls, text: str) -> DeviceType:
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise InvalidValue(
                f"unknown device type {text!r}; known: {', '.join(t.value for t in cls)}"
            ) from None


class DeviceStatus(Enum):
    PENDING = "Pending"
    WHITELISTED = "Whitelisted"
    INSTALLED_NOT_COMMISSIONED = "InstalledNotCommissioned"
    COMMISSIONED = "Commissioned"
    SUSPENDED = "Suspended"
    DECOMMISSIONED = "Decommissioned"
    WITHDRAWN = "Withdrawn"

    @classmethod
    def parse(cls, text: str) -> DeviceStatus:
        return parse_choice(cls, text, "device status")


class Generation(Enum):
    SMETS1 = "SMETS1"
    SMETS2 = "SMETS2"

    @classmethod
    def parse(cls, text: str) -> Generation:
        try:
            return cls(text.strip().upper().replace("+", ""))
        except ValueError:
            raise InvalidValue(f"unknown SMETS generation {text!r}; use SMETS1 or SMETS2") from None


@dataclass(frozen=True)
class Device:
    """A row of the SMI: what the DSP knows of a device."""

    device_id: Eui64
    device_type: DeviceType
    generation: Generation
    status: DeviceStatus
    meter_point: MeterPoint | None
    dcc_controlled: bool = False
