"""DSP and S1SP copies of SMETS1 notified certificates: an update lands in both or neither.

A fault is injected through ``S1spStore.fault_hook``, which the S1SP calls before it stages
each entry; raising ``S1spFailure`` there interrupts the update part-way.
"""

from __future__ import annotations

import pytest
from dsp_scene import MPAN_A, Scene

from harness.domain.requests import Outcome
from harness.reference.cells import S1spFailure


class FailOnce:
    """Fail the first update that reaches entry ``step``, then behave."""

    def __init__(self, step: int) -> None:
        self.step = step
        self.fired = 0
        self.calls: list[int] = []

    def __call__(self, step: int) -> None:
        self.calls.append(step)
        if step >= self.step and not self.fired:
            self.fired += 1
            raise S1spFailure(f"injected at entry {step}")


def smets1_meter() -> Scene:
    scene = Scene()
    scene.party("NO-A", "ED")
    scene.register("NO-A", MPAN_A)
    scene.device("meter", "ESME", "SMETS1")
    scene.place("meter", "NO-A")
    return scene


@pytest.mark.parametrize("failing_entry", [0, 1])
def test_s1sp_failure_mid_update_leaves_both_copies_old_then_retry_lands(
    failing_entry: int,
) -> None:
    scene = smets1_meter()
    old = scene.copies("meter")[0]
    assert len(old) == 2, "the NO cell pair: digital signing and key agreement"
    hook = FailOnce(failing_entry)
    scene.state.s1sp.fault_hook = hook

    flow = scene.critical("NO-A", "meter", scene.krp("NO-A", generation=1))
    assert flow.acknowledged is not None
    assert flow.acknowledged.code == "I99"
    assert hook.fired == 1, "the fault was never reached"
    assert flow.final is not None
    assert (flow.final.code, flow.final.answered_by, flow.final.requirement) == (
        "S1SP02",
        "S1SP",
        "DSP-S1SP-consistency",
    )
    assert flow.final.outcome is Outcome.REJECTED
    dsp_copy, s1sp_copy = scene.copies("meter")
    assert dsp_copy == s1sp_copy == old, "a failed update must leave both copies as they were"

    retry = scene.critical("NO-A", "meter", scene.krp("NO-A", generation=1))
    assert retry.final is not None
    assert (retry.final.code, retry.final.outcome) == ("I0", Outcome.COMPLETED)
    dsp_copy, s1sp_copy = scene.copies("meter")
    assert dsp_copy == s1sp_copy
    assert scene.held("meter") == scene.cert_id("NO-A", generation=1)
    assert set(dsp_copy.values()).isdisjoint(old.values()), "both entries are new"


def test_s1sp_failure_at_a_future_execution_time() -> None:
    """A future-dated update fails when it falls due; nothing changes; the copies agree."""
    scene = smets1_meter()
    old = scene.copies("meter")[0]
    flow = scene.critical(
        "NO-A", "meter", scene.krp("NO-A", generation=1, execution="2026-03-02 00:00")
    )
    assert flow.finals == []
    scene.state.s1sp.fault_hook = FailOnce(1)
    scene.advance("2026-03-02 00:00")
    finals = scene.finals(flow.request.request_id)
    assert [(r.code, r.answered_by) for r in finals] == [("S1SP02", "S1SP")]
    assert scene.copies("meter") == (old, old)


def test_without_a_fault_the_hook_sees_every_entry() -> None:
    scene = smets1_meter()
    hook = FailOnce(step=99)
    scene.state.s1sp.fault_hook = hook
    flow = scene.critical("NO-A", "meter", scene.krp("NO-A", generation=1))
    assert flow.final is not None
    assert flow.final.outcome is Outcome.COMPLETED
    assert hook.calls == [0, 1]
    assert scene.state.copies_agree(scene.devices["meter"].device_id)
