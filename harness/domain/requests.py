"""Service Requests and responses, independent of how they travel (in-process or DUIS/HTTP)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Period
from harness.errors import InvalidValue

MAX_COUNTER = (1 << 64) - 1
_REQUEST_ID = re.compile(r"^([0-9A-Fa-f-]{23}):([0-9A-Fa-f-]{23}):([0-9]{1,20})$")


@dataclass(frozen=True, order=True)
class RequestId:
    """``originatorUserID:targetDeviceID:counter``."""

    originator: Eui64
    target: Eui64
    counter: int

    def __post_init__(self) -> None:
        if not 0 <= self.counter <= MAX_COUNTER:
            raise InvalidValue(f"RequestID counter {self.counter} outside 0..2^64-1")

    @classmethod
    def parse(cls, text: str) -> RequestId:
        match = _REQUEST_ID.match(text.strip())
        if not match:
            raise InvalidValue(
                f"not a RequestID: {text!r} (expected originator:target:counter, "
                "e.g. 90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200)"
            )
        return cls(Eui64.parse(match[1]), Eui64.parse(match[2]), int(match[3]))

    def response_id(self) -> str:
        """A response's ID swaps originator and target."""
        return f"{self.target}:{self.originator}:{self.counter}"

    def __str__(self) -> str:
        return f"{self.originator}:{self.target}:{self.counter}"


class Endpoint(Enum):
    """The DUIS web services (DCC Boxed paths)."""

    TRANSFORM = "/api/v1/serviceT"
    SEND_COMMAND = "/api/v1/serviceS"
    NON_DEVICE = "/api/v1/serviceD"


# Which endpoint each Command Variant belongs on.
ENDPOINT_FOR_VARIANT: dict[int, Endpoint] = {
    1: Endpoint.SEND_COMMAND,
    2: Endpoint.SEND_COMMAND,
    3: Endpoint.SEND_COMMAND,
    4: Endpoint.TRANSFORM,
    5: Endpoint.SEND_COMMAND,
    6: Endpoint.SEND_COMMAND,
    7: Endpoint.SEND_COMMAND,
    8: Endpoint.NON_DEVICE,
}


class RequestBody:
    """The base of every Service Request body; ``harness/srv`` holds one spec per body type."""

    __slots__ = ()


@dataclass(frozen=True)
class CertificatePair:
    """Replacement organisation certificates (DER) for one remote party."""

    digital_signing: bytes | None = None
    key_agreement: bytes | None = None


@dataclass(frozen=True)
class UpdateSecurityCredentialsKRP(RequestBody):
    """SRV 6.15.1: replace a remote party's certificates on a device (critical)."""

    remote_party_role: RemotePartyRole
    replacement: CertificatePair
    certification_path: tuple[bytes, ...] = ()
    execution_time: datetime | None = None
    apply_time_based_cpv_checks: bool = True


@dataclass(frozen=True)
class RequestHandover(RequestBody):
    """SRV 6.21: hand a DCC-controlled device over to real certificates."""

    supplier: CertificatePair | None = None
    network_operator: CertificatePair | None = None
    execution_time: datetime | None = None
    certification_path: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class UpdateSecurityCredentialsCoS(RequestBody):
    """SRV 6.23: change of supplier; the DCC signs as transitional CoS."""

    meter_point: MeterPoint
    replacement: CertificatePair
    execution_time: datetime | None = None
    certification_path: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class RetrieveDeviceSecurityCredentials(RequestBody):
    """SRV 6.24.1: read the certificate IDs a device holds."""


@dataclass(frozen=True)
class ReadInstantaneousImportRegisters(RequestBody):
    """SRV 4.1.1."""

    execution_time: datetime | None = None


@dataclass(frozen=True)
class ReadProfileData(RequestBody):
    """SRV 4.8.1: has a requested date range (``ReadLogPeriod``)."""

    period: Period
    execution_time: datetime | None = None


@dataclass(frozen=True)
class ReadInventory(RequestBody):
    """SRV 8.2 (non-device): by Device ID or by meter point."""

    device_id: Eui64 | None = None
    meter_point: MeterPoint | None = None


@dataclass(frozen=True)
class SignedPreCommand(RequestBody):
    """Command Variant 5: the User's signature over the pre-command the DSP returned."""

    pre_command: bytes
    signature: bytes


@dataclass(frozen=True)
class ServiceRequest:
    request_id: RequestId
    srv: str
    command_variant: int
    body: RequestBody
    endpoint: Endpoint | None = None

    @property
    def sender(self) -> Eui64:
        return self.request_id.originator

    @property
    def target(self) -> Eui64:
        return self.request_id.target

    @property
    def service_reference(self) -> str:
        parts = self.srv.split(".")
        return ".".join(parts[:2])

    @property
    def execution_time(self) -> datetime | None:
        return getattr(self.body, "execution_time", None)

    @property
    def requested_period(self) -> Period | None:
        period = getattr(self.body, "period", None)
        return period if isinstance(period, Period) else None

    def routed_endpoint(self) -> Endpoint | None:
        """The endpoint it arrived on; in-process requests go where their variant belongs."""
        return self.endpoint or ENDPOINT_FOR_VARIANT.get(self.command_variant)


# The SRVs whose future-dated execution outcome comes later as a device alert (MMC 5.4
# UpdateSecurityCredentialsDeviceAlertType: "returned by device alert triggered by execution
# of Service Request 6.15.1 or 6.23"); the device (or the S1SP) accepts them at once.
ALERTED_WHEN_FUTURE_DATED = frozenset({"6.15.1", "6.23"})

# The execution time that cancels a pending future-dated command [fact]: every DCC
# cancellation template (e.g. CS02bSupplierBySupplier_6.15.1_CANCELLATION) sends the command
# again with ExecutionDateTime 3000-12-31T00:00:00.00Z. It replaces the sender's pending
# command of the same SRV on the device, and is itself never run.
CANCELLATION_TIME = datetime(3000, 12, 31, tzinfo=UTC)


class Outcome(Enum):
    """What finally happened to a request, beyond its response code."""

    REJECTED = "rejected"
    ACKNOWLEDGED = "acknowledged"
    TRANSFORMED = "transformed"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    # The device answered, but how it ended travels only inside a GBCS payload, which the
    # harness does not parse: no verdict may read it as completed (or as refused).
    IN_GBCS = "in GBCS payload"


@dataclass(frozen=True)
class Response:
    """One DUIS response (synchronous, acknowledgement or final)."""

    request_id: RequestId
    code: str
    outcome: Outcome
    answered_by: str = "DSP"
    requirement: str | None = None
    detail: str = ""
    pre_command: bytes | None = None
    data: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.outcome is Outcome.REJECTED
