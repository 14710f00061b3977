"""How steps are declared: a parse-style phrase, a function on the World, an example."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import parse

from harness.world import World

Table = list[dict[str, str]]
StepFunction = Callable[..., None]


def _text_type(pattern: str) -> Callable[[str], str]:
    """A parse field type that matches ``pattern`` and keeps the text as it is."""

    def convert(text: str) -> str:
        return text

    convert.pattern = pattern  # type: ignore[attr-defined]
    return convert


# The parameter types phrases may use, shared by both runners.
TYPES: dict[str, Callable[[str], Any]] = {
    "Name": _text_type(r"[^\s,\"]+"),
    "When": _text_type(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?Z?)?"),
    "Srv": _text_type(r"\d+(?:\.\d+)+"),
    "Code": _text_type(r"[EIW]\d+"),
    "Words": _text_type(r"[A-Za-z][A-Za-z ]*?"),
    "Digits": _text_type(r"\d+"),
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
    takes_table: bool

    @property
    def parameters(self) -> list[str]:
        return list(_compiled(self.phrase).named_fields)

    @property
    def template(self) -> str:
        """The phrase with its fields as <name>, for people."""
        return re.sub(r"\{(\w+)(?::\w+)?\}", r"<\1>", self.phrase)

    def match(self, text: str) -> dict[str, Any] | None:
        result = _compiled(self.phrase).parse(text)
        if result is None or not isinstance(result, parse.Result):
            return None
        return dict(result.named)


STEPS: list[StepDef] = []


def _declare(keyword: str, phrase: str, example: str) -> Callable[[StepFunction], StepFunction]:
    def register(function: StepFunction) -> StepFunction:
        takes_table = "table" in function.__code__.co_varnames[: function.__code__.co_argcount]
        STEPS.append(StepDef(keyword, phrase, function, example, takes_table))
        return function

    return register


def given(phrase: str, example: str) -> Callable[[StepFunction], StepFunction]:
    return _declare("given", phrase, example)


def when(phrase: str, example: str) -> Callable[[StepFunction], StepFunction]:
    return _declare("when", phrase, example)


def then(phrase: str, example: str) -> Callable[[StepFunction], StepFunction]:
    return _declare("then", phrase, example)


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


def matching_steps(text: str, keyword: str | None = None) -> list[StepDef]:
    return [
        s for s in STEPS if (keyword is None or s.keyword == keyword) and s.match(text) is not None
    ]


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
