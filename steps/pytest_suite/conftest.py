"""pytest-bdd entry: the World fixture, tag handling, unknown steps, and the binder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.errors import NotApplicable
from harness.runtime import RunSettings, new_world
from harness.tags import read_tags
from harness.unknown_steps import UnknownStep
from harness.world import World
from steps.binders.pytest_bdd import bind
from steps.library import nearest_phrases

bind()


@pytest.fixture
def world() -> Iterator[World]:
    instance = new_world(RunSettings.from_environment())
    yield instance
    instance.adapter.close()


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool | None:
    """Our namespaced tags are read by the harness, not turned into pytest markers."""
    return True


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    world: World = request.getfixturevalue("world")
    try:
        world.begin(read_tags(scenario.tags))
    except NotApplicable as exc:
        pytest.skip(str(exc))


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    keyword = step.type or "given"
    where = f"{feature.rel_filename}:{step.line_number}"
    raise UnknownStep(keyword, step.name, where, nearest_phrases(step.name, keyword))
