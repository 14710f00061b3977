"""The values a scenario's World keeps: its parties, each Service Request it sent with the
responses it drew, and how a pre-command is signed; the names testers give web services."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.domain.certificates import CertificateId, KeyUsage, OrgCertificate
from harness.domain.parties import User
from harness.domain.requests import Endpoint, RequestId, Response, ServiceRequest
from harness.errors import InvalidValue
from harness.expectations import Observed, observe
from harness.pki import Credential


@dataclass(frozen=True)
class Party:
    name: str
    user: User
    credentials: dict[KeyUsage, Credential]
    xml_signing: Credential


@dataclass(frozen=True)
class PreCommandStep:
    """What happens between the DSP's transform (CV 4) and the signed pre-command (CV 5)."""

    suspend_sender: bool = False  # the sender is suspended before it signs
    endpoint: str | None = None  # the web service the CV 5 is sent on (default: its own)
    sign_at: str | None = None  # the time reaches this before the CV 5 is signed and sent


@dataclass
class Attempt:
    """One Service Request as the harness sent it, with every response it drew."""

    label: str
    request_id: RequestId
    exchanges: list[tuple[ServiceRequest, Response]] = field(default_factory=list)
    asynchronous: list[Response] = field(default_factory=list)

    def responses(self) -> list[Response]:
        return [r for _, r in self.exchanges] + self.asynchronous

    def observed(self) -> Observed:
        return observe(self.responses())


def cert_id(der: bytes) -> CertificateId:
    return OrgCertificate.from_der(der).id


def endpoint_named(text: str) -> Endpoint:
    squashed = text.strip().lower()
    for endpoint in Endpoint:
        if squashed in (endpoint.name.lower().replace("_", " "), endpoint.value.lower()):
            return endpoint
    names = ", ".join(e.name.lower().replace("_", " ") for e in Endpoint)
    raise InvalidValue(f"unknown web service {text!r}; known: {names}")
