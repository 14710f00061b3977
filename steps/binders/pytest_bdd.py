"""Binds the step library into pytest-bdd (call ``bind()`` at a conftest's module level).

One step definition per keyword, not one per phrase: pytest-bdd finds a step's definition by
asking every fixture of the session whether it is a step that parses the text (a look-up per
fixture name, ~85 of them with a definition per phrase, per step of every scenario), so each
keyword's definition here looks the text up in the library (``find_step``), as the behave
binder does. A text no phrase matches is no step: pytest-bdd's look-up error follows, which
the conftest turns into :class:`harness.unknown_steps.UnknownStep`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_bdd import given, then, when
from pytest_bdd.parsers import StepParser

from harness.errors import NotApplicable
from harness.world import World
from steps.library import StepDef, Table, call, find_step

_DECORATORS: dict[str, Callable[..., Any]] = {"given": given, "when": when, "then": then}

BOUND = "bound"
"""The one argument a bound step's function is given (besides the World and a table)."""


@dataclass(frozen=True)
class Bound:
    """A step's text parsed by the library: the phrase it matched and its arguments."""

    step: StepDef
    arguments: dict[str, Any]

    def __repr__(self) -> str:  # what Allure records as the step's parameter
        return self.step.phrase


class LibraryParser(StepParser):
    """Parses a step's text against the library's phrases of one keyword."""

    def __init__(self, keyword: str) -> None:
        super().__init__(f"<the step library's {keyword} phrases>")
        self._keyword = keyword
        self._last: tuple[str, Bound | None] | None = None

    def _bound(self, text: str) -> Bound | None:
        # pytest-bdd asks whether the text matches, then for its arguments: looked up once
        if self._last is None or self._last[0] != text:
            found = find_step(text, self._keyword)
            self._last = (text, None if found is None else Bound(*found))
        return self._last[1]

    def is_matching(self, name: str) -> bool:
        return self._bound(name) is not None

    def parse_arguments(self, name: str) -> dict[str, Any] | None:
        bound = self._bound(name)
        return None if bound is None else {BOUND: bound}


def rows(raw: Sequence[Sequence[str]] | None) -> Table | None:
    """pytest-bdd hands a table as rows of cells; the library wants dicts by heading."""
    if not raw:
        return None
    heading, *body = raw
    return [dict(zip(heading, row, strict=True)) for row in body]


def run(world: World, bound: Bound, datatable: list[list[str]] | None = None) -> None:
    try:
        call(bound.step, world, bound.arguments, rows(datatable))
    except NotApplicable as exc:
        pytest.skip(str(exc))


def bind() -> None:
    """Register the library's steps in the calling module (a conftest)."""
    for keyword, decorator in _DECORATORS.items():
        decorator(LibraryParser(keyword), stacklevel=2)(run)
