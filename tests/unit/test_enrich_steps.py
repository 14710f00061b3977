"""A result's steps keep their own values and lose the World fixture allure-pytest-bdd lists."""

from __future__ import annotations

from typing import Any

from harness.running.enrich import EnrichmentIndex, RunIdentity, enrich_result

WORLD = {"name": "world", "value": "<harness.world.World object at 0x7f00deadbeef>"}


def _step(name: str, parameters: list[dict[str, str]], **more: Any) -> dict[str, Any]:
    return {"name": name, "status": "passed", "parameters": parameters, **more}


def test_the_world_fixture_leaves_every_step_and_the_values_stay() -> None:
    when = {"name": "when", "value": "'2026-03-01 10:00'"}
    inner = _step("inner", [WORLD, {"name": "code", "value": "'E5'"}])
    document: dict[str, Any] = {
        "name": "S",
        "labels": [{"name": "feature", "value": "F"}],
        "parameters": [{"name": "example", "value": "1"}],
        "steps": [
            _step("Given the time is 2026-03-01 10:00", [when, WORLD]),
            _step("And the following Users:", [WORLD], steps=[inner]),
        ],
    }
    index = EnrichmentIndex(rows=(), requirements={})
    run = RunIdentity(profile="baseline", target="reference", runner="pytest-bdd")
    done = enrich_result(document, index, run)
    first, second = done["steps"]
    assert first["parameters"] == [when]
    assert "parameters" not in second  # nothing of its own: no empty list either
    assert second["steps"][0]["parameters"] == [{"name": "code", "value": "'E5'"}]
    assert {"name": "example", "value": "1"} in done["parameters"]  # the scenario's own kept
