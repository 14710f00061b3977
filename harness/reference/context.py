"""What a rule sees (a Check) and what a failing rule returns (a Rejection)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from enum import Enum

from harness.catalogue.tables import ServiceRequestVariant, response_code, service_requests
from harness.domain.devices import Device
from harness.domain.parties import User
from harness.domain.requests import CANCELLATION_TIME, ServiceRequest
from harness.reference.state import DspState


@dataclass(frozen=True)
class Rejection:
    """A failed check: the DUIS response code, why, and the requirement ID it enforces.

    A rule of the rule table leaves ``requirement`` out: the engine stamps the ID the rule is
    registered under (``Profile.run``). A rule may refine it to one of the limbs it declared
    (``SRPD-6.1f`` → ``SRPD-6.1f-ii``); checks outside the table name theirs."""

    code: str
    detail: str
    _: KW_ONLY
    requirement: str | None = None
    answered_by: str = "DSP"

    def __post_init__(self) -> None:
        response_code(self.code)  # every code must be in the one table


class PastExecution(Enum):
    """What the DSP makes of an execution time already past when a request arrives (a
    profile parameter: DUIS 5.4 types ExecutionDateTime as a bare xs:dateTime and no public
    text says; see docs/rules.md, ``SRPD-6.1f-past-execution``)."""

    NOW = "now"  # the request is judged and run at the time of the check
    AS_GIVEN = "as-given"  # judged at the time given, run at once


@dataclass(frozen=True)
class Check:
    request: ServiceRequest
    state: DspState
    now: datetime
    past_execution: PastExecution = PastExecution.NOW
    recognise_cancellation: bool = True  # off only in a mutant DSP

    @property
    def cancels(self) -> bool:
        """Is the request a cancellation of a pending future-dated command?"""
        return self.recognise_cancellation and self.request.execution_time == CANCELLATION_TIME

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
        """The execution time when one is given, otherwise the time of the check; an
        execution time already past is the time of the check unless the profile says
        ``as-given``."""
        execution = self.request.execution_time
        if execution is None or self.cancels:
            return self.now
        if execution < self.now and self.past_execution is PastExecution.NOW:
            return self.now
        return execution


Rule = Callable[[Check], Rejection | None]
Policy = Callable[[Check], bool]
