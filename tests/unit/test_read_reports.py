"""What a read returns: one form in process and over DUIS (the MMC elements read back the
same), judged by the World; an answer inside a SMETS2 GBCS payload is never a pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from harness.adapters.reference import ReferenceAdapter
from harness.domain.eui import Eui64
from harness.domain.parties import DCC_ID
from harness.domain.reports import CredentialReport, certificate_hash, credential_reports
from harness.domain.requests import Outcome
from harness.duis.mmc import Smets1Payload, smets1_payload_for
from harness.duis.mmc_read import smets1_outcome
from harness.duis.safe_xml import parse_untrusted
from harness.duis.tree import Node
from harness.errors import HarnessError, Inconclusive, NonConformance
from harness.reference.profiles import resolve
from harness.world import World

MPAN = "MPAN 1200000000002"
OWNER = Eui64.parse("00-DB-12-34-56-78-90-A0")


def _world(generation: str = "SMETS1") -> World:
    world = World(ReferenceAdapter(resolve("baseline")), "baseline")
    world.set_time("2026-03-01 10:00")
    world.add_party("NO-A", "ED")
    world.add_party("NO-B", "ED")
    world.add_device("meter", "ESME", generation, MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    world.place_certificates("meter", "NetworkOperator", "NO-B")
    return world


def test_a_report_travels_as_a_pair_and_back() -> None:
    for report in (
        CredentialReport("NetworkOperator/digitalSigning", OWNER, certificate_hash(b"der")),
        CredentialReport("Supplier/keyAgreement", DCC_ID),
        CredentialReport("Supplier/digitalSigning", None),
    ):
        assert CredentialReport.from_pair(report.pair()) == report


def test_the_mmc_answer_reads_back_as_the_reference_wrote_it() -> None:
    data = (
        CredentialReport("NetworkOperator/digitalSigning", OWNER, certificate_hash(b"a")).pair(),
        CredentialReport("NetworkOperator/keyAgreement", OWNER, certificate_hash(b"b")).pair(),
        CredentialReport("Supplier/digitalSigning", DCC_ID).pair(),
    )
    payload = Smets1Payload(
        "6.24.1", Outcome.COMPLETED, data, OWNER, OWNER, 1, datetime(2026, 3, 1, tzinfo=UTC)
    )
    outcome, read = smets1_outcome(Node.root(parse_untrusted(smets1_payload_for(payload))))
    assert outcome is Outcome.COMPLETED
    assert read == data
    assert credential_reports(read)["Supplier/digitalSigning"].remote_party == DCC_ID


def test_the_read_names_whose_certificate_the_meter_holds() -> None:
    world = _world()
    world.send("NO-A", "6.24.1", "meter")
    world.expect_read_reports_holder("meter", "network operator", "NO-B")
    world.expect_read_reports_holder("meter", "supplier", "nobody")
    with pytest.raises(NonConformance, match="the read reports NO-B's certificate"):
        world.expect_read_reports_holder("meter", "network operator", "NO-A")
    with pytest.raises(NonConformance, match="the read reports NO-B's certificate"):
        world.expect_read_reports_holder("meter", "network operator", "the DCC")


def test_an_answer_inside_gbcs_is_inconclusive_never_a_pass() -> None:
    world = _world("SMETS2")
    attempt = world.send("NO-A", "6.24.1", "meter")
    attempt.asynchronous = [
        replace(r, outcome=Outcome.IN_GBCS, data=()) for r in attempt.asynchronous
    ]
    attempt.exchanges = [
        (q, replace(r, outcome=Outcome.IN_GBCS, data=()) if r.answered_by == "device" else r)
        for q, r in attempt.exchanges
    ]
    with pytest.raises(Inconclusive, match="GBCS payload, which the harness does not parse"):
        world.expect_read_reports_holder("meter", "network operator", "NO-B")


def test_a_refused_read_is_a_non_conformance() -> None:
    world = _world()
    world.add_party("Stranger", "ED")
    world.send("Stranger", "6.24.1", "meter")
    with pytest.raises(NonConformance, match="the read was rejected by the DSP"):
        world.expect_read_reports_holder("meter", "network operator", "NO-B")


def test_a_holder_said_of_another_request_is_refused() -> None:
    world = _world()
    world.send("NO-A", "4.1.1", "meter")
    world.expect_read_reports_register("meter")
    with pytest.raises(HarnessError, match=r"is not an SRV 6\.24\.1 to meter"):
        world.expect_read_reports_holder("meter", "network operator", "NO-B")
