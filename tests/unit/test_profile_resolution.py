"""Profiles: resolving names, and what each DP107 candidate changes (and does not)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dsp_scene import MPAN_A, SUPPLIER_CELL, Scene

from harness.domain.requests import Outcome, ReadInstantaneousImportRegisters
from harness.domain.roles import RemotePartyRole
from harness.errors import UnknownName
from harness.reference.profiles import PIPELINE, PROFILES, SWITCHES, profile_names, resolve
from harness.reference.rules import RULES
from harness.reference.rules.srpd import baseline_scope

# -- resolving names -----------------------------------------------------------------------


def test_switch_on_top_of_a_profile() -> None:
    profile = resolve("baseline+mp063-check")
    assert profile.name == "baseline+mp063-check"
    assert profile.switches == ("mp063-check",)
    assert profile.pipeline == (*PIPELINE, "MP063-check")
    assert profile.version == PROFILES["baseline"].version
    assert "MP063-check" not in resolve("baseline").pipeline


def test_bare_switch_means_baseline_with_it() -> None:
    assert resolve("mp063-check").name == "baseline+mp063-check"
    assert resolve("mp063-check").pipeline == resolve("baseline+mp063-check").pipeline


def test_switch_keeps_the_base_profiles_policies() -> None:
    plain, switched = resolve("dp107-owner-path"), resolve("dp107-owner-path+mp063-check")
    assert switched.rdp_scope is plain.rdp_scope
    assert switched.rdp_scope is not baseline_scope
    assert switched.s1sp_ownership is plain.s1sp_ownership
    assert "MP063-check" in switched.pipeline


def test_names_are_trimmed_and_switches_deduplicated() -> None:
    profile = resolve(" baseline + mp063-check + mp063-check ")
    assert profile.name == "baseline+mp063-check"
    assert profile.pipeline.count("MP063-check") == 1, profile.pipeline


@pytest.mark.parametrize("name", profile_names())
def test_every_listed_name_resolves_to_itself(name: str) -> None:
    profile = resolve(name)
    assert profile.name == name
    assert all(rid in RULES for rid in profile.pipeline), "pipeline names an unknown rule"
    assert profile.rules(), "a profile runs at least one rule"


def test_listed_names_cover_every_profile_and_switch() -> None:
    names = profile_names()
    assert set(PROFILES) <= set(names)
    assert {f"{p}+{s}" for p in PROFILES for s in SWITCHES} <= set(names)
    assert {"baseline", "dp107-owner-path", "dp107-registered-path"} <= set(PROFILES)


@pytest.mark.parametrize("name", ["baselin", "", "dp107", "+mp063-check"])
def test_unknown_profile_lists_the_known_names(name: str) -> None:
    with pytest.raises(UnknownName) as caught:
        resolve(name)
    message = str(caught.value)
    assert repr(name) in message
    for known in (*PROFILES, *SWITCHES):
        assert known in message, f"{known!r} missing from: {message}"


def test_unknown_switch_lists_the_known_switches() -> None:
    with pytest.raises(UnknownName) as caught:
        resolve("baseline+mp064-check")
    message = str(caught.value)
    assert "'mp064-check'" in message
    assert "mp063-check" in message


# -- what the candidates change ------------------------------------------------------------


def _deadlocked(profile: str) -> Scene:
    """DP107: NO-B's certificates notified for a SMETS1 meter whose MPAN is NO-A's."""
    scene = Scene(profile)
    scene.party("NO-A", "ED")
    scene.party("NO-B", "ED")
    scene.party("SUP-A", "IS")
    scene.party("SUP-B", "IS")
    scene.register("NO-A", MPAN_A)
    scene.register("SUP-A", MPAN_A)
    for name, generation in (("esme1", "SMETS1"), ("esme2", "SMETS2")):
        scene.device(name, "ESME", generation)
        scene.place(name, "NO-B")
        scene.place(name, "SUP-A")
    return scene


Verdict = Callable[[Scene], str]


def _krp_outcome(sender: str, device: str, certificates_of: str) -> Verdict:
    def run(scene: Scene) -> str:
        flow = scene.critical(sender, device, scene.krp(certificates_of, generation=1))
        for response in (flow.transformed, flow.acknowledged, *flow.finals):
            if response is not None and response.is_error:
                return f"{response.answered_by} {response.code}"
        return "applied" if flow.final and flow.final.outcome is Outcome.COMPLETED else "pending"

    return run


@pytest.mark.parametrize(
    ("profile", "owner_fix", "registered_fix"),
    [
        ("baseline", "DSP E4", "S1SP I0"),
        ("dp107-owner-path", "applied", "S1SP I0"),
        ("dp107-registered-path", "DSP E4", "applied"),
        ("baseline+mp063-check", "DSP E4", "S1SP I0"),
        ("dp107-owner-path+mp063-check", "applied", "S1SP I0"),
        ("dp107-registered-path+mp063-check", "DSP E4", "applied"),
    ],
)
def test_who_can_fix_the_wrong_smets1_certificate(
    profile: str, owner_fix: str, registered_fix: str
) -> None:
    """NO-B owns the notified certificate, NO-A is registered; each tries to install
    NO-A's certificates."""
    assert _krp_outcome("NO-B", "esme1", "NO-A")(_deadlocked(profile)) == owner_fix
    scene = _deadlocked(profile)
    assert _krp_outcome("NO-A", "esme1", "NO-A")(scene) == registered_fix
    fixed = registered_fix == "applied"
    assert (scene.held("esme1") == scene.cert_id("NO-A", generation=1)) is fixed
    dsp_copy, s1sp_copy = scene.copies("esme1")
    assert dsp_copy == s1sp_copy


def test_owner_path_waives_only_the_no_certificate_replacement() -> None:
    """NO-B owns the notified NO certificate but is not registered: the waiver covers its
    6.15.1 replacing the NO cell, nothing else."""
    scene = _deadlocked("dp107-owner-path")
    read = scene.send("NO-B", "esme1", "4.1.1", ReadInstantaneousImportRegisters())
    assert read.code == "E4", "a non-critical request from the owner still needs registration"
    supplier_cell = scene.submit(
        scene.request(
            "NO-B",
            "esme1",
            "6.15.1",
            scene.krp("SUP-B", role=RemotePartyRole.SUPPLIER),
            command_variant=4,
        )
    )
    assert supplier_cell.code == "E4"
    scene.party("NO-C", "ED")
    stranger = _krp_outcome("NO-C", "esme1", "NO-A")(scene)
    assert stranger == "DSP E4", "a NO owning nothing gets no waiver"


def test_registered_path_is_for_the_registered_network_operator_only() -> None:
    """DOMAIN §3.4: the RDP-registered *NO* may replace the NO certificate without owning it.
    A registered supplier placing NO certificates on a SMETS1 ESME still signs as supplier,
    and the S1SP must still check that signature against the supplier cell."""
    scene = _deadlocked("dp107-registered-path")
    scene.register("SUP-B", MPAN_A)  # registered, but SUP-A owns the supplier cell
    # A Supplier places NO certificates only while the NO cells are the DCC's.
    scene.device("esme1-dcc", "ESME", "SMETS1", dcc_controlled=True)
    scene.place("esme1-dcc", "SUP-A")
    outcome = _krp_outcome("SUP-B", "esme1-dcc", "NO-A")(scene)
    assert outcome == "S1SP I0", f"a supplier not owning the supplier cell got: {outcome}"
    assert scene.held("esme1-dcc", SUPPLIER_CELL) == scene.cert_id("SUP-A")
    assert scene.held("esme1-dcc") is None
    assert _krp_outcome("SUP-B", "esme1", "NO-A")(scene) == "DSP E061501", (
        "NO-B's own certificates are not the DCC's: no Supplier replaces them"
    )


def test_registered_path_still_needs_registration_at_the_execution_time() -> None:
    scene = _deadlocked("dp107-registered-path")
    scene.state.registrations.entries.clear()
    scene.register("NO-A", MPAN_A, "2025-01-01", "2026-03-10")
    scene.register("NO-B", MPAN_A, "2026-03-10", None)
    flow = scene.critical(
        "NO-A", "esme1", scene.krp("NO-A", generation=1, execution="2026-03-12 00:00")
    )
    assert flow.transformed.code == "E4", "NO-A will no longer be registered then"


def test_smets2_owner_can_always_fix_it() -> None:
    """DP107's contrast: on SMETS2 the owner of the current certificate fixes it under
    every profile, registered or not."""
    for name in profile_names():
        scene = _deadlocked(name)
        assert _krp_outcome("NO-B", "esme2", "NO-A")(scene) == "applied", name
        assert scene.held("esme2") == scene.cert_id("NO-A", generation=1)


def _supplier_and_two_nos(profile: str) -> Scene:
    scene = Scene(profile)
    for name, role in (("NO-A", "ED"), ("NO-B", "ED"), ("SUP-A", "IS")):
        scene.party(name, role)
        if name != "NO-B":
            scene.register(name, MPAN_A)
    scene.device("esme1", "ESME", "SMETS1")
    scene.place("esme1", "NO-A")
    scene.place("esme1", "SUP-A")
    scene.device("esme1-dcc", "ESME", "SMETS1", dcc_controlled=True)  # NO cells: the DCC's
    scene.place("esme1-dcc", "SUP-A")
    return scene


@pytest.mark.parametrize(
    ("profile", "supplier_outcome"),
    [("baseline", "applied"), ("baseline+mp063-check", "DSP E061505")],
)
def test_mp063_stops_suppliers_but_leaves_the_dp107_hazard_open(
    profile: str, supplier_outcome: str
) -> None:
    """A Supplier placing an unregistered NO's certificates is stopped by the switch. The
    registered NO sending another NO's certificates is accepted with or without it (the
    check only reads Suppliers' requests), and afterwards the registered NO is locked out."""
    scene = _supplier_and_two_nos(profile)
    assert _krp_outcome("SUP-A", "esme1-dcc", "NO-B")(scene) == supplier_outcome
    scene = _supplier_and_two_nos(profile)
    assert _krp_outcome("NO-A", "esme1", "NO-B")(scene) == "applied"
    assert scene.held("esme1") == scene.cert_id("NO-B", generation=1)
    stuck = _krp_outcome("NO-A", "esme1", "NO-A")(scene)
    assert stuck == "S1SP I0", f"after the hazard NO-A should be locked out, got {stuck}"
