"""The binding: a scenario's cast mapped onto a target's own Users and devices; a Given the
binding does not declare is not applicable, naming the missing fact; a bad file is one line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.adapters.reference import ReferenceAdapter
from harness.binding import Binding, BoundUser, Held, load_binding
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.registration import Registration
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval, parse_instant
from harness.errors import ConfigurationError, NotApplicable
from harness.ics import Ics
from harness.pki import shared_pki
from harness.reference.profiles import resolve
from harness.world import World

NO = Eui64.parse("90-B3-D5-1F-30-02-00-00")
METER = Eui64.parse("00-DB-12-34-56-78-90-A0")
MPAN = MeterPoint.parse("1200000000002")


def _binding() -> Binding:
    pki = shared_pki()
    xml = pki.issue(NO, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    user = BoundUser(NO, UserRole.ELECTRICITY_DISTRIBUTOR, xml)
    device = Device(METER, DeviceType.ESME, Generation.SMETS2, DeviceStatus.COMMISSIONED, MPAN)
    since = parse_instant("2025-01-01")
    registration = Registration(MPAN, UserRole.ELECTRICITY_DISTRIBUTOR, NO, Interval(since, None))
    return Binding(
        users=(user,),
        devices=(device,),
        registrations=(registration,),
        held=(Held(METER, RemotePartyRole.NETWORK_OPERATOR, NO),),
        now=parse_instant("2026-03-01 10:00"),
    )


def _world(ics: Ics | None = None) -> World:
    adapter = ReferenceAdapter(resolve("baseline"))
    adapter.capabilities = replace(adapter.capabilities, provision=False, move_clock=False)
    return World(adapter, "baseline", binding=_binding(), ics=ics)


def test_declared_givens_bind_the_cast_onto_the_target() -> None:
    world = _world()
    world.set_time("2026-03-01 10:00")
    assert world.add_party("NO-A", "ED").user.user_id == NO
    assert world.add_device("meter-1", "ESME", "SMETS2", "1200000000094").device_id == METER
    assert world.meter_point("1200000000094") == MPAN  # the scenario's MPAN is the target's
    world.register("NO-A", "1200000000094", "2025-01-01", None)
    world.place_certificates("meter-1", "network operator", "NO-A")


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (lambda w: w.set_time("2026-05-15 12:00"), "clock is at 2026-03-01 10:00"),
        (lambda w: w.add_party("NO-B", "ED"), "no other active User in role ED for NO-B"),
        (lambda w: w.add_party("S", "IS"), "no active User in role IS for S"),
        (lambda w: w.add_device("m2", "ESME", "SMETS1", None), "Commissioned SMETS1 ESME device"),
        (
            lambda w: w.register("NO-A", "1200000000002", "2025-06-01", None),
            "no registration of NO-A",
        ),
        (lambda w: w.add_unknown_party("X", "IS"), "cannot do"),
    ],
    ids=["clock", "second NO", "supplier", "device", "registration", "unknown User"],
)
def test_a_given_the_binding_does_not_declare_is_not_applicable(given, missing: str) -> None:  # type: ignore[no-untyped-def]
    world = _world()
    world.add_party("NO-A", "ED")
    world.add_device("meter-1", "ESME", "SMETS2", "1200000000002")
    with pytest.raises(NotApplicable) as caught:
        given(world)
    assert missing in str(caught.value)


def test_the_statement_excludes_unclaimed_srvs_and_devices() -> None:
    ics = Ics(srvs=frozenset({"6.15.1"}), generations=frozenset({Generation.SMETS2}))
    world = _world(ics)
    with pytest.raises(NotApplicable, match="does not claim SMETS1"):
        world.add_device("m", "ESME", "SMETS1", None)


def test_a_bad_binding_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[binding]\nclock = "x"\n')
    with pytest.raises(ConfigurationError, match=r"unknown setting .clock. in \[binding\]"):
        load_binding(config)
    config.write_text(
        '[[binding.users]]\nuser_id = "90-B3-D5-1F-30-02-00-00"\nrole = "ED"\n'
        'xml_signing_certificate = "nowhere.pem"\nxml_signing_key = "k"\n'
    )
    with pytest.raises(ConfigurationError, match=r"nowhere\.pem"):
        load_binding(config)
