"""The step library seen as a matcher, for the lint in harness.lint."""

from __future__ import annotations

from typing import Any

from harness.lint import StepMatcher
from steps.library.registry import matching_steps, nearest_phrases


def _matches(keyword: str, text: str) -> list[tuple[str, dict[str, Any], bool]]:
    found = []
    for step in matching_steps(text, keyword):
        arguments = step.match(text) or {}
        found.append((step.template, arguments, step.takes_table))
    return found


def library_matcher() -> StepMatcher:
    return StepMatcher(_matches, nearest_phrases)
