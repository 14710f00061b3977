"""Binds the step library into behave. ``steps/behave_steps.py`` calls ``bind()``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from behave import given, then, use_step_matcher, when

from harness.errors import NotApplicable
from harness.runtime import new_world
from harness.settings import RunSettings
from harness.tags import read_tags
from harness.unknown_steps import UnknownStep
from harness.world import World
from steps.library import Table, call, find_step, nearest_phrases

_WORLD = "dsp_world"


def world_of(context: Any) -> World | None:
    """The scenario's World, made on first use (behave clears it after the scenario).
    None when the scenario turned out not applicable (it is then marked skipped)."""
    scenario = context.scenario
    existing: World | None = scenario.__dict__.get(_WORLD)
    if existing is not None:
        return existing
    world = new_world(RunSettings.from_environment())
    # Kept on the scenario, not on behave's context: the context's setattr records the
    # caller's stack (a stat per frame), and behave keeps every scenario, so the World goes
    # with the scenario's cleanup.
    scenario.__dict__[_WORLD] = world
    context.add_cleanup(_forget, scenario, world)
    world.recording.identify(scenario_name(scenario), _resolved(scenario.filename))
    try:
        world.begin(read_tags(scenario.effective_tags))
    except NotApplicable as exc:
        world.recording.conclude(exc)
        scenario.skip(reason=str(exc))
        return None
    except BaseException as exc:
        world.recording.conclude(exc)
        raise
    return world


def _forget(scenario: Any, world: World) -> None:
    scenario.__dict__.pop(_WORLD, None)
    world.adapter.close()


@functools.lru_cache(maxsize=256)
def _resolved(filename: str) -> str:
    """A feature file's absolute path, resolved once per file (not once per scenario)."""
    return str(Path(filename).resolve())


def scenario_name(scenario: Any) -> str:
    """The scenario's name as Gherkin gives it: for an outline's example, the outline's name
    with the example's values in its ``<placeholders>`` (behave adds its own suffix)."""
    row = getattr(scenario, "_row", None)
    outline = getattr(scenario, "parent", None)
    if row is None or outline is None:
        return str(scenario.name)
    name = str(outline.name)
    for heading, cell in zip(row.headings, row.cells, strict=True):
        name = name.replace(f"<{heading}>", cell)
    return name


def rows(table: Any) -> Table | None:
    if table is None:
        return None
    return [dict(zip(table.headings, row.cells, strict=True)) for row in table.rows]


def _dispatch(keyword: str) -> Callable[..., None]:
    """The one definition of ``keyword``: the library picks the phrase the text matches
    (``find_step``, as the pytest-bdd binder does), or says no step matches it."""

    def run(context: Any, text: str) -> None:
        found = find_step(text, keyword)
        if found is None:
            _unknown(context, keyword, text)
        step, arguments = found
        world = world_of(context)
        if world is None:
            return
        try:
            call(step, world, arguments, rows(context.table))
        except NotApplicable as exc:
            context.scenario.skip(reason=str(exc))
            return
        world.recording.step_passed(len(list(context.scenario.all_steps)))

    run.__name__ = f"step_{keyword}"
    return run


def _unknown(context: Any, keyword: str, text: str) -> NoReturn:
    where = context.scenario.filename
    for candidate in context.scenario.all_steps:
        if candidate.name == text:
            where = f"{candidate.filename}:{candidate.line}"
            break
    raise UnknownStep(keyword, text, where, nearest_phrases(text, keyword))


def bind() -> None:
    """One definition per keyword, not one per phrase: behave tries a step's text against
    every definition of its keyword in turn (a parse per phrase), the library's look-up
    only against the phrases whose literal beginning the text has."""
    use_step_matcher("parse")  # "{text}": any text; the library parses it
    # behave's own decorators: they write to the registry its runner reads.
    decorators = {"given": given, "when": when, "then": then}
    for keyword, decorator in decorators.items():
        decorator("{text}")(_dispatch(keyword))
