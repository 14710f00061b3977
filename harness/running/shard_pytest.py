"""pytest plugin (``-p harness.running.shard_pytest``): keep only this shard's scenarios.

Deselection is deterministic, so every pytest-xdist worker collects the same items.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.running.shard import scenario_key, shard_from_environment


def item_key(item: pytest.Item) -> str:
    function = getattr(item, "obj", None)
    template: Any = scenario_wrapper_template_registry.get(function) if function else None
    if template is None:  # not a scenario: key it by its node ID
        return item.nodeid
    callspec = getattr(item, "callspec", None)
    example: dict[str, str] = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
    return scenario_key(template.feature.name, template.name, example.items())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shard = shard_from_environment()
    if shard is None:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (keep if shard.selects(item_key(item)) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
