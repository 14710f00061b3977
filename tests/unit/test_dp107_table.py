"""DOMAIN.md §3.3, the DP107 table, under every profile, driven through the World.

Each row is one SRV 6.15.1 replacing the NO certificates on an ESME. The sender is NO-S;
NO-O is the other network operator. "owns" says whose certificate sits in the NO cell
before the request (NO-S's or NO-O's); "registered" says who is the registered Electricity
Distributor for the MPAN at the time of the check (NO-S or NO-O). The request installs the
registered NO's certificates (the correct ones).

Outcomes: ``applied``; ``E4`` (rejected by the DSP with E4); ``S1SP`` (the S1SP's ownership
check refuses it); ``device`` (the SMETS2 device's ownership check refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness.adapters.reference import ReferenceAdapter
from harness.expectations import Observed
from harness.reference.profiles import resolve
from harness.world import World

PROFILES = ("baseline", "dp107-owner-path", "dp107-registered-path", "baseline+mp063-check")

MPAN = "1200000000002"


@dataclass(frozen=True)
class Row:
    device: str
    owns: bool  # the sender owns the current NO certificate
    registered: bool  # the sender is the registered NO
    baseline: str
    owner_path: str
    registered_path: str
    mp063: str

    def expected(self, profile: str) -> str:
        return {
            "baseline": self.baseline,
            "dp107-owner-path": self.owner_path,
            "dp107-registered-path": self.registered_path,
            "baseline+mp063-check": self.mp063,
        }[profile]

    @property
    def label(self) -> str:
        owns = "owner" if self.owns else "not-owner"
        registered = "registered" if self.registered else "not-registered"
        return f"{self.device}-{owns}-{registered}"


Y, N = True, False

# fmt: off
TABLE: tuple[Row, ...] = (
    #   device    owns reg.  baseline   owner-path  registered-path  +mp063-check
    Row("SMETS2", Y,   Y,    "applied", "applied",  "applied",       "applied"),
    Row("SMETS2", Y,   N,    "applied", "applied",  "applied",       "applied"),
    Row("SMETS2", N,   Y,    "device",  "device",   "device",        "device"),
    Row("SMETS2", N,   N,    "device",  "device",   "device",        "device"),
    Row("SMETS1", Y,   Y,    "applied", "applied",  "applied",       "applied"),
    Row("SMETS1", Y,   N,    "E4",      "applied",  "E4",            "E4"),
    Row("SMETS1", N,   Y,    "S1SP",    "S1SP",     "applied",       "S1SP"),
    Row("SMETS1", N,   N,    "E4",      "E4",       "E4",            "E4"),
)
# fmt: on

# The rows each candidate changes relative to baseline (DOMAIN §3.4).
CHANGED_ROWS = {
    "baseline": set(),
    "dp107-owner-path": {"SMETS1-owner-not-registered"},
    "dp107-registered-path": {"SMETS1-not-owner-registered"},
    "baseline+mp063-check": set(),  # MP063 reads Suppliers' requests only
}


def summarise(observed: Observed) -> str:
    if observed.status == "completed":
        return "applied"
    if observed.status != "rejected":
        return observed.status
    if observed.answered_by == "DSP":
        return str(observed.code)
    return str(observed.answered_by)


def run_row(row: Row, profile: str) -> tuple[str, Observed]:
    world = World(ReferenceAdapter(resolve(profile)), profile)
    world.set_time("2026-03-01 10:00")
    world.add_party("NO-S", "ED")
    world.add_party("NO-O", "ED")
    world.add_device("meter", "ESME", row.device, MPAN)
    registered = "NO-S" if row.registered else "NO-O"
    world.register(registered, MPAN, "2025-01-01", None)
    world.place_certificates("meter", "NetworkOperator", "NO-S" if row.owns else "NO-O")
    attempt = world.send_krp("NO-S", "meter", "NetworkOperator", certificates_of=registered)
    observed = attempt.observed()
    if observed.status == "completed":
        world.expect_holder("meter", "NetworkOperator", registered)
    if row.device == "SMETS1":
        world.expect_copies_agree("meter")
    return summarise(observed), observed


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("row", TABLE, ids=[row.label for row in TABLE])
def test_dp107_table(row: Row, profile: str) -> None:
    outcome, observed = run_row(row, profile)
    assert outcome == row.expected(profile), (
        f"{profile}, {row.label}: expected {row.expected(profile)}, got {observed.describe()}"
    )


def test_table_covers_every_combination() -> None:
    combos = {(r.device, r.owns, r.registered) for r in TABLE}
    assert combos == {(d, o, g) for d in ("SMETS1", "SMETS2") for o in (Y, N) for g in (Y, N)}


@pytest.mark.parametrize("profile", [p for p in PROFILES if p != "baseline"])
def test_rows_each_candidate_changes(profile: str) -> None:
    """Observed, not read from the table: which rows behave differently from baseline."""
    changed = {
        row.label for row in TABLE if run_row(row, profile)[0] != run_row(row, "baseline")[0]
    }
    assert changed == CHANGED_ROWS[profile]


def test_baseline_deadlock_neither_no_can_fix_a_smets1_meter() -> None:
    """NO-B's certificates are notified; NO-A is registered. Under baseline NO-A fails the
    S1SP ownership check, NO-B fails 6.1(f), and the wrong certificate stays."""
    world = World(ReferenceAdapter(resolve("baseline")), "baseline")
    world.set_time("2026-03-01 10:00")
    world.add_party("NO-A", "ED")
    world.add_party("NO-B", "ED")
    world.add_device("meter", "ESME", "SMETS1", MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    world.place_certificates("meter", "NetworkOperator", "NO-B")
    by_registered = world.send_krp("NO-A", "meter", "NetworkOperator", certificates_of="NO-A")
    assert summarise(by_registered.observed()) == "S1SP"
    assert by_registered.observed().requirement == "SEC-OWNERSHIP-SMETS1"
    by_owner = world.send_krp("NO-B", "meter", "NetworkOperator", certificates_of="NO-A")
    assert summarise(by_owner.observed()) == "E4"
    assert str(by_owner.observed().requirement).startswith("SRPD-6.1f")
    world.expect_holder("meter", "NetworkOperator", "NO-B")
    world.expect_copies_agree("meter")
