"""Provider states: what a harness asks a target to set up before a scenario acts.

Each command is a frozen value with a JSON form, so the same commands drive the
in-process reference and, through the test-control API, a DSP served over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harness.domain.devices import Device
from harness.domain.parties import User
from harness.domain.registration import Registration


@dataclass(frozen=True)
class AddUser:
    user: User


@dataclass(frozen=True)
class PublishCertificate:
    """Lodge an organisation or XML-signing certificate (DER) in the SMKI repository."""

    der: bytes


@dataclass(frozen=True)
class AddDevice:
    device: Device


@dataclass(frozen=True)
class Register:
    registration: Registration
    replacing: bool = False  # the party's registrations in this role for the point are replaced


@dataclass(frozen=True)
class PlaceCertificates:
    """Put certificates on a device as they stand before the scenario: SMETS2 trust anchor
    cells, or SMETS1 notified certificates (DSP and S1SP copies alike)."""

    device_id: object
    remote_party_role: str
    digital_signing: bytes | None
    key_agreement: bytes | None


@dataclass(frozen=True)
class SetTime:
    moment: datetime


@dataclass(frozen=True)
class InjectS1spFault:
    """Make the S1SP fail part-way through its next certificate update."""

    after_entries: int = 1


@dataclass(frozen=True)
class CutOffDevice:
    """The DSP cannot reach ``device_id`` during ``start``..``end`` (a WAN outage; no end:
    until further notice)."""

    device_id: object
    start: datetime
    end: datetime | None


Provision = (
    AddUser
    | PublishCertificate
    | AddDevice
    | Register
    | PlaceCertificates
    | SetTime
    | InjectS1spFault
    | CutOffDevice
)
