"""SRPD 6.1(f): the three limbs, "is or will be", and which requests the clause reaches.

The registration history used here (MPAN_A, Import Supplier):
    OLD-SUP  [2025-01-01, 2026-04-01)    the losing supplier
    NEW-SUP  [2026-04-01, open)          the gaining supplier ("will be" until April)
    SPLIT    [2025-01-01, 2026-02-01) and [2026-02-01, open)   two touching registrations
The clock starts at 2026-03-01 10:00.
"""

from __future__ import annotations

import pytest
from dsp_scene import MPAN_A, Scene

from harness.domain.requests import (
    Outcome,
    ReadInstantaneousImportRegisters,
    ReadInventory,
    ReadProfileData,
    Response,
    UpdateSecurityCredentialsCoS,
)
from harness.domain.timeline import Period, parse_instant
from harness.reference.rules.srpd import baseline_scope


@pytest.fixture
def change_of_supplier() -> Scene:
    scene = Scene()
    for name in ("OLD-SUP", "NEW-SUP", "SPLIT"):
        scene.party(name, "IS")
    scene.register("OLD-SUP", MPAN_A, "2025-01-01", "2026-04-01")
    scene.register("NEW-SUP", MPAN_A, "2026-04-01", None)
    scene.register("SPLIT", MPAN_A, "2025-01-01", "2026-02-01")
    scene.register("SPLIT", MPAN_A, "2026-02-01", None)
    scene.device("meter", "ESME", "SMETS2")
    return scene


def read_log(scene: Scene, sender: str, start: str, end: str) -> Response:
    period = Period(parse_instant(start), parse_instant(end))
    return scene.send(sender, "meter", "4.8.1", ReadProfileData(period))


def read_at(scene: Scene, sender: str, execution: str | None) -> Response:
    body = ReadInstantaneousImportRegisters(parse_instant(execution) if execution else None)
    return scene.send(sender, "meter", "4.1.1", body)


def verdict(response: Response) -> str:
    return f"{response.code} [{response.requirement}]" if response.is_error else "accepted"


# -- limb (i): every instant of a requested range -----------------------------------------
@pytest.mark.parametrize(
    ("sender", "start", "end", "expected"),
    [
        ("OLD-SUP", "2026-01-01", "2026-02-01", "accepted"),
        ("OLD-SUP", "2026-03-31 23:00", "2026-03-31 23:59:59", "accepted"),
        # the registration ends at 2026-04-01 00:00, exclusive; the range includes its end
        ("OLD-SUP", "2026-03-31", "2026-04-01", "E4 [SRPD-6.1f-i]"),
        ("NEW-SUP", "2026-03-31", "2026-04-02", "E4 [SRPD-6.1f-i]"),
        ("NEW-SUP", "2026-04-01", "2026-04-02", "accepted"),
        ("NEW-SUP", "2026-04-01", "2026-04-01", "accepted"),
        # straddling the change: neither party covers all of it
        ("OLD-SUP", "2026-03-15", "2026-04-15", "E4 [SRPD-6.1f-i]"),
        ("NEW-SUP", "2026-03-15", "2026-04-15", "E4 [SRPD-6.1f-i]"),
        # one party's touching registrations cover the join
        ("SPLIT", "2026-01-15", "2026-02-15", "accepted"),
        ("SPLIT", "2024-12-31", "2025-01-02", "E4 [SRPD-6.1f-i]"),
    ],
)
def test_limb_i_requires_every_instant_of_the_range(
    change_of_supplier: Scene, sender: str, start: str, end: str, expected: str
) -> None:
    assert verdict(read_log(change_of_supplier, sender, start, end)) == expected


def test_limb_i_range_wins_over_an_execution_time(change_of_supplier: Scene) -> None:
    """With both a range and an execution time, the range decides (limb i, not ii)."""
    scene = change_of_supplier
    period = Period(parse_instant("2026-03-15"), parse_instant("2026-04-15"))
    body = ReadProfileData(period, execution_time=parse_instant("2026-05-01"))
    response = scene.send("NEW-SUP", "meter", "4.8.1", body)
    assert verdict(response) == "E4 [SRPD-6.1f-i]"


# -- limb (ii): the execution time of a future-dated request ------------------------------
@pytest.mark.parametrize(
    ("sender", "execution", "expected"),
    [
        ("NEW-SUP", "2026-04-02 09:00", "accepted"),  # will be registered then
        ("NEW-SUP", "2026-04-01 00:00", "accepted"),  # the first instant of it
        ("NEW-SUP", "2026-03-31 23:59:59", "E4 [SRPD-6.1f-ii]"),
        ("OLD-SUP", "2026-03-20 09:00", "accepted"),
        ("OLD-SUP", "2026-04-01 00:00", "E4 [SRPD-6.1f-ii]"),  # registered now, not then
    ],
)
def test_limb_ii_checks_the_execution_time(
    change_of_supplier: Scene, sender: str, execution: str, expected: str
) -> None:
    assert verdict(read_at(change_of_supplier, sender, execution)) == expected


def test_will_be_eligible_request_runs_when_its_time_comes(change_of_supplier: Scene) -> None:
    scene = change_of_supplier
    body = ReadInstantaneousImportRegisters(parse_instant("2026-04-02 09:00"))
    request = scene.request("NEW-SUP", "meter", "4.1.1", body)
    assert scene.submit(request).outcome is Outcome.ACKNOWLEDGED
    scene.advance("2026-04-02 08:59")
    assert scene.finals(request.request_id) == [], "ran before its execution time"
    scene.advance("2026-04-02 09:00")
    finals = scene.finals(request.request_id)
    assert [(r.code, r.outcome) for r in finals] == [("I0", Outcome.COMPLETED)]


# -- limb (iii): the time of the check ------------------------------------------------------
def test_limb_iii_checks_the_time_of_the_check(change_of_supplier: Scene) -> None:
    scene = change_of_supplier
    assert verdict(read_at(scene, "OLD-SUP", None)) == "accepted"
    assert verdict(read_at(scene, "NEW-SUP", None)) == "E4 [SRPD-6.1f-iii]"
    scene.advance("2026-04-01 00:00")
    assert verdict(read_at(scene, "OLD-SUP", None)) == "E4 [SRPD-6.1f-iii]"
    assert verdict(read_at(scene, "NEW-SUP", None)) == "accepted"


def test_gaining_supplier_change_of_supplier_will_be(change_of_supplier: Scene) -> None:
    """6.23, the textbook "will be an Eligible User": future-dated inside the gaining
    supplier's registration passes; immediate fails; the losing supplier cannot
    future-date past its own end."""
    scene = change_of_supplier
    point = scene.devices["meter"].meter_point
    assert point is not None

    def cos(sender: str, execution: str | None) -> Response:
        body = UpdateSecurityCredentialsCoS(
            point,
            scene.pair("NEW-SUP"),
            parse_instant(execution) if execution else None,
        )
        return scene.send(sender, "meter", "6.23", body)

    assert verdict(cos("NEW-SUP", "2026-04-01 06:00")) == "accepted"
    assert verdict(cos("NEW-SUP", None)) == "E4 [SRPD-6.1f-iii]"
    assert verdict(cos("OLD-SUP", "2026-04-01 06:00")) == "E4 [SRPD-6.1f-ii]"


def test_rejection_names_the_instant_it_checked(change_of_supplier: Scene) -> None:
    response = read_at(change_of_supplier, "NEW-SUP", "2026-03-31 12:00")
    assert "2026-03-31T12:00:00Z" in response.detail
    assert "execution time" in response.detail


# -- scope: which requests the clause reaches ------------------------------------------------
@pytest.mark.parametrize(
    ("device", "srv", "in_scope"),
    [
        ("esme2", "4.1.1", True),  # non-critical, SMETS2
        ("esme1", "4.1.1", True),  # non-critical, SMETS1
        ("esme1", "6.15.1", True),  # SMETS1 critical
        ("esme2", "6.15.1", False),  # SMETS2 critical: the device checks ownership instead
        ("esme2", "8.2", False),  # non-device
    ],
)
def test_scope_of_the_clause(scene: Scene, device: str, srv: str, in_scope: bool) -> None:
    """NO-B owns nothing and is registered nowhere: E4 exactly where the clause applies."""
    if srv == "6.15.1":
        body = scene.krp("NO-A", generation=1)
        request = scene.request("NO-B", device, srv, body, command_variant=4)
    elif srv == "8.2":
        request = scene.request("NO-B", device, srv, ReadInventory(scene.eui("device", device)))
    else:
        request = scene.request("NO-B", device, srv, ReadInstantaneousImportRegisters())
    assert baseline_scope(scene.check(request)) is in_scope
    response = scene.submit(request)
    assert (response.code == "E4") is in_scope, f"{response.code}: {response.detail}"
    if not in_scope:
        assert not response.is_error, f"{response.code}: {response.detail}"


def test_smets2_critical_is_refused_by_the_device_not_the_rdp_check(scene: Scene) -> None:
    """SMETS2 critical: no RDP check, but the device still refuses a non-owner."""
    flow = scene.critical("NO-B", "esme2", scene.krp("NO-A", generation=1))
    assert flow.transformed.outcome is Outcome.TRANSFORMED
    assert flow.final is not None
    assert (flow.final.answered_by, flow.final.requirement) == ("device", "SEC-OWNERSHIP-SMETS2")
    assert scene.held("esme2") == scene.cert_id("NO-A")
