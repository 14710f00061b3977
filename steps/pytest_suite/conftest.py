"""pytest-bdd entry: the World fixture, tag handling, unknown steps, and the binder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cucumber_tag_expressions import parse as parse_tag_expression
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.errors import NotApplicable
from harness.runtime import new_world
from harness.settings import ENV_TAGS, RunSettings
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
    world.recording.identify(scenario.name, str(feature.filename))
    try:
        rule = getattr(scenario, "rule", None)
        tags = set(scenario.tags) | set(feature.tags) | (set(rule.tags) if rule else set())
        world.begin(read_tags(sorted(tags)))
    except NotApplicable as exc:
        world.recording.conclude(exc)
        pytest.skip(str(exc))
    except BaseException as exc:
        world.recording.conclude(exc)
        raise


def pytest_bdd_after_step(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: Any,
) -> None:
    world: World = request.getfixturevalue("world")
    world.recording.step_passed(len(scenario.steps))


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    keyword = step.type or "given"
    where = f"{feature.rel_filename}:{step.line_number}"
    raise UnknownStep(keyword, step.name, where, nearest_phrases(step.name, keyword))


def _scenario_tags(item: pytest.Item) -> set[str]:
    function = getattr(item, "obj", None)
    template = scenario_wrapper_template_registry.get(function) if function else None
    if template is None:
        return set()
    tags = set(template.tags) | set(template.feature.tags)
    rule = getattr(template, "rule", None)
    if rule is not None:
        tags |= set(rule.tags)
    return {"@" + tag.lstrip("@") for tag in tags}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Apply ``--tags`` (a Cucumber tag expression, passed by the CLI) as behave does."""
    expression = os.environ.get(ENV_TAGS)
    if not expression:
        return
    wanted = parse_tag_expression(expression)
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (keep if wanted.evaluate(_scenario_tags(item)) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
