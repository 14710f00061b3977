"""The lint's second pass: what a scenario's steps say about its world, read in order, and
the mistakes that can be known without a DSP. Parties and devices must be declared before
they are named; a registration's role must fit its meter point's kind, and one role holds one
party at a time; a device type serves one kind of meter point; the clock never goes back; a
Service Request asks for a date range exactly when its body has one.

Every step is read through its parameters' declared types (``harness/parameters.py``), so a
new phrase is checked as soon as its fields are typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from harness.domain.devices import DeviceType
from harness.domain.meterpoint import Fuel, MeterPoint
from harness.domain.roles import REGISTERED_ROLE_FOR_FUEL, UserRole
from harness.domain.timeline import parse_instant
from harness.errors import HarnessError
from harness.parameters import DCC_HOLDER, NOBODY, PARAMETER_TYPES, ParameterType, split_span

NEW_USER = PARAMETER_TYPES["NewUser"]
PARTY = PARAMETER_TYPES["Party"]
REGISTRANT = PARAMETER_TYPES["Registrant"]
NEW_DEVICE = PARAMETER_TYPES["NewDevice"]
DEVICE = PARAMETER_TYPES["Device"]
CLOCK = PARAMETER_TYPES["Clock"]
ROLE = PARAMETER_TYPES["Role"]
DEVICE_TYPE = PARAMETER_TYPES["DeviceType"]
METER_POINT = PARAMETER_TYPES["MeterPoint"]
WHEN = PARAMETER_TYPES["When"]
INTERVAL = PARAMETER_TYPES["Interval"]
PERIOD = PARAMETER_TYPES["Period"]
BACK_TO_FRONT = PARAMETER_TYPES["BackToFrontPeriod"]
SRV = PARAMETER_TYPES["Srv"]
REGISTRATION_END = PARAMETER_TYPES["RegistrationEnd"]

T = TypeVar("T")

# The kind of meter point each device type serves (None: either, through its hub).
FUEL_OF_DEVICE: dict[DeviceType, Fuel | None] = {
    DeviceType.ESME: Fuel.ELECTRICITY,
    DeviceType.GSME: Fuel.GAS,
    DeviceType.GPF: Fuel.GAS,
}


@dataclass(frozen=True)
class Typed:
    """One step as the model reads it: its arguments grouped by declared type, its table."""

    line: int
    values: Mapping[ParameterType, tuple[str, ...]]
    rows: Sequence[Mapping[str, str]] = ()
    new_users: str | None = None  # the table column declaring Users
    parties: str | None = None  # the table column naming declared Users
    registrations: bool = False  # the table rows are registrations

    def one(self, kind: ParameterType) -> str | None:
        found = self.values.get(kind, ())
        return found[0] if found else None


@dataclass
class _Registration:
    party: str
    role: UserRole
    start: datetime | None
    end: datetime | None
    line: int

    def overlaps(self, other: _Registration) -> bool:
        starts_before_end = other.end is None or self.start is None or self.start < other.end
        ends_after_start = self.end is None or other.start is None or other.start < self.end
        return starts_before_end and ends_after_start


def _shown(moment: datetime | None) -> str:
    return "the beginning" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


@dataclass
class _Model:
    path: str
    problems: list[tuple[int, str]] = field(default_factory=list)
    parties: dict[str, UserRole | None] = field(default_factory=dict)
    devices: dict[str, DeviceType | None] = field(default_factory=dict)
    registrations: dict[MeterPoint, list[_Registration]] = field(default_factory=dict)
    now: datetime | None = None
    now_line: int = 0

    def say(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def declare_party(self, name: str, role: str | None) -> None:
        try:
            self.parties[name] = UserRole.parse(role) if role else None
        except HarnessError:
            self.parties[name] = None  # the role's own check reports it

    def party(self, line: int, name: str) -> None:
        if name not in self.parties:
            known = ", ".join(self.parties) or "none yet"
            self.say(
                line, f"no party called {name!r} is declared before this step (known: {known})"
            )

    def device(self, line: int, name: str) -> None:
        if name not in self.devices:
            known = ", ".join(self.devices) or "none yet"
            self.say(
                line, f"no device called {name!r} is declared before this step (known: {known})"
            )

    def declare_device(self, step: Typed, name: str) -> None:
        kind = step.one(DEVICE_TYPE)
        device_type = _parsed(DeviceType.parse, kind)
        self.devices[name] = device_type
        point = _parsed(MeterPoint.written, step.one(METER_POINT))
        if device_type is None or point is None:
            return
        fuel = FUEL_OF_DEVICE.get(device_type)
        if fuel is not None and fuel is not point.fuel:
            want = "MPAN" if fuel is Fuel.ELECTRICITY else "MPRN"
            self.say(
                step.line,
                f"{device_type.value} {name!r} cannot serve {point.kind} {point.number}: "
                f"a {device_type.value} serves an {want}",
            )

    def clock(self, line: int, text: str) -> None:
        moment = _parsed(parse_instant, text)
        if moment is None:
            return
        if self.now is not None and moment < self.now:
            self.say(
                line,
                f"the time goes back to {_shown(moment)} from {_shown(self.now)} "
                f"(set at line {self.now_line}); a scenario's clock only moves forward",
            )
        self.now, self.now_line = moment, line

    def register(
        self, line: int, name: str, point_text: str, start: str | None, end: str | None
    ) -> None:
        self.party(line, name)
        role = self.parties.get(name)
        point = _parsed(MeterPoint.written, point_text)
        if role is None or point is None:
            return
        if (role, point.fuel) not in REGISTERED_ROLE_FOR_FUEL:
            can = sorted(r.value for r, f in REGISTERED_ROLE_FOR_FUEL if f is point.fuel)
            self.say(
                line,
                f"{name} ({role.value}, {role.label}) cannot be registered for "
                f"{point.kind} {point.number}: an {point.kind} is registered to "
                f"{', '.join(can)}",
            )
            return
        begin = _parsed(parse_instant, start) if start else None
        until = _parsed(parse_instant, end) if end else None
        new = _Registration(name, role, begin, until, line)
        held = self.registrations.setdefault(point, [])
        for other in held:
            if other.role is new.role and other.overlaps(new):
                self.say(
                    line,
                    f"{name} and {other.party} (line {other.line}) are both registered as "
                    f"{role.value} for {point.kind} {point.number} from "
                    f"{_shown(_later(new.start, other.start))}; one party "
                    "holds a role at a time (end the first registration where the next begins)",
                )
                return
        held.append(new)

    def end(self, line: int, name: str, point_text: str, end_text: str) -> None:
        point = _parsed(MeterPoint.written, point_text)
        end = _parsed(parse_instant, end_text)
        if point is None or end is None:
            return
        held = [r for r in self.registrations.get(point, []) if r.party == name]
        if not held:
            self.say(
                line, f"{name} is not registered for {point.kind} {point.number} before this step"
            )
            return
        last = held[-1]
        if last.start is not None and end <= last.start:
            self.say(line, f"{name}'s registration for {point.kind} {point.number} starts at "
                     f"{_shown(last.start)}; it cannot end at {_shown(end)}")  # fmt: skip
            return
        last.end = end

    def request(self, step: Typed) -> None:
        srv = step.one(SRV)
        if srv is None:
            return
        ranged = _ranged(srv)
        if ranged is None:
            return
        asked = step.one(PERIOD) is not None or step.one(BACK_TO_FRONT) is not None
        if asked and not ranged:
            self.say(
                step.line,
                f"SRV {srv} has no requested date range; drop the period (it would be ignored)",
            )
        if ranged and not asked:
            self.say(
                step.line,
                f"SRV {srv} needs a requested date range: write "
                f'... sends SRV {srv} to "<device>" for the period <start> to <end>',
            )


def _later(one: datetime | None, other: datetime | None) -> datetime | None:
    if one is None or other is None:
        return one or other
    return max(one, other)


def _parsed(parser: Callable[[str], T], text: str | None) -> T | None:
    """The value, or None when there is none or the text's own check reports it."""
    if text is None:
        return None
    try:
        return parser(text)
    except HarnessError:
        return None


def _ranged(srv: str) -> bool | None:
    from harness.srv.registry import for_srv

    try:
        return for_srv(srv).ranged
    except (HarnessError, KeyError, LookupError):
        return None


def read_world(path: str, steps: Sequence[Typed]) -> list[tuple[int, str]]:
    """The problems, as (line, message), in step order."""
    model = _Model(path)
    for step in steps:
        values = step.values
        roles = values.get(ROLE, ())
        for at, name in enumerate(values.get(NEW_USER, ())):
            model.declare_party(name, roles[at] if at < len(roles) else None)
        if step.new_users:
            for row in step.rows:
                model.declare_party(row.get(step.new_users, ""), row.get("role"))
        for name in values.get(NEW_DEVICE, ()):
            model.declare_device(step, name)
        for name in values.get(DEVICE, ()):
            model.device(step.line, name)
        for name in values.get(PARTY, ()):
            model.party(step.line, name)
        for text in values.get(CLOCK, ()):
            model.clock(step.line, text)
        model.request(step)
        ends = step.one(REGISTRATION_END)
        if ends is not None and step.one(PARTY) and step.one(METER_POINT):
            model.end(step.line, str(step.one(PARTY)), str(step.one(METER_POINT)), ends)
        point = step.one(METER_POINT)
        registrant = step.one(REGISTRANT)
        if registrant is not None and point is not None:
            interval = step.one(INTERVAL)
            start, end = split_span(interval, "until") if interval else (step.one(WHEN), None)
            model.register(step.line, registrant, point, start, end)
        if step.registrations and point is not None:
            for row in step.rows:
                model.register(
                    step.line,
                    row.get("party", ""),
                    point,
                    row.get("from") or None,
                    row.get("until") or None,
                )
        elif step.parties:
            for row in step.rows:
                name = " ".join(row.get(step.parties, "").split())
                if name not in (NOBODY, DCC_HOLDER):
                    model.party(step.line, name)
    return model.problems
