"""The Adapter protocol every target implements, and the capabilities it declares."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from harness.adapters.provisioning import Provision
from harness.domain.certificates import CertificateId
from harness.domain.eui import Eui64
from harness.domain.requests import RequestId, Response, ServiceRequest
from harness.errors import InvalidValue
from harness.pki import Credential


@dataclass(frozen=True)
class Capabilities:
    """What a target can do besides answering Service Requests."""

    provision: bool = True
    move_clock: bool = True
    inspect: bool = True
    inject_faults: bool = False
    # A clock per scope (docs/test-control.md): scenarios at different instants at once.
    scoped_clock: bool = False
    # With scoped_clock: the S1SP fault armed in a scope meets only that scope's devices.
    scoped_fault: bool = False
    xml_envelope: bool = False
    # Says which requirement a rejection cites: only in process (DUIS has no element for it).
    cite_requirements: bool = False

    def missing(self, needed: set[str]) -> list[str]:
        return sorted(n for n in needed if not getattr(self, n, False))


class EnvelopeFault(Enum):
    """Faults in the DUIS envelope a scenario can ask for (targets reached over DUIS only)."""

    TAMPERED_SIGNATURE = "a tampered signature"
    UNKNOWN_SIGNER = "a certificate the DCC does not know"
    ANOTHER_USERS_KEY = "another User's key"
    # Schema-valid requests the DSP must refuse with a signed DUIS error (DUIS-request-content)
    OTHER_SCHEMA_VERSION = "the schema version 5.3"
    INVERTED_PERIOD = "an inverted read log period"
    MIDNIGHT_AS_24 = "its midnight written as 24:00"  # the previous day's T24:00:00Z


def envelope_fault(text: str) -> EnvelopeFault:
    for fault in EnvelopeFault:
        if text.strip().lower() == fault.value.lower():
            return fault
    known = "; ".join(f.value for f in EnvelopeFault)
    raise InvalidValue(f"unknown envelope fault {text!r}; known: {known}")


@dataclass(frozen=True)
class HeldCertificates:
    """What a target reports it holds for a device, per cell (``Role/usage``)."""

    dsp: dict[str, CertificateId]
    s1sp: dict[str, CertificateId] | None


class Adapter(Protocol):
    name: str
    capabilities: Capabilities

    @property
    def last_raw(self) -> tuple[bytes, bytes] | None:
        """The last DUIS request and response as sent and received (None in process)."""
        ...

    def provision(self, command: Provision) -> None: ...

    def enrol_signer(self, user_id: Eui64, credential: Credential) -> None:
        """The XML-signing credential to sign this User's DUIS messages with."""
        ...

    def enrol_command_signer(self, user_id: Eui64, credential: Credential) -> None:
        """The digital-signing credential this User signs pre-commands with (only a
        differential run needs it, to re-sign the reference's own pre-command)."""
        ...

    def submit(self, request: ServiceRequest, fault: EnvelopeFault | None = None) -> Response: ...

    def collect(self, request_id: RequestId) -> list[Response]:
        """Asynchronous responses delivered so far for ``request_id``."""
        ...

    def held_certificates(self, device_id: Eui64) -> HeldCertificates: ...

    def close(self) -> None: ...
