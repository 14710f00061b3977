"""The reference DSP's rules. Each is a small function registered under the requirement ID
it implements; profiles are tables that pick which function stands under each ID.

A rule returns a ``Rejection`` without a requirement ID: :func:`stamp` gives it the ID the
rule stands under. A rule that tells several limbs of one requirement apart declares them
(``limbs=``) and may name one of them; any other ID is a defect of the rule table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from harness.reference.context import Rejection, Rule

RULES: dict[str, Rule] = {}
LIMBS: dict[str, tuple[str, ...]] = {}


class RuleTableError(LookupError):
    """A rule cites a requirement ID it is not registered under (a defect of the table)."""


def rule(requirement: str, *, limbs: tuple[str, ...] = ()) -> Callable[[Rule], Rule]:
    """Register ``function`` as the reference implementation of ``requirement``."""

    def register(function: Rule) -> Rule:
        if requirement in RULES:
            raise ValueError(f"rule {requirement} registered twice")
        RULES[requirement] = function
        LIMBS[requirement] = limbs
        return function

    return register


def stamp(requirement: str, rejection: Rejection) -> Rejection:
    """The rejection of the rule standing under ``requirement``, citing that ID or the limb
    of it the rule named."""
    cited = rejection.requirement
    if cited is None:
        return replace(rejection, requirement=requirement)
    if cited == requirement or cited in LIMBS.get(requirement, ()):
        return rejection
    raise RuleTableError(
        f"the rule under {requirement} cited {cited}, which is neither that ID nor one of "
        f"its declared limbs {LIMBS.get(requirement, ())}"
    )
