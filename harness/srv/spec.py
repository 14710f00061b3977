"""What one Service Request body brings: its domain type, how a scenario builds it, how it
reads and writes as a DUIS element, what it does on the reference DSP, and how a fuzzer
draws one."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from lxml import etree

from harness.domain.certificates import OrgCertificate
from harness.domain.devices import Device
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.requests import CertificatePair, RequestBody
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Period
from harness.duis.tree import Node
from harness.reference.cells import Cell
from harness.reference.state import DspState

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec


class Scene(Protocol):
    """What a body builder may ask of the scenario (the World speaks this)."""

    def device(self, name: str) -> Device: ...

    def meter_point(self, text: str) -> MeterPoint: ...

    def remote_role_of(self, party: str) -> RemotePartyRole | None: ...

    def certificates(self, party: str, role: RemotePartyRole) -> CertificatePair: ...

    def certification_path(self) -> tuple[bytes, ...]: ...


@dataclass(frozen=True)
class BodyArgs:
    """What a step said about a body; a builder uses the fields its SRV needs."""

    device: str
    execution_time: datetime | None = None
    period: Period | None = None
    meter_point: str | None = None
    certificates_of: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str, default: str) -> str:
        """A value only this SRV's step says (e.g. the credential type of a 6.24.2)."""
        return dict(self.options).get(name, default)


class Samples(Protocol):
    """The identities and keys a fuzzer draws bodies from."""

    @property
    def users(self) -> Sequence[Eui64]: ...

    @property
    def devices(self) -> Sequence[Eui64]: ...

    @property
    def path(self) -> tuple[bytes, ...]: ...

    def pair(self, user: Eui64, role: RemotePartyRole) -> CertificatePair: ...

    def signing_key(self, user: Eui64) -> ec.EllipticCurvePrivateKey: ...


@dataclass(frozen=True)
class Effect:
    """What an accepted request does when it runs: certificates placed (a cell that
    receives them leaves DCC control), data returned."""

    updates: Mapping[Cell, OrgCertificate] = field(default_factory=dict)
    data: tuple[tuple[str, str], ...] = ()


class ResponseBodySpec(Protocol):
    """The DUIS response body of an SRV (its ``sr:Response`` payload). Specs leave
    ``response`` unset while responses carry codes and harness annotations only."""

    element: str


B = TypeVar("B", bound=RequestBody)

Builder = Callable[[Scene, BodyArgs], B]
Encoder = Callable[[B, etree._Element, Sequence[bytes]], etree._Element]
Decoder = Callable[[Node], B]
EffectOf = Callable[[B, Eui64, DspState], Effect]
Sampler = Callable[[random.Random, Samples], B]


SAMPLE_EPOCH = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def sample_time(rng: random.Random) -> datetime | None:
    """No execution time, or one within about three years of the sample epoch."""
    if rng.random() < 0.5:
        return None
    return SAMPLE_EPOCH + timedelta(seconds=rng.randint(-(10**8), 10**8))


def no_effect(body: Any, target: Eui64, state: DspState) -> Effect:
    """For bodies that carry no command of their own (a signed pre-command)."""
    return Effect()


@dataclass(frozen=True)
class BodySpec(Generic[B]):
    """One Service Request body. ``element`` is the DUIS body element (the
    ``body_element`` of its rows in ``service_requests.yaml``). ``build`` is ``None`` for a
    body no step builds on its own (the Command Variant 5 signed pre-command)."""

    element: str
    body_type: type[B]
    build: Builder[B] | None
    encode: Encoder[B]
    decode: Decoder[B]
    effect: EffectOf[B]
    sample: Sampler[B]
    response: ResponseBodySpec | None = None

    def _has(self, name: str) -> bool:
        fields: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(cast(Any, self.body_type))
        return any(f.name == name for f in fields)

    @property
    def timed(self) -> bool:
        """The body carries an ``execution_time`` (a future-dated request may set it)."""
        return self._has("execution_time")

    @property
    def ranged(self) -> bool:
        """The body carries a requested date range (``period``)."""
        return self._has("period")

    def without_execution_time(self, body: B) -> B:
        if not self.timed:
            return body
        changed: B = dataclasses.replace(cast(Any, body), execution_time=None)
        return changed

    def with_period(self, body: B, period: Period) -> B:
        if not self.ranged:
            raise TypeError(f"{self.body_type.__name__} has no requested date range")
        changed: B = dataclasses.replace(cast(Any, body), period=period)
        return changed
