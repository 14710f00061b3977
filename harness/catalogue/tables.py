"""Loaders for the packaged tables: response codes and Service Request variants."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from harness import yaml_text
from harness.domain.devices import DeviceType
from harness.domain.roles import UserRole
from harness.errors import ConfigurationError, UnknownName


@dataclass(frozen=True)
class ResponseCode:
    code: str
    meaning: str
    source: str
    confidence: str


@dataclass(frozen=True)
class ServiceRequestVariant:
    srv: str
    name: str
    critical: bool
    future_dated: str
    non_device: bool
    eligible_roles: frozenset[UserRole]
    device_types: frozenset[DeviceType]
    command_variants: frozenset[int]
    body_element: str


def _load(name: str) -> Any:
    text = resources.files("harness.catalogue").joinpath(name).read_text(encoding="utf-8")
    return yaml_text.safe_load(text)


@cache
def response_codes() -> dict[str, ResponseCode]:
    rows = _load("response_codes.yaml")["codes"]
    table = {}
    for row in rows:
        entry = ResponseCode(**row)
        if entry.confidence not in ("fact", "model"):
            raise ConfigurationError(f"response code {entry.code}: bad confidence")
        table[entry.code] = entry
    return table


def response_code(code: str) -> ResponseCode:
    """Look a code up; every code the harness emits or expects must be in the table."""
    table = response_codes()
    if code not in table:
        raise UnknownName(
            f"response code {code!r} is not in the response-code table; known: " + ", ".join(table)
        )
    return table[code]


@cache
def service_requests() -> dict[str, ServiceRequestVariant]:
    table = {}
    for row in _load("service_requests.yaml")["service_requests"]:
        table[row["srv"]] = ServiceRequestVariant(
            srv=row["srv"],
            name=row["name"],
            critical=bool(row["critical"]),
            future_dated=str(row["future_dated"]),
            non_device=bool(row["non_device"]),
            eligible_roles=frozenset(UserRole.parse(r) for r in row["eligible_roles"]),
            device_types=frozenset(DeviceType.parse(t) for t in row["device_types"]),
            command_variants=frozenset(int(v) for v in row["command_variants"]),
            body_element=row["body_element"],
        )
    return table


def service_request(srv: str) -> ServiceRequestVariant:
    table = service_requests()
    if srv not in table:
        raise UnknownName(f"SRV {srv!r} is not in scope; in scope: {', '.join(table)}")
    return table[srv]
