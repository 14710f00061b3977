"""The implementation conformance statement (ICS): what a target says it supports.

In the target configuration file (``--config``; docs/binding.md)::

    [ics]
    profile = "baseline"                 # the rule profile the target claims
    srvs = ["4.1.1", "6.15.1"]           # Service Requests it supports (omitted: every one)
    device_types = ["ESME", "GSME"]      # omitted: every one
    generations = ["SMETS1", "SMETS2"]   # omitted: both
    capabilities = []                    # test control it offers: provision, move_clock,
                                         # inspect, inject_faults, xml_envelope

An external target is judged by the profile it claims; a scenario that needs an SRV, a device
or a capability the statement does not claim is not applicable, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.catalogue.tables import service_requests
from harness.config_file import config_section
from harness.domain.devices import DeviceType, Generation
from harness.errors import ConfigurationError, HarnessError, NotApplicable
from harness.reference.profiles import resolve
from harness.tags import CAPABILITIES

ICS_KEYS = {"profile", "srvs", "device_types", "generations", "capabilities"}


@dataclass(frozen=True)
class Ics:
    profile: str | None = None
    srvs: frozenset[str] | None = None
    device_types: frozenset[DeviceType] | None = None
    generations: frozenset[Generation] | None = None
    capabilities: frozenset[str] | None = None

    def srv(self, srv: str) -> None:
        if self.srvs is not None and srv not in self.srvs:
            raise NotApplicable(
                f"the target's conformance statement does not claim SRV {srv}",
                group=f"SRV {srv} not claimed by the target (ICS)",
            )

    def device(self, device_type: DeviceType, generation: Generation) -> None:
        if self.generations is not None and generation not in self.generations:
            raise NotApplicable(
                f"the target's conformance statement does not claim {generation.value} devices",
                group=f"{generation.value} devices not claimed by the target (ICS)",
            )
        if self.device_types is not None and device_type not in self.device_types:
            raise NotApplicable(
                f"the target's conformance statement does not claim {device_type.value} devices",
                group=f"{device_type.value} devices not claimed by the target (ICS)",
            )


def _names(table: dict[str, object], key: str) -> list[str] | None:
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"[ics] {key} = {value!r}: expected a list of names")
    return [str(v) for v in value]


def parse_ics(table: object) -> Ics:
    if not isinstance(table, dict):
        raise ConfigurationError("ics must be a table: [ics]")
    unknown = sorted(set(table) - ICS_KEYS)
    if unknown:
        raise ConfigurationError(
            f"unknown setting {unknown[0]!r} in [ics]; known: {', '.join(sorted(ICS_KEYS))}"
        )
    try:
        profile = resolve(str(table["profile"])).name if "profile" in table else None
        srvs = _names(table, "srvs")
        if srvs is not None:
            known = service_requests()
            for srv in srvs:
                if srv not in known:
                    raise ConfigurationError(f"[ics] srvs: unknown SRV {srv!r}")
        types = _names(table, "device_types")
        generations = _names(table, "generations")
        capabilities = _names(table, "capabilities")
        for capability in capabilities or []:
            if capability not in CAPABILITIES:
                raise ConfigurationError(
                    f"[ics] capabilities: unknown {capability!r}; known: {', '.join(CAPABILITIES)}"
                )
        return Ics(
            profile=profile,
            srvs=frozenset(srvs) if srvs is not None else None,
            device_types=frozenset(DeviceType.parse(t) for t in types) if types else None,
            generations=frozenset(Generation.parse(g) for g in generations)
            if generations
            else None,
            capabilities=frozenset(capabilities) if capabilities is not None else None,
        )
    except ConfigurationError:
        raise
    except HarnessError as exc:
        raise ConfigurationError(f"[ics]: {exc}") from None


def load_ics(path: Path | None) -> Ics | None:
    """The ``[ics]`` of a target configuration file; None when it has none."""
    if path is None:
        return None
    section = config_section(path, "ics")
    if section is None:
        return None
    try:
        return parse_ics(section)
    except ConfigurationError as exc:
        raise ConfigurationError(f"config {path}: {exc}") from None
