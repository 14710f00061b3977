"""The bodies that read a meter or the inventory: SRV 4.1.1, 4.8.1 and 8.2."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from lxml import etree

from harness.domain.eui import Eui64
from harness.domain.requests import (
    ReadInstantaneousImportRegisters,
    ReadInventory,
    ReadProfileData,
)
from harness.domain.timeline import Period
from harness.duis.errors import CannotDecode, CannotEncode, DuisSchemaError
from harness.duis.lexical import read_datetime, write_datetime
from harness.duis.tree import Node, add
from harness.errors import InvalidValue
from harness.reference.state import DspState
from harness.srv.fields import read_execution, read_meter_point, write_execution
from harness.srv.spec import SAMPLE_EPOCH, BodyArgs, BodySpec, Effect, Samples, Scene, sample_time


# -- 4.1.1 Read Instantaneous Import Registers -----------------------------------------
def _registers_build(scene: Scene, args: BodyArgs) -> ReadInstantaneousImportRegisters:
    return ReadInstantaneousImportRegisters(args.execution_time)


def _registers_encode(
    body: ReadInstantaneousImportRegisters, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, "ReadInstantaneousImportRegisters")
    write_execution(element, body.execution_time)
    return element


def _registers_decode(node: Node) -> ReadInstantaneousImportRegisters:
    return ReadInstantaneousImportRegisters(execution_time=read_execution(node))


def _registers_effect(
    body: ReadInstantaneousImportRegisters, target: Eui64, state: DspState
) -> Effect:
    return Effect(data=(("ImportRegister", str(target.value % 100000)),))


def _registers_sample(rng: random.Random, cast: Samples) -> ReadInstantaneousImportRegisters:
    return ReadInstantaneousImportRegisters(sample_time(rng))


REGISTERS = BodySpec(
    element="ReadInstantaneousImportRegisters",
    body_type=ReadInstantaneousImportRegisters,
    build=_registers_build,
    encode=_registers_encode,
    decode=_registers_decode,
    effect=_registers_effect,
    sample=_registers_sample,
)


# -- 4.8.1 Read Active Import Profile Data ---------------------------------------------
def _profile_build(scene: Scene, args: BodyArgs) -> ReadProfileData:
    if args.period is None:  # the lint says so before the run; a hand-started runner here
        raise InvalidValue(
            "SRV 4.8.1 needs a requested date range (… for the period <start> to <end>)"
        )
    return ReadProfileData(args.period, args.execution_time)


def _profile_encode(
    body: ReadProfileData, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, "ReadActiveImportProfileData")
    write_execution(element, body.execution_time)
    period = add(element, "ReadLogPeriod")
    add(period, "StartDateTime", write_datetime(body.period.start))
    add(period, "EndDateTime", write_datetime(body.period.end))
    return element


def _profile_decode(node: Node) -> ReadProfileData:
    period = node.required("ReadLogPeriod")
    start = period.required("StartDateTime")
    end = period.required("EndDateTime")
    try:
        requested = Period(
            read_datetime(start.text(), start.path), read_datetime(end.text(), end.path)
        )
    except InvalidValue as exc:
        raise CannotDecode(f"{period.path}: {exc}") from None
    return ReadProfileData(period=requested, execution_time=read_execution(node))


def _profile_effect(body: ReadProfileData, target: Eui64, state: DspState) -> Effect:
    half_hours = (body.period.end - body.period.start) // timedelta(minutes=30)
    return Effect(data=(("ProfileEntries", str(half_hours)),))


def _profile_sample(rng: random.Random, cast: Samples) -> ReadProfileData:
    start = SAMPLE_EPOCH + timedelta(seconds=rng.randint(-(10**8), 10**8))
    period = Period(start, start + timedelta(minutes=30 * rng.randint(0, 500)))
    return ReadProfileData(period, sample_time(rng))


PROFILE = BodySpec(
    element="ReadActiveImportProfileData",
    body_type=ReadProfileData,
    build=_profile_build,
    encode=_profile_encode,
    decode=_profile_decode,
    effect=_profile_effect,
    sample=_profile_sample,
)


# -- 8.2 Read Inventory (non-device) ---------------------------------------------------
def _inventory_build(scene: Scene, args: BodyArgs) -> ReadInventory:
    return ReadInventory(device_id=scene.device(args.device).device_id)


def _inventory_encode(
    body: ReadInventory, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    if (body.device_id is None) == (body.meter_point is None):
        raise CannotEncode("a DUIS 8.2 asks by exactly one of Device ID or MPxN")
    element = add(parent, "ReadInventory")
    if body.device_id is not None:
        add(element, "DeviceID", str(body.device_id))
    elif body.meter_point is not None:
        add(element, "MPxN", body.meter_point.number)
    return element


def _inventory_decode(node: Node) -> ReadInventory:
    key = node.only_child()
    if key.local_name == "DeviceID":
        try:
            return ReadInventory(device_id=Eui64.parse(key.text()))
        except InvalidValue as exc:
            raise DuisSchemaError(f"{key.path}: {exc}") from None
    if key.local_name == "MPxN":
        return ReadInventory(meter_point=read_meter_point(key))
    raise CannotDecode(f"{key.path}: the harness reads the inventory by DeviceID or MPxN only")


def _inventory_effect(body: ReadInventory, target: Eui64, state: DspState) -> Effect:
    rows = [
        d
        for d in state.smi.values()
        if (body.device_id is None or d.device_id == body.device_id)
        and (body.meter_point is None or d.meter_point == body.meter_point)
    ]
    return Effect(
        data=tuple(
            (str(d.device_id), f"{d.device_type.value} {d.generation.value} {d.status.value}")
            for d in rows
        )
    )


def _inventory_sample(rng: random.Random, cast: Samples) -> ReadInventory:
    return ReadInventory(device_id=rng.choice(cast.devices))


INVENTORY = BodySpec(
    element="ReadInventory",
    body_type=ReadInventory,
    build=_inventory_build,
    encode=_inventory_encode,
    decode=_inventory_decode,
    effect=_inventory_effect,
    sample=_inventory_sample,
)
