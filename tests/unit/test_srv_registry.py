"""The registry of Service Request bodies: keyed from service_requests.yaml, one spec per
body, and each spec's DUIS mapping valid and lossless for what it draws."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fuzz.corpus import Cast
from harness.catalogue import tables
from harness.domain.requests import RequestBody, RequestId, ServiceRequest
from harness.domain.timeline import Period
from harness.duis.requests import decode_request, encode_request
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import SCHEMA_FILE, duis_dir, load_schema
from harness.errors import ConfigurationError, UnknownName
from harness.srv import registry
from harness.srv.signed import SIGNED_PRE_COMMAND

CAST = Cast()


def test_every_row_of_the_table_picks_the_spec_of_its_body_element() -> None:
    for variant in tables.service_requests().values():
        spec = registry.for_srv(variant.srv)
        assert spec.element == variant.body_element
        assert variant in registry.variants_of(spec)
    named = {v.body_element for v in tables.service_requests().values()}
    assert {s.element for s in registry.specs()} == named | {SIGNED_PRE_COMMAND.element}


def test_lookups_refuse_what_is_not_in_scope() -> None:
    with pytest.raises(UnknownName, match="not in scope"):
        registry.for_srv("1.1.1")
    assert registry.for_element("UpdateImportTariffPrimaryElement") is None

    class Stray(RequestBody):
        pass

    with pytest.raises(UnknownName, match="no body spec for Stray"):
        registry.for_body(Stray())


def test_a_row_without_a_spec_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    table = dict(tables.service_requests())
    table["6.99"] = replace(table["4.1.1"], srv="6.99", body_element="NoSuchBody")
    monkeypatch.setattr(registry, "service_requests", lambda: table)
    registry.registry.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match=r"SRV 6\.99 names body sr:NoSuchBody"):
            registry.registry()
    finally:
        registry.registry.cache_clear()


def test_a_spec_without_a_row_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {k: v for k, v in tables.service_requests().items() if k != "8.2"}
    monkeypatch.setattr(registry, "service_requests", lambda: table)
    registry.registry.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="ReadInventory have no row"):
            registry.registry()
    finally:
        registry.registry.cache_clear()


@pytest.mark.parametrize("element", sorted(s.element for s in registry.specs()))
def test_each_spec_draws_bodies_that_encode_validate_and_read_back(element: str) -> None:
    spec = registry.for_element(element)
    assert spec is not None
    variants = registry.variants_of(spec)
    srv = variants[0].srv if variants else "6.15.1"
    schema = load_schema(duis_dir()) if (duis_dir() / SCHEMA_FILE).is_file() else None
    rng = random.Random(element)
    for counter in range(20):
        body = spec.sample(rng, CAST)
        assert isinstance(body, spec.body_type)
        assert registry.for_body(body) is spec
        request = ServiceRequest(
            RequestId(CAST.users[0], CAST.devices[0], counter), srv, 1 if variants else 5, body
        )
        xml = encode_request(request, certification_path=CAST.path)
        if schema is not None:
            schema.validate(parse_untrusted(xml))
        assert decode_request(xml) == request


def test_mutants_strip_execution_times_and_narrow_ranges_through_the_spec() -> None:
    when = datetime(2026, 5, 1, tzinfo=UTC)
    timed = [s for s in registry.specs() if s.timed]
    assert {s.element for s in timed} >= {
        "UpdateSecurityCredentialsKRP",
        "ReadInstantaneousImportRegisters",
        "ReadActiveImportProfileData",
    }
    for spec in timed:
        body = replace(spec.sample(random.Random(1), CAST), execution_time=when)
        assert spec.without_execution_time(body).execution_time is None
    ranged = [s for s in registry.specs() if s.ranged]
    assert [s.element for s in ranged] == ["ReadActiveImportProfileData"]
    day = Period(when, when)
    assert ranged[0].with_period(ranged[0].sample(random.Random(2), CAST), day).period == day
    with pytest.raises(TypeError, match="no requested date range"):
        registry.for_srv("4.1.1").with_period(
            registry.for_srv("4.1.1").sample(random.Random(3), CAST), day
        )
