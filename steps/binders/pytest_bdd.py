"""Binds the step library into pytest-bdd (call ``bind()`` at a conftest's module level)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness.errors import NotApplicable
from harness.world import World
from steps.library import STEPS, TYPES, StepDef, Table, call

_DECORATORS: dict[str, Callable[..., Any]] = {"given": given, "when": when, "then": then}


def rows(raw: Sequence[Sequence[str]] | None) -> Table | None:
    """pytest-bdd hands a table as rows of cells; the library wants dicts by heading."""
    if not raw:
        return None
    heading, *body = raw
    return [dict(zip(heading, row, strict=True)) for row in body]


def _wrap(step: StepDef) -> Callable[..., None]:
    def run(world: World, datatable: list[list[str]] | None = None, **arguments: Any) -> None:
        try:
            call(step, world, arguments, rows(datatable))
        except NotApplicable as exc:
            pytest.skip(str(exc))

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter("world", kind)]
    parameters += [inspect.Parameter(name, kind) for name in step.parameters]
    parameters.append(inspect.Parameter("datatable", kind, default=None))
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__name__ = f"step_{step.function.__name__}"
    run.__doc__ = step.function.__doc__
    return run


def bind() -> None:
    """Register every library step in the calling module (a conftest)."""
    for step in STEPS:
        decorator = _DECORATORS[step.keyword]
        decorator(parsers.parse(step.phrase, extra_types=TYPES), stacklevel=2)(_wrap(step))
