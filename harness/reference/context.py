"""What a rule sees (a Check) and what a failing rule returns (a Rejection)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from harness.catalogue.tables import ServiceRequestVariant, response_code, service_requests
from harness.domain.devices import Device
from harness.domain.parties import User
from harness.domain.requests import ServiceRequest
from harness.reference.state import DspState

if TYPE_CHECKING:
    from harness.reference.profiles import Profile


@dataclass(frozen=True)
class Rejection:
    """A failed rule: the DUIS response code and the requirement ID of the rule."""

    code: str
    requirement: str
    detail: str
    answered_by: str = "DSP"

    def __post_init__(self) -> None:
        response_code(self.code)  # every code must be in the one table


@dataclass(frozen=True)
class Check:
    request: ServiceRequest
    state: DspState
    now: datetime
    profile: Profile

    @property
    def variant(self) -> ServiceRequestVariant | None:
        return service_requests().get(self.request.srv)

    @property
    def user(self) -> User | None:
        return self.state.users.get(self.request.sender)

    @property
    def device(self) -> Device | None:
        return self.state.smi.get(self.request.target)

    @property
    def evaluation_time(self) -> datetime:
        """The execution time when one is given, otherwise the time of the check."""
        return self.request.execution_time or self.now


Rule = Callable[[Check], Rejection | None]
Policy = Callable[[Check], bool]
