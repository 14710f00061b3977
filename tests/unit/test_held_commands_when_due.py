"""Commands the DSP holds for their execution time: judged again when due, sent while the
device can be reached, timed out with E30 once it has been out of reach for a day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from harness.adapters.provisioning import CutOffDevice
from harness.adapters.reference import ReferenceAdapter
from harness.adapters.wire import from_json, to_json
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.timeline import Interval
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import resolve
from harness.reference.state import DspState
from harness.reference.when_due import FUTURE_DATED_TIMEOUT, TIMEOUT
from harness.world import World

MPAN = "1200000000002"
DEVICE = Eui64.parse("00-DB-12-34-56-78-90-A0")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _state() -> DspState:
    state = DspState()
    state.add_device(
        Device(DEVICE, DeviceType.parse("ESME"), Generation.SMETS1, DeviceStatus.COMMISSIONED, None)
    )
    return state


def test_the_first_reachable_instant_skips_touching_and_overlapping_outages() -> None:
    state = _state()
    state.cut_off(DEVICE, Interval(_at("2026-06-30 00:00"), _at("2026-07-01 00:00")))
    state.cut_off(DEVICE, Interval(_at("2026-06-30 12:00"), _at("2026-07-02 00:00")))
    state.cut_off(DEVICE, Interval(_at("2026-07-02 00:00"), _at("2026-07-03 00:00")))
    assert state.reachable_from(DEVICE, _at("2026-06-29 00:00")) == _at("2026-06-29 00:00")
    assert state.reachable_from(DEVICE, _at("2026-06-30 06:00")) == _at("2026-07-03 00:00")
    state.cut_off(DEVICE, Interval(_at("2026-07-03 00:00"), None))
    assert state.reachable_from(DEVICE, _at("2026-06-30 06:00")) is None


def test_an_outage_travels_over_test_control_and_back() -> None:
    outage = CutOffDevice(DEVICE, _at("2026-06-30 00:00"), None)
    assert from_json(to_json(outage)) == (outage, None)
    bounded = replace(outage, end=_at("2026-07-10 00:00"))
    assert from_json(to_json(bounded)) == (bounded, None)


def _world() -> World:
    profile = resolve("baseline")
    world = World(ReferenceAdapter(profile, ReferenceDsp(profile)), profile.name)
    world.set_time("2026-06-01 09:00")
    world.add_party("Supplier-1", "IS")
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("Supplier-1", MPAN, "2025-01-01", None)
    return world


def test_a_held_command_waits_out_the_time_out_then_ends_with_e30() -> None:
    assert FUTURE_DATED_TIMEOUT.total_seconds() == 24 * 3600
    world = _world()
    world.cut_off_device("m", "2026-06-30", None)
    world.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    world.reach_time("2026-07-01 11:59")
    assert world.last_attempt().observed().status == "pending"
    world.reach_time("2026-07-01 12:00")
    observed = world.last_attempt().observed()
    assert (observed.status, observed.code, observed.answered_by) == ("rejected", "E30", "DSP")
    assert observed.requirement == TIMEOUT


def test_a_device_back_within_the_time_out_gets_the_command_late() -> None:
    world = _world()
    world.cut_off_device("m", "2026-06-30 11:00", "2026-07-01 11:00")
    world.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    world.reach_time("2026-07-01 10:59")
    assert world.last_attempt().observed().status == "pending"
    world.reach_time("2026-07-01 11:00")
    assert world.last_attempt().observed().status == "completed"


def test_a_registration_corrected_meanwhile_refuses_the_command_when_due() -> None:
    world = _world()
    world.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    world.end_registration("Supplier-1", MPAN, "2026-06-15")
    world.reach_time("2026-07-05")  # the clock passes the execution time: judged at it
    observed = world.last_attempt().observed()
    assert (observed.code, observed.requirement) == ("E4", "SRPD-6.1f-ii")
    assert "when it fell due at 2026-06-30" in observed.detail
