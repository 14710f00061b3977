"""Fixtures for the unit tests: a reference DSP with the standard cast."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from dsp_scene import Scene, standard_cast


@pytest.fixture
def scene() -> Scene:
    """A baseline reference DSP at 2026-03-01 10:00 with the standard cast."""
    return standard_cast(Scene("baseline"))


@pytest.fixture
def scene_under() -> Callable[[str], Scene]:
    """A factory: the standard cast under the named profile."""

    def make(profile: str) -> Scene:
        return standard_cast(Scene(profile))

    return make
