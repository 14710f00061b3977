"""Given: the time, the Users, the devices, the Registration Data, the certificates held."""

from __future__ import annotations

from harness.parameters import REGISTRATIONS_TABLE, USERS_TABLE, split_span
from harness.settings import features_dir
from harness.world import World
from steps.library.registry import Table, given, when


@given("the time is {when:Clock}", example="the time is 2026-03-01 10:00")
def time_is(world: World, when: str) -> None:
    world.set_time(when)


@given(
    "{name:NewUser} is a User in the role {role:Role}",
    example="NO-A is a User in the role ED",
)
def user(world: World, name: str, role: str) -> None:
    world.add_party(name, role)


@given(
    "{name:NewUser} is a suspended User in the role {role:Role}",
    example="Supplier-X is a suspended User in the role IS",
)
def suspended_user(world: World, name: str, role: str) -> None:
    world.add_party(name, role, status="suspended")


@given(
    "{name:NewUser} is not a User known to the DCC, claiming the role {role:Role}",
    example="Stranger is not a User known to the DCC, claiming the role IS",
)
def unknown_user(world: World, name: str, role: str) -> None:
    world.add_unknown_party(name, role)


@given(
    "the following Users:",
    example="the following Users: (table: name | role [| status])",
    table=USERS_TABLE,
)
def users(world: World, table: Table) -> None:
    for row in table:
        world.add_party(row["name"], row["role"], row.get("status", "active") or "active")


@given(
    'a {generation:Generation} {device_type:DeviceType} "{device:NewDevice}" '
    "serving {meter_point:MeterPoint}",
    example='a SMETS1 ESME "meter-1" serving MPAN 1200000000002',
)
def device(world: World, generation: str, device_type: str, device: str, meter_point: str) -> None:
    world.add_device(device, device_type, generation, meter_point)


@given(
    'a {generation:Generation} {device_type:DeviceType} "{device:NewDevice}" '
    "serving {meter_point:MeterPoint} with status {status:DeviceStatus}",
    example='a SMETS2 ESME "meter-9" serving MPAN 1200000000002 with status Suspended',
)
def device_with_status(
    world: World,
    generation: str,
    device_type: str,
    device: str,
    meter_point: str,
    status: str,
) -> None:
    world.add_device(device, device_type, generation, meter_point, status=status)


@given(
    "a DCC-controlled {generation:Generation} {device_type:DeviceType} "
    '"{device:NewDevice}" serving {meter_point:MeterPoint}',
    example='a DCC-controlled SMETS2 ESME "meter-2" serving MPAN 1200000000002',
)
def dcc_controlled_device(
    world: World, generation: str, device_type: str, device: str, meter_point: str
) -> None:
    world.add_device(device, device_type, generation, meter_point, dcc_controlled=True)


@given(
    'a {device_type:DeviceType} "{device:NewDevice}" that is not in the Smart Metering Inventory',
    example='a ESME "ghost-1" that is not in the Smart Metering Inventory',
)
def device_not_in_smi(world: World, device_type: str, device: str) -> None:
    world.add_unknown_device(device, device_type)


@given(
    "{party:Registrant} is registered for {meter_point:MeterPoint} from {start:When}",
    example="NO-A is registered for MPAN 1200000000002 from 2025-01-01",
)
def registered_open(world: World, party: str, meter_point: str, start: str) -> None:
    world.register(party, meter_point, start, None)


@given(
    "{party:Registrant} is registered for {meter_point:MeterPoint} from {interval:Interval}",
    example="NO-A is registered for MPAN 1200000000002 from 2025-01-01 until 2026-06-01",
)
def registered_closed(world: World, party: str, meter_point: str, interval: str) -> None:
    world.register(party, meter_point, *split_span(interval, "until"))


_ENDS = (
    "the registration of {party:Party} for {meter_point:MeterPoint} is corrected to end at "
    "{end:RegistrationEnd}"
)
_ENDS_EXAMPLE = "the registration of NO-A for MPAN 1200000000002 is corrected to end at 2026-07-01"


@given(_ENDS, example=_ENDS_EXAMPLE)
def registration_ends(world: World, party: str, meter_point: str, end: str) -> None:
    world.end_registration(party, meter_point, end)


when(_ENDS, example=_ENDS_EXAMPLE)(registration_ends)


@given(
    "the Registration Data for {meter_point:MeterPoint}:",
    example="the Registration Data for MPAN 1200000000002: (table: party | from | until)",
    table=REGISTRATIONS_TABLE,
)
def registration_table(world: World, meter_point: str, table: Table) -> None:
    for row in table:
        world.register(row["party"], meter_point, row.get("from") or None, row.get("until") or None)


@given(
    'the {remote_role:RemoteRole} certificates held for "{device:Device}" belong to {party:Party}',
    example='the network operator certificates held for "meter-1" belong to NO-B',
)
def certificates_held(world: World, remote_role: str, device: str, party: str) -> None:
    world.place_certificates(device, remote_role, party)


@given(
    "the S1SP will fail part-way through its next certificate update",
    example="the S1SP will fail part-way through its next certificate update",
)
def s1sp_fault(world: World) -> None:
    world.inject_s1sp_fault()


@given(
    '"{device:Device}" cannot be reached from {interval:Interval}',
    example='"meter-1" cannot be reached from 2026-06-30 11:00 until 2026-06-30 13:00',
)
def device_cut_off(world: World, device: str, interval: str) -> None:
    world.cut_off_device(device, *split_span(interval, "until"))


@given(
    'the Registration Data in "{path:RegistrationFile}"',
    example='the Registration Data in "data/registrations-change-of-no.yaml"',
)
def registration_file(world: World, path: str) -> None:
    world.load_registrations(features_dir() / path)
