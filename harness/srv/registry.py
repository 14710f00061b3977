"""The table of Service Request bodies, keyed from ``service_requests.yaml``.

Every module of this package may define body specs (module-level :class:`BodySpec`
values); each row of ``service_requests.yaml`` names its body by DUIS element
(``body_element``), and that element picks the spec. A row whose element has no spec, a
spec no row names (other than the Command Variant 5 signed pre-command) and two specs for
one element or one domain type are configuration errors, reported on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any

import harness.srv
from harness.catalogue.tables import ServiceRequestVariant, service_request, service_requests
from harness.domain.requests import RequestBody
from harness.errors import ConfigurationError, UnknownName
from harness.srv.signed import SIGNED_PRE_COMMAND
from harness.srv.spec import BodySpec

_NOT_SPECS = frozenset({"spec", "registry", "fields"})


@dataclass(frozen=True)
class Registry:
    by_element: dict[str, BodySpec[Any]]
    by_type: dict[type, BodySpec[Any]]
    srvs: dict[str, tuple[str, ...]]  # element → the SRVs whose body it is


def _discovered() -> list[BodySpec[Any]]:
    found: list[BodySpec[Any]] = []
    for info in sorted(pkgutil.iter_modules(harness.srv.__path__), key=lambda m: m.name):
        if info.name in _NOT_SPECS:
            continue
        module = importlib.import_module(f"harness.srv.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, BodySpec)]
    return found


@cache
def registry() -> Registry:
    by_element: dict[str, BodySpec[Any]] = {}
    by_type: dict[type, BodySpec[Any]] = {}
    for spec in _discovered():
        if by_element.get(spec.element, spec) is not spec:
            raise ConfigurationError(f"two body specs for sr:{spec.element}")
        if by_type.get(spec.body_type, spec) is not spec:
            raise ConfigurationError(f"two body specs for {spec.body_type.__name__}")
        by_element[spec.element] = spec
        by_type[spec.body_type] = spec
    srvs: dict[str, tuple[str, ...]] = {}
    for variant in service_requests().values():
        if variant.body_element not in by_element:
            raise ConfigurationError(
                f"service_requests.yaml: SRV {variant.srv} names body sr:{variant.body_element}, "
                "which no spec in harness/srv defines"
            )
        srvs[variant.body_element] = (*srvs.get(variant.body_element, ()), variant.srv)
    unnamed = sorted(set(by_element) - set(srvs) - {SIGNED_PRE_COMMAND.element})
    if unnamed:
        raise ConfigurationError(
            f"body spec(s) {', '.join(unnamed)} have no row in service_requests.yaml"
        )
    return Registry(by_element, by_type, srvs)


def specs() -> list[BodySpec[Any]]:
    """Every body spec, the signed pre-command included."""
    return list(registry().by_element.values())


def for_element(element: str) -> BodySpec[Any] | None:
    """The spec of a DUIS body element, or ``None`` when the harness has none."""
    return registry().by_element.get(element)


def for_body(body: RequestBody) -> BodySpec[Any]:
    try:
        return registry().by_type[type(body)]
    except KeyError:
        raise UnknownName(f"no body spec for {type(body).__name__}") from None


def for_srv(srv: str) -> BodySpec[Any]:
    """The body an SRV in scope carries (``UnknownName`` for one out of scope)."""
    return registry().by_element[service_request(srv).body_element]


def variants_of(spec: BodySpec[Any]) -> list[ServiceRequestVariant]:
    """The SRVs whose body ``spec`` is (none for the signed pre-command)."""
    return [service_request(srv) for srv in registry().srvs.get(spec.element, ())]
