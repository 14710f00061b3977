"""The Adapter protocol every target implements, and the capabilities it declares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from harness.adapters.provisioning import Provision
from harness.domain.certificates import CertificateId
from harness.domain.eui import Eui64
from harness.domain.requests import RequestId, Response, ServiceRequest
from harness.pki import Credential


@dataclass(frozen=True)
class Capabilities:
    """What a target can do besides answering Service Requests."""

    provision: bool = True
    move_clock: bool = True
    inspect: bool = True
    inject_faults: bool = False

    def missing(self, needed: set[str]) -> list[str]:
        return sorted(n for n in needed if not getattr(self, n, False))


@dataclass(frozen=True)
class HeldCertificates:
    """What a target reports it holds for a device, per cell (``Role/usage``)."""

    dsp: dict[str, CertificateId]
    s1sp: dict[str, CertificateId] | None


class Adapter(Protocol):
    name: str
    capabilities: Capabilities

    def provision(self, command: Provision) -> None: ...

    def enrol_signer(self, user_id: Eui64, credential: Credential) -> None:
        """The XML-signing credential to sign this User's DUIS messages with."""
        ...

    def submit(self, request: ServiceRequest) -> Response: ...

    def collect(self, request_id: RequestId) -> list[Response]:
        """Asynchronous responses delivered so far for ``request_id``."""
        ...

    def held_certificates(self, device_id: Eui64) -> HeldCertificates: ...

    def close(self) -> None: ...
