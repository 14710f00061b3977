"""Differential runs: the target and the in-process reference answer every request, and each
difference is evidence. In process here (a DSP whose GBCS encoding differs, a mutant);
over HTTP against a served mutant in ``test_served_mutants.py``."""

from __future__ import annotations

from dataclasses import replace

from harness.adapters.comparing import ComparingAdapter, Difference
from harness.adapters.reference import ReferenceAdapter
from harness.domain.requests import Response, ServiceRequest
from harness.mutants import mutant_dsp
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import resolve
from harness.reference.state import PendingCommand
from harness.world import World

MPAN = "1200000000002"


class OtherEncodingDsp(ReferenceDsp):
    """A conforming DSP whose pre-commands (GBCS) differ from the reference's, as any real
    DSP's do: the User signs these, so the reference cannot check that signature as sent."""

    def submit(self, request: ServiceRequest) -> Response:
        response = super().submit(request)
        if response.pre_command is None:
            return response
        encoded = b"OTHER-GBCS|" + response.pre_command
        pending = self.state.pending[request.request_id]
        self.state.pending[request.request_id] = PendingCommand(pending.request, encoded)
        return replace(response, pre_command=encoded)


def _differential(
    primary: ReferenceDsp, profile: str = "baseline"
) -> tuple[World, list[Difference]]:
    resolved = resolve(profile)
    reported: list[Difference] = []
    adapter = ComparingAdapter(
        ReferenceAdapter(resolved, primary), ReferenceAdapter(resolved), report=reported.append
    )
    world = World(adapter, resolved.name)
    world.set_time("2026-03-01 10:00")
    for name in ("NO-A", "NO-B"):
        world.add_party(name, "ED")
    world.add_device("meter-2", "ESME", "SMETS2", MPAN)
    world.add_device("meter-1", "ESME", "SMETS1", MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    for device in ("meter-1", "meter-2"):
        world.place_certificates(device, "NetworkOperator", "NO-A")
    return world, reported


def _critical_flows(world: World) -> list[str]:
    outcomes = []
    for attempt in (
        lambda: world.send_krp("NO-A", "meter-2", "NetworkOperator", "NO-A"),
        lambda: world.send_krp("NO-A", "meter-2", "NetworkOperator", "NO-A", signer="NO-B"),
        lambda: world.send_krp(
            "NO-A", "meter-2", "NetworkOperator", "NO-A", alter_pre_command=True
        ),
        lambda: world.send_orphan_signed_pre_command("NO-A", "meter-2"),
        lambda: world.send_krp("NO-B", "meter-1", "NetworkOperator", "NO-B"),
        lambda: world.send_krp("NO-A", "meter-1", "NetworkOperator", "NO-B"),
        lambda: world.send_krp(
            "NO-A", "meter-1", "NetworkOperator", "NO-A"
        ),  # NO-A no longer owns it
    ):
        outcomes.append(attempt().observed().status)
    world.expect_copies_agree("meter-1")
    return outcomes


def test_a_conforming_dsp_with_its_own_encoding_shows_no_difference() -> None:
    """The shadow gets its own pre-command, signed by the same key, altered the same way."""
    world, reported = _differential(OtherEncodingDsp(resolve("baseline")))
    outcomes = _critical_flows(world)
    assert outcomes == [
        "completed",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "completed",
        "rejected",
    ]
    assert reported == []


def test_without_re_signing_the_reference_would_refuse_every_signed_pre_command() -> None:
    """Why the World enrols each party's digital-signing key with the comparing adapter."""
    world, reported = _differential(OtherEncodingDsp(resolve("baseline")))
    adapter = world.adapter
    assert isinstance(adapter, ComparingAdapter)
    adapter._signers.clear()  # as if the World had not enrolled the keys
    world.send_krp("NO-A", "meter-2", "NetworkOperator", "NO-A")
    assert [d.reference for d in reported][:1] == ["E51 rejected (by the DSP)"]


def test_a_mutant_target_departs_and_the_difference_names_both_answers() -> None:
    profile = resolve("baseline")
    world, reported = _differential(mutant_dsp("request-id-replay-accepted", profile))
    world.send("NO-A", "4.1.1", "meter-2")
    assert reported == []
    world.resend_last()
    synchronous = reported[0]
    assert synchronous.where == "SRV 4.1.1 CV1, synchronous response"
    assert synchronous.target == "I99 acknowledged (by the DSP)"
    assert synchronous.reference == "E44 rejected (by the DSP)"
    assert synchronous.request_id == str(world.last_attempt().request_id)
    assert "Departs from the reference" in synchronous.title
    assert '"reference": "E44 rejected (by the DSP)"' in synchronous.render()
    # The verdict is still the target's own: the scenario judges what the target said.
    assert world.last_attempt().observed().status == "completed"


def test_held_certificates_are_compared_too() -> None:
    profile = resolve("baseline")
    world, reported = _differential(mutant_dsp("dsp-s1sp-copies-updated-separately", profile))
    world.inject_s1sp_fault()
    world.send_krp("NO-A", "meter-1", "NetworkOperator", "NO-B")
    assert reported == []  # both answer S1SP02 from the S1SP
    world.adapter.held_certificates(world.device("meter-1").device_id)
    assert [d.where.split(" (")[1] for d in reported] == ["DSP copy)"]
