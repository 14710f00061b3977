"""The step library seen as a matcher, for the lint in harness.lint."""

from __future__ import annotations

from harness.lint import StepMatch, StepMatcher
from steps.library.registry import matching_steps, nearest_phrases


def _matches(keyword: str, text: str) -> list[StepMatch]:
    found = []
    for step in matching_steps(text, keyword):
        arguments = {name: str(value) for name, value in (step.match(text) or {}).items()}
        found.append(StepMatch(step.template, arguments, step.types, step.table))
    return found


def library_matcher() -> StepMatcher:
    return StepMatcher(_matches, nearest_phrases)
