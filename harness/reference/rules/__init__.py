"""The reference DSP's rules. Each is a small function registered under the requirement ID
it implements; profiles are tables that pick which function stands under each ID."""

from __future__ import annotations

from collections.abc import Callable

from harness.reference.context import Rule

RULES: dict[str, Rule] = {}


def rule(requirement: str) -> Callable[[Rule], Rule]:
    """Register ``function`` as the reference implementation of ``requirement``."""

    def register(function: Rule) -> Rule:
        if requirement in RULES:
            raise ValueError(f"rule {requirement} registered twice")
        RULES[requirement] = function
        return function

    return register
