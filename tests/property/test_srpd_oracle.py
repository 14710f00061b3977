"""SRPD 6.1(f) against a brute-force oracle.

Random registration histories (several parties, several intervals each, open starts and
ends, touching boundaries, registrations in the future) over a 24-hour window starting at
T0. Every interval boundary lies on a whole hour. Requested ranges, execution times and
"now" lie on a half-hour grid reaching two hours either side of the window.

The oracle knows nothing of ``Interval`` or ``covers_period``: it expands each party's
history into the set of half-hour slots it covers and answers by checking every slot.
That is exact, because with all boundaries on the grid the answer is the same for every
instant of a slot [k/2 h, (k+1)/2 h).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import event, given, note
from hypothesis import strategies as st

from harness.domain.clock import ManualClock
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import make_mpan
from harness.domain.parties import User
from harness.domain.registration import Registration, RegistrationData
from harness.domain.requests import (
    Outcome,
    ReadInstantaneousImportRegisters,
    ReadProfileData,
    RequestId,
    ServiceRequest,
)
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval, Period, covers_period
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import resolve

T0 = datetime(2026, 3, 1, tzinfo=UTC)
HOURS = 24  # interval boundaries are whole hours 0..HOURS
LOW, HIGH = -4, 2 * HOURS + 4  # half-hour slots the queries may use (inclusive)
PARTIES = 3
MPAN = make_mpan("120000000001")
OTHER_MPAN = make_mpan("190000000042")
ED = UserRole.ELECTRICITY_DISTRIBUTOR
DEVICE = Eui64(0x00DB1234567890A0)


def slot(k: int) -> datetime:
    """The instant at half-hour slot ``k``."""
    return T0 + timedelta(minutes=30 * k)


def party_id(index: int) -> Eui64:
    return Eui64(0x90B3D51F30020000 + index)


# -- histories --------------------------------------------------------------------------
Bounds = tuple[int | None, int | None]  # whole hours; None = open


@st.composite
def free_interval(draw: st.DrawFn) -> Bounds:
    start, end = sorted(draw(st.lists(st.integers(0, HOURS), min_size=2, max_size=2, unique=True)))
    open_start, open_end = draw(st.integers(0, 3)) == 0, draw(st.integers(0, 3)) == 0
    return (None if open_start else start, None if open_end else end)


@st.composite
def chain(draw: st.DrawFn) -> list[Bounds]:
    """Touching intervals [b0,b1), [b1,b2), … with some dropped, ends maybe open."""
    cuts = sorted(draw(st.sets(st.integers(0, HOURS), min_size=2, max_size=6)))
    pieces: list[Bounds] = list(itertools.pairwise(cuts))
    keep = draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)))
    kept = [p for p, k in zip(pieces, keep, strict=True) if k] or pieces[:1]
    if draw(st.booleans()):
        kept[0] = (None, kept[0][1])
    if draw(st.booleans()):
        kept[-1] = (kept[-1][0], None)
    return kept


history: st.SearchStrategy[list[Bounds]] = st.one_of(
    st.lists(free_interval(), min_size=1, max_size=4),
    chain(),
    st.just([]),
)


@dataclass(frozen=True)
class World:
    histories: tuple[list[Bounds], ...]  # per party, role ED on MPAN
    noise: tuple[tuple[int, Bounds, str], ...]  # (party, bounds, kind): never relevant

    def intervals(self, party: int) -> list[Interval]:
        return [_interval(b) for b in self.histories[party]]

    def data(self) -> RegistrationData:
        data = RegistrationData()
        for party, bounds in enumerate(self.histories):
            for b in bounds:
                data.add(Registration(MPAN, ED, party_id(party), _interval(b)))
        for party, b, kind in self.noise:
            meter_point, role = (
                (OTHER_MPAN, ED) if kind == "mpan" else (MPAN, UserRole.GAS_TRANSPORTER)
            )
            data.add(Registration(meter_point, role, party_id(party), _interval(b)))
        return data

    def marks(self, party: int) -> list[int]:
        """The party's finite interval boundaries, as half-hour slots."""
        return sorted({2 * b for pair in self.histories[party] for b in pair if b is not None})


def _interval(bounds: Bounds) -> Interval:
    start, end = bounds
    return Interval(
        None if start is None else slot(2 * start), None if end is None else slot(2 * end)
    )


worlds = st.builds(
    World,
    st.tuples(*[history] * PARTIES),
    st.lists(
        st.tuples(st.integers(0, PARTIES - 1), free_interval(), st.sampled_from(["mpan", "role"])),
        max_size=3,
    ).map(tuple),
)
slots = st.integers(LOW, HIGH)
parties = st.integers(0, PARTIES - 1)


def instants(world: World, party: int) -> st.SearchStrategy[int]:
    """A slot anywhere, or (half the time) on or next to one of the party's interval
    boundaries, where off-by-one errors live."""
    marks = world.marks(party)
    if not marks:
        return slots
    near = st.tuples(st.sampled_from(marks), st.sampled_from([-1, 0, 0, 1])).map(
        lambda pair: min(max(pair[0] + pair[1], LOW), HIGH)
    )
    return st.one_of(slots, near)


def spans(world: World, party: int) -> st.SearchStrategy[tuple[int, int]]:
    points = instants(world, party)
    return st.tuples(points, points).map(lambda pair: (min(pair), max(pair)))


# -- the oracle -------------------------------------------------------------------------
def covered_slots(bounds: list[Bounds]) -> set[int]:
    """Every half-hour slot in [LOW, HIGH] that some interval covers, by enumeration."""
    covered: set[int] = set()
    for start, end in bounds:
        first = LOW if start is None else 2 * start
        last = HIGH if end is None else 2 * end - 1
        covered.update(range(max(first, LOW), min(last, HIGH) + 1))
    return covered


def oracle_throughout(bounds: list[Bounds], first: int, last: int) -> bool:
    covered = covered_slots(bounds)
    return all(k in covered for k in range(first, last + 1))


def oracle_at(bounds: list[Bounds], k: int) -> bool:
    return k in covered_slots(bounds)


# -- properties of the timeline and Registration Data -------------------------------------
@given(world=worlds, party=parties, data=st.data())
def test_covers_period_agrees_with_the_oracle(
    world: World, party: int, data: st.DataObject
) -> None:
    first, last = data.draw(spans(world, party), label="span")
    expected = oracle_throughout(world.histories[party], first, last)
    period = Period(slot(first), slot(last))
    assert covers_period(world.intervals(party), period) is expected
    assert world.data().is_registered_throughout(MPAN, ED, party_id(party), period) is expected


@given(world=worlds, party=parties, data=st.data())
def test_is_registered_at_agrees_with_the_oracle(
    world: World, party: int, data: st.DataObject
) -> None:
    """Any instant inside a slot (its start, or any second of it) has the slot's answer."""
    k = data.draw(instants(world, party), label="slot")
    offset = data.draw(st.one_of(st.just(0), st.integers(0, 30 * 60 - 1)), label="seconds")
    moment = slot(k) + timedelta(seconds=offset)
    expected = oracle_at(world.histories[party], k)
    registrations = world.data()
    assert registrations.is_registered_at(MPAN, ED, party_id(party), moment) is expected
    assert registrations.registered_at(MPAN, ED, moment) == {
        party_id(p) for p in range(PARTIES) if oracle_at(world.histories[p], k)
    }


@given(world=worlds, party=parties, data=st.data())
def test_a_range_is_covered_iff_each_of_its_instants_is(
    world: World, party: int, data: st.DataObject
) -> None:
    """Metamorphic, no oracle: [a, b] is covered iff every one-instant period in it is."""
    first, last = data.draw(spans(world, party), label="span")
    intervals = world.intervals(party)
    pointwise = all(
        covers_period(intervals, Period(slot(k), slot(k))) for k in range(first, last + 1)
    )
    assert covers_period(intervals, Period(slot(first), slot(last))) is pointwise


# -- the DSP's E4 decision, end to end ----------------------------------------------------
def _dsp(world: World, now: int) -> ReferenceDsp:
    dsp = ReferenceDsp(resolve("baseline"), ManualClock(slot(now)))
    for p in range(PARTIES):
        dsp.state.add_user(User(party_id(p), ED, f"NO-{p}"))
    dsp.state.add_device(
        Device(DEVICE, DeviceType.ESME, Generation.SMETS2, DeviceStatus.COMMISSIONED, MPAN)
    )
    dsp.state.registrations = world.data()
    return dsp


@given(
    world=worlds,
    party=parties,
    kind=st.sampled_from(["range", "range+execution", "execution", "now"]),
    data=st.data(),
)
def test_dsp_e4_decision_agrees_with_the_oracle(
    world: World, party: int, kind: str, data: st.DataObject
) -> None:
    now = data.draw(instants(world, party), label="now")
    span = data.draw(spans(world, party), label="span") if kind.startswith("range") else None
    execution = (
        data.draw(instants(world, party), label="execution") if "execution" in kind else None
    )
    bounds = world.histories[party]
    if span is not None:
        first, last = span
        body: ReadProfileData | ReadInstantaneousImportRegisters = ReadProfileData(
            Period(slot(first), slot(last)),
            None if execution is None else slot(execution),
        )
        srv, eligible, limb = "4.8.1", oracle_throughout(bounds, first, last), "SRPD-6.1f-i"
    elif execution is not None:
        body = ReadInstantaneousImportRegisters(slot(execution))
        # An execution time already past is judged at the time of the check (the profile
        # parameter past_execution, ``now`` on every profile: SRPD-6.1f-past-execution).
        judged = max(execution, now)
        srv, eligible, limb = "4.1.1", oracle_at(bounds, judged), "SRPD-6.1f-ii"
    else:
        body = ReadInstantaneousImportRegisters()
        srv, eligible, limb = "4.1.1", oracle_at(bounds, now), "SRPD-6.1f-iii"
    note(f"party {party} history {bounds}, now slot {now}, {kind} {span} {execution}")
    event(f"{kind}: {'eligible' if eligible else 'E4'}")
    dsp = _dsp(world, now)
    request = ServiceRequest(RequestId(party_id(party), DEVICE, 1), srv, 1, body)
    response = dsp.submit(request)
    if eligible:
        assert (response.code, response.outcome) == ("I99", Outcome.ACKNOWLEDGED), response.detail
    else:
        assert (response.code, response.requirement) == ("E4", limb), response.detail
