"""The mutant catalogue: every mutant named, described, citing known requirements, and each
one answering at least one hand-built request differently from the conforming reference."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from harness.adapters.reference import ReferenceAdapter
from harness.errors import UnknownName
from harness.mutants import (
    MUTANTS,
    WIRE_MUTANTS,
    Mutant,
    mutant,
    mutant_dsp,
    mutant_names,
    unchanged,
    with_mutant,
)
from harness.reference.dsp import CONFORMING, ReferenceDsp
from harness.reference.profiles import profile_names, resolve
from harness.world import PreCommandStep, World

REQUIRED = {
    "rdp-check-on-smets2-critical",
    "rdp-check-skipped-smets1-critical",
    "range-start-only",
    "receipt-time-not-execution-time",
    "future-registrations-ignored",
    "open-ended-registration-expired",
    "smets1-ownership-unchecked",
    "wrong-signer-accepted",
    "request-id-replay-accepted",
    "e4-answered-as-e2",
    "dsp-s1sp-copies-updated-separately",
    "dp107-fix-applied-to-smets2",
    "mp063-check-on-no-own-krp",
}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
MPAN = "1200000000002"


def test_the_catalogue_holds_every_required_mutant() -> None:
    assert len(MUTANTS) >= 13
    assert set(mutant_names()) >= REQUIRED
    assert len(set(mutant_names())) == len(MUTANTS)


@pytest.mark.parametrize("m", MUTANTS, ids=lambda m: m.name)
def test_every_mutant_is_named_described_and_cites_known_requirements(
    m: Mutant, requirement_ids: frozenset[str]
) -> None:
    assert mutant(m.name) is m
    assert KEBAB.match(m.name), m.name
    assert len(m.description) > 40
    assert m.description.endswith(".")
    assert m.violates, f"{m.name} cites no requirement"
    assert set(m.violates) <= requirement_ids, set(m.violates) - requirement_ids
    assert m.profiles
    assert all(p in profile_names() for p in m.profiles)
    assert m.transform is not unchanged or m.faults != CONFORMING, f"{m.name} breaks nothing"


@pytest.mark.parametrize("m", WIRE_MUTANTS, ids=lambda m: m.name)
def test_a_wire_mutant_is_named_and_faults_only_the_envelope(
    m: Mutant, requirement_ids: frozenset[str]
) -> None:
    assert mutant(m.name) is m
    assert KEBAB.match(m.name), m.name
    assert m.description.endswith(".")
    assert set(m.violates) <= requirement_ids
    assert m.transform is unchanged
    assert m.faults.accept_any_schema_version or m.faults.bare_refusal_of_content
    assert m.name not in mutant_names()  # the in-process kill catalogue leaves it out


def test_an_unknown_mutant_is_refused_with_the_known_names() -> None:
    with pytest.raises(UnknownName) as caught:
        mutant("drop-everything")
    message = str(caught.value)
    assert "unknown mutant 'drop-everything'" in message
    for name in mutant_names():
        assert name in message


def test_a_mutant_keeps_the_profile_name_and_no_mutant_is_conforming() -> None:
    for profile_name in ("baseline", "dp107-registered-path+mp063-check"):
        profile = resolve(profile_name)
        for m in MUTANTS:
            assert m.apply(profile).name == profile.name
        assert with_mutant(profile, None) == (profile, CONFORMING)


# -- each mutant changes behaviour on a hand-built request ---------------------------------
Probe = Callable[[World], str]


def _cast(world: World, *parties: tuple[str, str], now: str = "2026-05-15 12:00") -> None:
    world.set_time(now)
    for name, role in parties:
        world.add_party(name, role)


def _outcome(world: World) -> str:
    """What happened, without the free-text detail (which names counters and IDs)."""
    return replace(world.last_attempt().observed(), detail="").describe()


def _krp_by_non_owner(generation: str) -> Probe:
    """NO-B owns the NO certificate held for the meter; NO-A is the registered NO."""

    def probe(world: World) -> str:
        _cast(world, ("NO-A", "ED"), ("NO-B", "ED"))
        world.add_device("m", "ESME", generation, MPAN)
        world.register("NO-A", MPAN, "2025-01-01", None)
        world.place_certificates("m", "NetworkOperator", "NO-B")
        world.send_krp("NO-B", "m", "NetworkOperator", "NO-B")  # the owner, not registered
        owner = _outcome(world)
        world.send_krp("NO-A", "m", "NetworkOperator", "NO-A")  # registered, not the owner
        return f"{owner} / {_outcome(world)}"

    return probe


def _supplier_read(
    start: str,
    end: str | None,
    *,
    execution: str | None = None,
    period: tuple[str, str] | None = None,
) -> Probe:
    def probe(world: World) -> str:
        _cast(world, ("Supplier-1", "IS"))
        world.add_device("m", "ESME", "SMETS2", MPAN)
        world.register("Supplier-1", MPAN, start, end)
        srv = "4.8.1" if period else "4.1.1"
        world.send("Supplier-1", srv, "m", execution=execution, period=period)
        return _outcome(world)

    return probe


def _wrong_signer(world: World) -> str:
    _cast(world, ("NO-A", "ED"), ("NO-B", "ED"))
    world.add_device("m", "ESME", "SMETS2", MPAN)
    world.place_certificates("m", "NetworkOperator", "NO-A")
    world.send_krp("NO-A", "m", "NetworkOperator", "NO-A", signer="NO-B")
    return _outcome(world)


def _replay(world: World) -> str:
    _cast(world, ("Supplier-1", "IS"))
    world.add_device("m", "ESME", "SMETS2", MPAN)
    world.register("Supplier-1", MPAN, "2025-01-01", None)
    world.send("Supplier-1", "4.1.1", "m")
    world.resend_last()
    return _outcome(world)


def _s1sp_failure(world: World) -> str:
    _cast(world, ("NO-A", "ED"), ("NO-B", "ED"))
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    world.place_certificates("m", "NetworkOperator", "NO-A")
    world.inject_s1sp_fault()
    world.send_krp("NO-A", "m", "NetworkOperator", "NO-B")
    held = world.adapter.held_certificates(world.device("m").device_id)
    return f"{_outcome(world)}; copies agree: {held.dsp == held.s1sp}"


def _no_places_another_nos_certificate(world: World) -> str:
    _cast(world, ("NO-A", "ED"), ("NO-B", "ED"))
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    world.place_certificates("m", "NetworkOperator", "NO-A")
    world.send_krp("NO-A", "m", "NetworkOperator", "NO-B")
    return _outcome(world)


def _suspended_before_signing(world: World) -> str:
    _cast(world, ("NO-A", "ED"))
    world.add_device("m", "ESME", "SMETS2", MPAN)
    world.place_certificates("m", "NetworkOperator", "NO-A")
    world.send_krp("NO-A", "m", "NetworkOperator", "NO-A", pre_command=PreCommandStep(True))
    return _outcome(world)


def _supplier_replaces_no_cells(world: World) -> str:
    _cast(world, ("Supplier-1", "IS"), ("NO-A", "ED"))
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("Supplier-1", MPAN, "2025-01-01", None)
    world.place_certificates("m", "Supplier", "Supplier-1")
    world.place_certificates("m", "NetworkOperator", "NO-A")
    world.send_krp("Supplier-1", "m", "NetworkOperator", "NO-A")
    return _outcome(world)


def _two_handovers(world: World) -> str:
    _cast(world, ("Supplier-1", "IS"), ("NO-A", "ED"))
    world.add_device("m", "ESME", "SMETS1", MPAN, dcc_controlled=True)
    world.register("Supplier-1", MPAN, "2025-01-01", None)
    world.send("Supplier-1", "6.21", "m", certificates_of="Supplier-1")
    world.send("Supplier-1", "6.21", "m", certificates_of="NO-A")
    return _outcome(world)


def _unregistered_supplier_reads_inventory(world: World) -> str:
    _cast(world, ("Supplier-1", "IS"))
    world.add_device("m", "ESME", "SMETS2", MPAN)
    world.send("Supplier-1", "8.2", "m")
    return _outcome(world)


def _registration_corrected_before_due(world: World) -> str:
    _cast(world, ("Supplier-1", "IS"))
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("Supplier-1", MPAN, "2025-01-01", None)
    world.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    world.end_registration("Supplier-1", MPAN, "2026-06-15")
    world.reach_time("2026-06-30 12:00")
    return _outcome(world)


def _device_out_of_reach_for_days(world: World) -> str:
    _cast(world, ("Supplier-1", "IS"))
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("Supplier-1", MPAN, "2025-01-01", None)
    world.cut_off_device("m", "2026-06-30", "2026-07-10")
    world.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    world.reach_time("2026-07-10")
    return _outcome(world)


def _registered_no_signs_for_anothers_certificate(world: World) -> str:
    _cast(world, ("NO-A", "ED"), ("NO-B", "ED"))
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    world.place_certificates("m", "NetworkOperator", "NO-B")
    world.send_krp("NO-A", "m", "NetworkOperator", "NO-A")
    return _outcome(world)


PROBES: dict[str, tuple[str, Probe]] = {
    "s1sp-failure-answered-e21": ("baseline", _s1sp_failure),
    "smets1-ownership-checked-elsewhere": (
        "baseline",
        _registered_no_signs_for_anothers_certificate,
    ),
    "future-dated-never-timed-out": ("baseline", _device_out_of_reach_for_days),
    "future-dated-never-rechecked": ("baseline", _registration_corrected_before_due),
    "signed-pre-command-unchecked-access": ("baseline", _suspended_before_signing),
    "supplier-replaces-handed-over-no-cells": ("baseline", _supplier_replaces_no_cells),
    "dcc-control-per-device": ("baseline", _two_handovers),
    "inventory-open-to-any-supplier": ("baseline", _unregistered_supplier_reads_inventory),
    "backdated-execution-time-honoured": (
        "baseline",
        _supplier_read("2025-01-01", "2026-05-15 10:00", execution="2026-05-15 09:30"),
    ),
    "cancellation-judged-at-year-3000": (
        "baseline",
        _supplier_read("2025-01-01", "2026-06-01", execution="3000-12-31"),
    ),
    "rdp-check-on-smets2-critical": ("baseline", _krp_by_non_owner("SMETS2")),
    "rdp-check-skipped-smets1-critical": ("baseline", _krp_by_non_owner("SMETS1")),
    "smets1-ownership-unchecked": ("baseline", _krp_by_non_owner("SMETS1")),
    "smets2-ownership-unchecked": ("baseline", _krp_by_non_owner("SMETS2")),
    "dp107-fix-applied-to-smets2": ("dp107-registered-path", _krp_by_non_owner("SMETS2")),
    "range-start-only": (
        "baseline",
        _supplier_read("2025-01-01", "2026-06-01", period=("2026-05-20", "2026-06-10")),
    ),
    "receipt-time-not-execution-time": (
        "baseline",
        _supplier_read("2026-06-01", None, execution="2026-06-02"),
    ),
    "future-registrations-ignored": (
        "baseline",
        _supplier_read("2026-06-01", None, execution="2026-06-02"),
    ),
    "open-ended-registration-expired": ("baseline", _supplier_read("2025-01-01", None)),
    "registration-end-inclusive": (
        "baseline",
        _supplier_read("2025-01-01", "2026-06-01", execution="2026-06-01"),
    ),
    "e4-answered-as-e2": ("baseline", _supplier_read("2026-06-01", None)),
    "wrong-signer-accepted": ("baseline", _wrong_signer),
    "request-id-replay-accepted": ("baseline", _replay),
    "dsp-s1sp-copies-updated-separately": ("baseline", _s1sp_failure),
    "mp063-check-on-no-own-krp": ("baseline+mp063-check", _no_places_another_nos_certificate),
}


def test_every_mutant_has_a_probe() -> None:
    assert set(PROBES) == set(mutant_names())


@pytest.mark.parametrize("name", sorted(PROBES))
def test_each_mutant_answers_a_hand_built_request_differently(name: str) -> None:
    profile_name, probe = PROBES[name]
    profile = resolve(profile_name)
    conforming = World(ReferenceAdapter(profile, ReferenceDsp(profile)), profile.name)
    broken = World(ReferenceAdapter(profile, mutant_dsp(name, profile)), profile.name)
    expected, observed = probe(conforming), probe(broken)
    assert expected != observed, f"{name}: both answered {expected}"
