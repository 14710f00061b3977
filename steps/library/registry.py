"""How steps are declared: a parse-style phrase, a function on the World, an example."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import parse

from harness.parameters import PARAMETER_TYPES, ParameterType, TableType, field_types
from harness.world import World

Table = list[dict[str, str]]
StepFunction = Callable[..., None]


# The parameter types phrases may use, shared by both runners (harness/parameters.py).
TYPES: dict[str, Callable[[str], Any]] = {
    name: kind.converter() for name, kind in PARAMETER_TYPES.items()
}


@functools.cache
def _compiled(phrase: str) -> parse.Parser:
    """Compiling a phrase costs ~100 µs; the lint matches every step against every phrase."""
    return parse.compile(phrase, extra_types=TYPES)


@dataclass(frozen=True)
class StepDef:
    keyword: str  # given | when | then
    phrase: str
    function: StepFunction
    example: str
    table: TableType | None = None

    @property
    def takes_table(self) -> bool:
        return self.table is not None

    @property
    def parameters(self) -> list[str]:
        return list(_compiled(self.phrase).named_fields)

    @property
    def types(self) -> dict[str, ParameterType | None]:
        """Each parameter's declared type (None: any text, nothing to check)."""
        return field_types(self.phrase)

    @property
    def template(self) -> str:
        """The phrase with its fields as <name>, for people."""
        return re.sub(r"\{(\w+)(?::\w+)?\}", r"<\1>", self.phrase)

    @functools.cached_property
    def literal_prefix(self) -> str:
        """The text before the phrase's first field, lower-cased (phrases match in any case,
        as ``parse`` compiles them): every text the phrase matches begins with it."""
        return self.phrase.split("{", 1)[0].lower()

    def match(self, text: str) -> dict[str, Any] | None:
        result = _compiled(self.phrase).parse(text)
        if result is None or not isinstance(result, parse.Result):
            return None
        return dict(result.named)


STEPS: list[StepDef] = []


def _declare(
    keyword: str, phrase: str, example: str, table: TableType | None
) -> Callable[[StepFunction], StepFunction]:
    unknown = sorted(
        kind for kind in re.findall(r"\{\w+:(\w+)\}", phrase) if kind not in PARAMETER_TYPES
    )
    if unknown:
        raise ValueError(f"phrase {phrase!r} uses unknown parameter types {unknown}")

    def register(function: StepFunction) -> StepFunction:
        takes_table = "table" in function.__code__.co_varnames[: function.__code__.co_argcount]
        if takes_table != (table is not None):
            raise ValueError(
                f"step {function.__name__}: a step that takes a table declares its TableType "
                "(table=…), and only such a step"
            )
        STEPS.append(StepDef(keyword, phrase, function, example, table))
        return function

    return register


def given(
    phrase: str, example: str, table: TableType | None = None
) -> Callable[[StepFunction], StepFunction]:
    return _declare("given", phrase, example, table)


def when(
    phrase: str, example: str, table: TableType | None = None
) -> Callable[[StepFunction], StepFunction]:
    return _declare("when", phrase, example, table)


def then(
    phrase: str, example: str, table: TableType | None = None
) -> Callable[[StepFunction], StepFunction]:
    return _declare("then", phrase, example, table)


def nearest_phrases(text: str, keyword: str | None = None, count: int = 3) -> list[str]:
    """The known phrases closest to ``text`` (examples compared, templates returned)."""
    candidates = [s for s in STEPS if keyword is None or s.keyword == keyword] or STEPS
    scored = sorted(
        candidates,
        key=lambda s: max(
            difflib.SequenceMatcher(None, text.lower(), s.example.lower()).ratio(),
            difflib.SequenceMatcher(None, text.lower(), s.template.lower()).ratio(),
        ),
        reverse=True,
    )
    return [f"{s.keyword.capitalize()} {s.template}" for s in scored[:count]]


def _possible(text: str, keyword: str | None) -> list[StepDef]:
    """The steps whose literal beginning ``text`` has: a cheap filter before parsing."""
    folded = text.lower()
    return [
        s
        for s in STEPS
        if (keyword is None or s.keyword == keyword) and folded.startswith(s.literal_prefix)
    ]


def matching_steps(text: str, keyword: str | None = None) -> list[StepDef]:
    return [s for s in _possible(text, keyword) if s.match(text) is not None]


Found = tuple[StepDef, dict[str, Any]]


def find_step(text: str, keyword: str) -> Found | None:
    """The first step of ``keyword`` (in declaration order) whose phrase matches ``text``,
    with its arguments: how both binders pick the step a text runs (the lint rejects a text
    that more than one phrase matches). The arguments are a fresh dict each time."""
    found = _LOOKUPS.get(text, keyword)
    return None if found is None else (found[0], dict(found[1]))


def _search(text: str, keyword: str) -> Found | None:
    for step in _possible(text, keyword):
        arguments = step.match(text)
        if arguments is not None:
            return step, arguments
    return None


class _Lookups:
    """What :func:`find_step` found for each (text, keyword): a suite repeats its step texts
    (every outline example, every "Given the time is …"), and parsing a text costs more than
    running most steps. The arguments are text (parameter types keep the text as written), so
    a found step can be handed out again. Forgotten when the step list changes (tests declare
    steps) and when it holds ``LIMIT`` texts."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], Found | None] = {}
        self._steps: tuple[int, int] = (0, 0)

    def get(self, text: str, keyword: str) -> Found | None:
        steps = (id(STEPS), len(STEPS))
        if steps != self._steps or len(self._found) >= self.LIMIT:
            self._found.clear()
            self._steps = steps
        key = (text, keyword)
        if key in self._found:
            return self._found[key]
        found = self._found[key] = _search(text, keyword)
        return found


_LOOKUPS = _Lookups()


def call(step: StepDef, world: World, arguments: dict[str, Any], table: Table | None) -> None:
    """Run a step: the only place binders hand control to the library. A step that raises
    ends the scenario: the World records why before the error goes on to the runner."""
    try:
        if step.takes_table:
            step.function(world, table=table or [], **arguments)
        else:
            step.function(world, **arguments)
    except BaseException as error:
        world.recording.conclude(error)
        raise
