"""What a scenario's @profile: tags select, and which the lint accepts."""

from __future__ import annotations

import pytest

from harness.reference.profiles import SWITCHES, profile_names
from harness.tags import profile_selects, profile_tag_known


@pytest.mark.parametrize(
    ("tag", "profile", "selected"),
    [
        ("baseline", "baseline", True),
        ("baseline", "baseline+mp063-check", True),
        ("baseline", "dp107-owner-path", False),
        ("=baseline", "baseline", True),
        ("=baseline", "baseline+mp063-check", False),
        ("baseline+mp063-check", "baseline+mp063-check", True),
        ("baseline+mp063-check", "baseline", False),
        ("+mp063-check", "dp107-owner-path+mp063-check", True),
        ("+mp063-check", "dp107-owner-path", False),
        ("dp107-owner-to-registered", "dp107-owner-to-registered", True),
    ],
)
def test_a_profile_tag_selects(tag: str, profile: str, selected: bool) -> None:
    assert profile_selects(tag, profile) is selected


@pytest.mark.parametrize(
    ("tag", "known"),
    [
        ("baseline", True),
        ("=baseline", True),
        ("+mp063-check", True),
        ("dp107-owner-to-registered+mp063-check", True),
        ("+no-such-switch", False),
        ("=dp108", False),
        ("dp108", False),
    ],
)
def test_the_lint_knows_a_profile_tag(tag: str, known: bool) -> None:
    assert profile_tag_known(tag, profile_names(), SWITCHES) is known
