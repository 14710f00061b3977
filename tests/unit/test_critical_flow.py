"""The critical flow (CV 4 transform, CV 5 signed pre-command), ownership, replay and
future-dated commands, with real ECDSA signatures over the DSP's pre-command."""

from __future__ import annotations

import pytest
from dsp_scene import MPAN_A, SUPPLIER_CELL, Scene

from harness.domain.requests import (
    Outcome,
    ReadInstantaneousImportRegisters,
    ReadProfileData,
    RequestId,
)
from harness.domain.timeline import Period, parse_instant
from harness.signing import sign_payload, signed_by


def test_transform_answers_i0_with_a_pre_command(scene: Scene) -> None:
    request = scene.request(
        "NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=1), command_variant=4
    )
    response = scene.submit(request)
    assert (response.code, response.outcome) == ("I0", Outcome.TRANSFORMED)
    assert response.pre_command is not None
    assert str(request.request_id).encode() in response.pre_command
    assert scene.held("esme2") == scene.cert_id("NO-A"), "a transform alone changes nothing"


def test_pre_command_differs_per_request_body(scene: Scene) -> None:
    first = scene.submit(
        scene.request("NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=1), command_variant=4)
    )
    second = scene.submit(
        scene.request("NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=2), command_variant=4)
    )
    assert first.pre_command is not None
    assert second.pre_command is not None
    assert first.pre_command.split(b"|")[-1] != second.pre_command.split(b"|")[-1]


@pytest.mark.parametrize("device", ["esme2", "esme1"])
def test_owner_signs_and_the_update_lands(scene: Scene, device: str) -> None:
    flow = scene.critical("NO-A", device, scene.krp("NO-A", generation=1))
    assert flow.acknowledged is not None
    assert (flow.acknowledged.code, flow.acknowledged.outcome) == ("I99", Outcome.ACKNOWLEDGED)
    assert flow.final is not None
    assert (flow.final.code, flow.final.outcome, flow.final.answered_by) == (
        "I0",
        Outcome.COMPLETED,
        "device",
    )
    assert scene.held(device) == scene.cert_id("NO-A", generation=1)
    if device == "esme1":
        dsp_copy, s1sp_copy = scene.copies(device)
        assert dsp_copy == s1sp_copy


def test_signature_is_real_ecdsa_over_the_pre_command(scene: Scene) -> None:
    """The DSP verifies an actual P-256 signature: the sender's key verifies, others do not."""
    response = scene.submit(
        scene.request("NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=1), command_variant=4)
    )
    assert response.pre_command is not None
    signature = sign_payload(scene.credential("NO-A").private_key, response.pre_command)
    assert signed_by(scene.credential("NO-A").certificate, response.pre_command, signature)
    assert not signed_by(scene.credential("NO-B").certificate, response.pre_command, signature)
    assert not signed_by(
        scene.credential("NO-A").certificate, response.pre_command + b"x", signature
    )
    assert not signed_by(scene.credential("NO-A").certificate, response.pre_command, b"\x00")


def test_altered_pre_command_is_e51(scene: Scene) -> None:
    flow = scene.critical("NO-A", "esme2", scene.krp("NO-A", generation=1), alter=True)
    assert flow.acknowledged is not None
    assert (flow.acknowledged.code, flow.acknowledged.requirement) == ("E51", "CRIT-precommand")
    assert flow.finals == []
    assert scene.held("esme2") == scene.cert_id("NO-A")


def test_pre_command_signed_by_someone_else_is_e51(scene: Scene) -> None:
    flow = scene.critical(
        "NO-A", "esme2", scene.krp("NO-A", generation=1), signer=scene.credential("NO-B")
    )
    assert flow.acknowledged is not None
    assert (flow.acknowledged.code, flow.acknowledged.requirement) == ("E51", "CRIT-precommand")
    assert "not signed" in flow.acknowledged.detail
    assert scene.held("esme2") == scene.cert_id("NO-A")


def test_pre_command_signed_with_the_senders_xml_signing_key_is_e51(scene: Scene) -> None:
    """DOMAIN §2: critical commands are signed with the organisation digital-signing key
    (OU 02/03); the XML-signing key (OU 87) signs DUIS messages only. Under the registered
    path the S1SP no longer checks the signer, so the DSP's own check must hold the line."""
    for profile_scene in (scene, _registered_path_with_wrong_no_certificate()):
        flow = profile_scene.critical(
            "NO-A",
            "esme1",
            profile_scene.krp("NO-A", generation=1),
            signer=profile_scene.xml_credential("NO-A"),
        )
        assert flow.acknowledged is not None
        assert flow.acknowledged.code == "E51", (
            f"{profile_scene.dsp.profile.name}: a pre-command signed with the XML-signing key "
            f"was answered {flow.acknowledged.code}"
        )


def _registered_path_with_wrong_no_certificate() -> Scene:
    scene = Scene("dp107-registered-path")
    scene.party("NO-A", "ED")
    scene.party("NO-B", "ED")
    scene.register("NO-A", MPAN_A)
    scene.device("esme1", "ESME", "SMETS1")
    scene.place("esme1", "NO-B")
    return scene


def test_signed_pre_command_without_a_transform_is_e53(scene: Scene) -> None:
    request = scene.request(
        "NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=1), command_variant=4
    )
    forged = b"GBCS|" + str(request.request_id).encode() + b"|6.15.1|0"
    signature = sign_payload(scene.credential("NO-A").private_key, forged)
    response = scene.submit(scene.signed(request, forged, signature))
    assert (response.code, response.requirement, response.outcome) == (
        "E53",
        "CRIT-precommand",
        Outcome.REJECTED,
    )
    assert scene.held("esme2") == scene.cert_id("NO-A")


def test_signed_pre_command_sent_twice_is_a_replay(scene: Scene) -> None:
    flow = scene.critical("NO-A", "esme2", scene.krp("NO-A", generation=1))
    assert flow.acknowledged is not None
    assert flow.acknowledged.code == "I99"
    pre_command = flow.transformed.pre_command
    assert pre_command is not None
    signature = sign_payload(scene.credential("NO-A").private_key, pre_command)
    again = scene.submit(scene.signed(flow.request, pre_command, signature))
    assert (again.code, again.requirement) == ("E44", "DUIS-request-id")


def test_cv5_with_a_body_that_is_not_a_signed_pre_command_is_e51(scene: Scene) -> None:
    request = scene.request(
        "NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=1), command_variant=4
    )
    assert scene.submit(request).outcome is Outcome.TRANSFORMED
    wrong = scene.request(
        "NO-A",
        "esme2",
        "6.15.1",
        ReadInstantaneousImportRegisters(),
        command_variant=5,
        counter=request.request_id.counter,
    )
    response = scene.submit(wrong)
    assert response.code == "E51"


# -- ownership ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("device", "answered_by", "requirement"),
    [("esme2", "device", "SEC-OWNERSHIP-SMETS2"), ("esme1", "S1SP", "SEC-OWNERSHIP-SMETS1")],
)
def test_non_owner_is_refused_by_device_or_s1sp(
    scene: Scene, device: str, answered_by: str, requirement: str
) -> None:
    """NO-A owns the NO cell; NO-B (registered, so SMETS1's RDP check passes) does not."""
    scene.register("NO-B", MPAN_A)
    flow = scene.critical("NO-B", device, scene.krp("NO-B"))
    assert flow.transformed.outcome is Outcome.TRANSFORMED
    assert flow.acknowledged is not None
    assert flow.acknowledged.code == "I99", "the DSP acknowledges; ownership is decided later"
    assert flow.final is not None
    assert (flow.final.outcome, flow.final.answered_by, flow.final.requirement) == (
        Outcome.REJECTED,
        answered_by,
        requirement,
    )
    assert "NO-A" in flow.final.detail, "the refusal names the owner of the cell"
    assert scene.held(device) == scene.cert_id("NO-A")


def test_supplier_is_checked_against_the_supplier_cell(scene: Scene) -> None:
    """A supplier placing NO certificates (while the NO cells are the DCC's) signs as
    supplier: the supplier cell decides."""
    scene.party("SUP-B", "IS")
    scene.register("SUP-B", MPAN_A)
    scene.place("dcc", "SUP-A")
    refused = scene.critical("SUP-B", "dcc", scene.krp("NO-A", generation=2))
    assert refused.final is not None
    assert (refused.final.answered_by, refused.final.requirement) == (
        "device",
        "SEC-OWNERSHIP-SMETS2",
    )
    ok = scene.critical("SUP-A", "dcc", scene.krp("NO-A", generation=1))
    assert ok.final is not None
    assert ok.final.outcome is Outcome.COMPLETED
    assert scene.held("dcc", SUPPLIER_CELL) == scene.cert_id("SUP-A")
    assert scene.held("dcc") == scene.cert_id("NO-A", generation=1)


def test_new_owner_takes_over_after_an_update(scene: Scene) -> None:
    """After NO-A installs NO-B's certificates, only NO-B can change the cell (SMETS2)."""
    scene.critical("NO-A", "esme2", scene.krp("NO-B"))
    assert scene.held("esme2") == scene.cert_id("NO-B")
    refused = scene.critical("NO-A", "esme2", scene.krp("NO-A", generation=1))
    assert refused.final is not None
    assert refused.final.outcome is Outcome.REJECTED
    accepted = scene.critical("NO-B", "esme2", scene.krp("NO-A", generation=1))
    assert accepted.final is not None
    assert accepted.final.outcome is Outcome.COMPLETED
    assert scene.held("esme2") == scene.cert_id("NO-A", generation=1)


# -- future-dated ------------------------------------------------------------------------
@pytest.mark.parametrize("device", ["esme2", "esme1"])
def test_future_dated_critical_command_waits_for_its_time(scene: Scene, device: str) -> None:
    flow = scene.critical(
        "NO-A", device, scene.krp("NO-A", generation=1, execution="2026-03-05 02:00")
    )
    assert flow.acknowledged is not None
    assert flow.acknowledged.code == "I99"
    assert flow.finals == [], "no final response before the execution time"
    accepted = scene.scheduled(flow.request.request_id)
    assert [(r.answered_by, r.outcome) for r in accepted] == [("device", Outcome.SCHEDULED)]
    assert scene.held(device) == scene.cert_id("NO-A")
    scene.advance("2026-03-05 01:59:59")
    assert scene.finals(flow.request.request_id) == []
    assert scene.held(device) == scene.cert_id("NO-A")
    scene.advance("2026-03-05 02:00")
    finals = scene.finals(flow.request.request_id)
    assert [(r.code, r.outcome) for r in finals] == [("I0", Outcome.COMPLETED)]
    assert scene.held(device) == scene.cert_id("NO-A", generation=1)
    scene.advance("2026-03-06")
    assert len(scene.finals(flow.request.request_id)) == 1, "a command runs once"


def test_due_commands_run_in_execution_order(scene: Scene) -> None:
    """Two future-dated updates of one cell, reached in one clock move: the later wins."""
    late = scene.critical(
        "NO-A", "esme2", scene.krp("NO-A", generation=2, execution="2026-03-05 03:00")
    )
    early = scene.critical(
        "NO-A", "esme2", scene.krp("NO-A", generation=1, execution="2026-03-05 02:00")
    )
    assert late.acknowledged is not None
    assert early.acknowledged is not None
    scene.advance("2026-03-06")
    assert scene.held("esme2") == scene.cert_id("NO-A", generation=2)


def test_future_dated_non_critical_request_is_acknowledged_then_completed(
    scene: Scene,
) -> None:
    body = ReadInstantaneousImportRegisters(parse_instant("2026-03-02 00:00"))
    request = scene.request("SUP-A", "esme2", "4.1.1", body)
    assert scene.submit(request).outcome is Outcome.ACKNOWLEDGED
    assert scene.finals(request.request_id) == []
    scene.advance("2026-03-02 00:00")
    finals = scene.finals(request.request_id)
    assert [(r.code, r.outcome, r.answered_by) for r in finals] == [
        ("I0", Outcome.COMPLETED, "device")
    ]
    assert dict(finals[0].data).keys() == {"ImportRegister"}


def test_immediate_non_critical_request_completes_at_once(scene: Scene) -> None:
    period = Period(parse_instant("2026-02-01"), parse_instant("2026-02-02"))
    request = scene.request("SUP-A", "esme2", "4.8.1", ReadProfileData(period))
    assert scene.submit(request).code == "I99"
    finals = scene.finals(request.request_id)
    assert [(r.code, dict(r.data)) for r in finals] == [("I0", {"ProfileEntries": "48"})]


# -- replay ------------------------------------------------------------------------------
def test_reused_counter_is_e44_per_originator(scene: Scene) -> None:
    first = scene.request("SUP-A", "esme2", "4.1.1", ReadInstantaneousImportRegisters())
    assert scene.submit(first).code == "I99"
    replay = scene.submit(first)
    assert (replay.code, replay.requirement) == ("E44", "DUIS-request-id")
    counter = first.request_id.counter
    other_device = scene.request(
        "SUP-A", "esme1", "4.1.1", ReadInstantaneousImportRegisters(), counter=counter
    )
    assert scene.submit(other_device).code == "E44", "counters are unique per originator"
    other_sender = scene.request(
        "NO-A", "esme2", "4.1.1", ReadInstantaneousImportRegisters(), counter=counter
    )
    assert scene.submit(other_sender).code == "I99", "another originator may use it"


def test_a_new_counter_below_the_originators_last_is_accepted(scene: Scene) -> None:
    """DUIS-request-id refuses reuse only (docs/rules.md): concurrent requests may overtake."""
    first = scene.request("SUP-A", "esme2", "4.1.1", ReadInstantaneousImportRegisters())
    assert scene.submit(first).code == "I99"
    lower = scene.request(
        "SUP-A",
        "esme1",
        "4.1.1",
        ReadInstantaneousImportRegisters(),
        counter=first.request_id.counter - 1,
    )
    assert scene.submit(lower).code == "I99"


def test_counter_of_a_rejected_request_is_spent(scene: Scene) -> None:
    request = scene.request("NO-B", "esme2", "4.1.1", ReadInstantaneousImportRegisters())
    assert scene.submit(request).code == "E4"
    scene.register("NO-B", MPAN_A)
    assert scene.submit(request).code == "E44"


def test_replayed_transform_is_e44(scene: Scene) -> None:
    request = scene.request(
        "NO-A", "esme2", "6.15.1", scene.krp("NO-A", generation=1), command_variant=4
    )
    assert scene.submit(request).outcome is Outcome.TRANSFORMED
    assert scene.submit(request).code == "E44"


def test_request_id_of_responses_swaps_originator_and_target(scene: Scene) -> None:
    request = scene.request("SUP-A", "esme2", "4.1.1", ReadInstantaneousImportRegisters())
    rid = request.request_id
    assert rid.response_id() == f"{rid.target}:{rid.originator}:{rid.counter}"
    assert RequestId.parse(str(rid)) == rid
