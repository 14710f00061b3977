"""The decision tables behind the generated suite: what a tester edits, checked, and the
expected outcome of every combination it spans.

A table (``features/tables/*.yaml``) lists SRVs, User Roles, device types, generations, device
statuses and who holds the registration; :func:`decide` derives each combination's expected
outcome from the SRV catalogue and the table's ``rules`` (the DSP's order of checks: E2, E11, E5,
then SRPD 6.1(f)'s E4). Rendering them as Gherkin is :mod:`harness.generate`'s job.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from harness import yaml_text
from harness.catalogue.tables import service_request
from harness.domain.devices import DeviceStatus, DeviceType, Generation
from harness.domain.meterpoint import make_mpan
from harness.domain.roles import UserRole
from harness.errors import ConfigurationError, HarnessError

KINDS = ("MPAN", "MPRN")
PARTIES = ("Sender", "Rival")


@dataclass(frozen=True)
class Table:
    """One ``features/tables/*.yaml``, checked."""

    path: Path
    feature: str
    description: str
    time: str
    registered_from: str
    srvs: dict[str, str | None]  # SRV -> the SRPD 6.1(f) limb that judges it (None: none)
    roles: tuple[str, ...]
    devices: dict[str, str]  # device type -> MPAN | MPRN
    generations: tuple[str, ...]
    statuses: tuple[str, ...]
    registered: tuple[str, ...]
    serviceable: frozenset[str]
    registered_roles: dict[str, frozenset[str]]  # MPAN | MPRN -> roles registered there
    not_held: frozenset[str]
    current_or_future: frozenset[str] = frozenset()  # roles a non-device SR limits so

    @property
    def stem(self) -> str:
        return self.path.stem

    def size(self) -> int:
        return (
            len(self.srvs)
            * len(self.roles)
            * len(self.devices)
            * len(self.generations)
            * len(self.statuses)
            * len(self.registered)
        )


@dataclass(frozen=True)
class Case:
    role: str
    srv: str
    device_type: str
    generation: str
    status: str
    kind: str
    registered: str
    copy: int = 0  # > 0: a repeat with a fresh meter point (resized suites only)

    @property
    def meter_point(self) -> str:
        """Stable for a combination (editing a table does not renumber the others)."""
        key = "|".join(
            (self.role, self.srv, self.device_type, self.generation, self.status, self.registered)
        )
        if self.copy:
            key += f"|{self.copy}"
        digits = str(int(hashlib.sha256(key.encode()).hexdigest(), 16))
        if self.kind == "MPAN":
            return make_mpan("19" + digits[:10]).number
        return "7" + digits[:9]


@dataclass(frozen=True)
class Group:
    """The rule that decides a case: one Scenario Outline per group."""

    order: int
    title: str
    requirements: tuple[str, ...]
    outcome: str


def _strings(document: dict[str, Any], key: str, where: Path) -> tuple[str, ...]:
    value = document.get(key)
    if not isinstance(value, list) or not value:
        raise ConfigurationError(f"{where}: '{key}' must be a non-empty list")
    return tuple(str(v) for v in value)


def _check(kind: str, values: Sequence[str], parser: Any, where: Path) -> None:
    for value in values:
        try:
            parser(value)
        except HarnessError as exc:
            raise ConfigurationError(f"{where}: {kind}: {exc}") from None


def load_table(path: Path) -> Table:
    try:
        document: Any = yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise ConfigurationError(f"{path}: expected a mapping")
    srvs_raw = document.get("srvs")
    devices_raw = document.get("devices")
    rules = document.get("rules")
    if not isinstance(srvs_raw, dict) or not srvs_raw:
        raise ConfigurationError(f"{path}: 'srvs' must map each SRV to its SRPD 6.1(f) limb")
    if not isinstance(devices_raw, dict) or not devices_raw:
        raise ConfigurationError(f"{path}: 'devices' must map device types to MPAN or MPRN")
    if not isinstance(rules, dict):
        raise ConfigurationError(f"{path}: 'rules' is missing")
    srvs = {str(k): (str(v) if v is not None else None) for k, v in srvs_raw.items()}
    for srv in srvs:
        try:
            variant = service_request(srv)
        except HarnessError as exc:
            raise ConfigurationError(f"{path}: {exc}") from None
        if variant.critical or variant.srv in ("6.21", "6.23"):
            raise ConfigurationError(
                f"{path}: SRV {srv} needs certificates or the critical flow; the generated "
                "suite sends SRVs that take no further arguments (4.1.1, 4.8.1, 6.24.1, 8.2)"
            )
    devices = {str(k): str(v) for k, v in devices_raw.items()}
    for device_type, kind in devices.items():
        if kind not in KINDS:
            raise ConfigurationError(f"{path}: device {device_type}: use MPAN or MPRN")
    roles = _strings(document, "roles", path)
    generations = _strings(document, "generations", path)
    statuses = _strings(document, "statuses", path)
    registered = _strings(document, "registered", path)
    serviceable = _strings(rules, "serviceable_statuses", path)
    not_held = tuple(str(r) for r in rules.get("not_held") or [])
    current_or_future = tuple(str(r) for r in rules.get("current_or_future_only") or [])
    registered_raw = rules.get("registered_roles")
    if not isinstance(registered_raw, dict):
        raise ConfigurationError(f"{path}: rules.registered_roles must map MPAN/MPRN to roles")
    registered_roles = {
        str(kind): frozenset(str(r) for r in roles_there or [])
        for kind, roles_there in registered_raw.items()
    }
    named_roles = [*roles, *not_held, *current_or_future]
    _check("roles", [*named_roles, *itertools.chain(*registered_roles.values())],
           UserRole.parse, path)  # fmt: skip
    _check("devices", list(devices), DeviceType.parse, path)
    _check("generations", generations, Generation.parse, path)
    _check("statuses", [*statuses, *serviceable], DeviceStatus.parse, path)
    unknown = [p for p in registered if p not in PARTIES]
    if unknown:
        raise ConfigurationError(f"{path}: registered: {unknown[0]!r}; use Sender or Rival")
    for key in ("feature", "time", "registered_from"):
        if document.get(key) is None or not str(document[key]).strip():
            raise ConfigurationError(f"{path}: '{key}' is missing")
    return Table(
        path=path,
        feature=str(document["feature"]).strip(),
        description=str(document.get("description") or "").strip(),
        time=str(document["time"]),
        registered_from=str(document["registered_from"]),
        srvs=srvs,
        roles=roles,
        devices=devices,
        generations=generations,
        statuses=statuses,
        registered=registered,
        serviceable=frozenset(serviceable),
        registered_roles=registered_roles,
        not_held=frozenset(not_held),
        current_or_future=frozenset(current_or_future),
    )


def decide(table: Table, case: Case) -> Group:
    """The expected outcome of one combination: the first check that fails decides."""
    variant = service_request(case.srv)
    role = UserRole.parse(case.role)
    limb = table.srvs[case.srv]
    if role not in variant.eligible_roles:
        return Group(1, "A User Role the SRV does not allow is refused", ("DUIS-E2",), "E2")
    if variant.non_device and case.role in table.current_or_future:
        if case.role not in table.registered_roles.get(case.kind, frozenset()):
            return Group(9, "A Supplier reads the inventory of its own meter points only",
                         ("SRV-8.2-eligibility",), "E4")  # fmt: skip
        if case.registered != "Sender":
            return Group(10, "A Supplier that is neither current nor future is refused",
                         ("SRV-8.2-eligibility",), "E4")  # fmt: skip
        return Group(11, "The registered Supplier reads the inventory",
                     ("SRV-8.2-eligibility",), "applied")  # fmt: skip
    if variant.non_device or limb is None:
        return Group(8, "A non-device SR is open to every eligible role", ("DUIS-E2",), "applied")
    if DeviceType.parse(case.device_type) not in variant.device_types:
        return Group(2, "An SRV sent to a device type it does not allow is refused",
                     ("DUIS-E11",), "E11")  # fmt: skip
    if case.status not in table.serviceable:
        return Group(3, "A device whose status does not allow the SRV is refused",
                     ("DUIS-E5",), "E5")  # fmt: skip
    if case.role in table.not_held:
        return Group(7, "A role that Registration Data does not govern is not held to it",
                     (limb,), "applied")  # fmt: skip
    if case.role not in table.registered_roles.get(case.kind, frozenset()):
        return Group(4, "A role never registered for this kind of meter point is refused",
                     (limb,), "E4")  # fmt: skip
    if case.registered != "Sender":
        return Group(5, "A sender that is not the registered party is refused", (limb,), "E4")
    return Group(6, "The registered sender's request is applied", (limb,), "applied")


def combinations(table: Table) -> Iterator[Case]:
    for srv, role, device_type, generation, status, registered in itertools.product(
        table.srvs,
        table.roles,
        table.devices,
        table.generations,
        table.statuses,
        table.registered,
    ):
        kind = table.devices[device_type]
        yield Case(role, srv, device_type, generation, status, kind, registered)


def cases(table: Table, examples: int | None = None) -> list[Case]:
    """Every combination once, or exactly ``examples`` of them: whole rounds of the
    combinations (each round past the first with fresh meter points), then the remainder
    spread evenly over the combinations, so that a suite of any size has the mix of outcomes
    of the whole table (a benchmark comparing sizes then compares the same work)."""
    base = list(combinations(table))
    if examples is None:
        return base
    rounds, remainder = divmod(examples, len(base))
    picked = [base[index * len(base) // remainder] for index in range(remainder)]
    chosen: list[Case] = []
    for copy, round_ in enumerate([*([base] * rounds), picked]):
        chosen += [replace(case, copy=copy) if copy else case for case in round_]
    return chosen
