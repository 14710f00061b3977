"""The tag vocabulary scenarios use, read once for both runners.

``@req:<ID>``        the scenario verifies requirement <ID> (features/requirements.yaml)
``@needs:<cap>``     the scenario needs a target capability (provision, move_clock, inspect,
                     inject_faults); without it the scenario is not applicable
``@profile:<name>``  the scenario applies only under that profile (repeatable; any tag
                     matching selects it): ``baseline`` is baseline and baseline with any
                     switch, ``=baseline`` is baseline alone, ``baseline+mp063-check`` exactly
                     that, ``+mp063-check`` any profile with that switch
``@generated``       part of the large generated suite, kept out of the default run
``@situation:``, ``@actor:``, ``@timing:``, ``@effect:``
                     the scenario's role in the options appraisal (``harness/appraisal_roles.py``)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CAPABILITIES = ("provision", "move_clock", "inspect", "inject_faults", "xml_envelope")


@dataclass(frozen=True)
class ScenarioTags:
    requirements: tuple[str, ...]
    needs: tuple[str, ...]
    profiles: tuple[str, ...]
    other: tuple[str, ...]


def read_tags(tags: Iterable[str]) -> ScenarioTags:
    requirements: list[str] = []
    needs: list[str] = []
    profiles: list[str] = []
    other: list[str] = []
    for raw in tags:
        tag = raw.lstrip("@")
        prefix, _, value = tag.partition(":")
        if prefix == "req" and value:
            requirements.append(value)
        elif prefix == "needs" and value:
            needs.append(value)
        elif prefix == "profile" and value:
            profiles.append(value)
        else:
            other.append(tag)
    return ScenarioTags(tuple(requirements), tuple(needs), tuple(profiles), tuple(other))


def profile_selects(tag: str, profile: str) -> bool:
    """Does the ``@profile:<tag>`` select the running ``profile`` (canonical name)?"""
    base, *switches = profile.split("+")
    if tag.startswith("="):
        return tag[1:] == profile
    if tag.startswith("+"):
        return tag[1:] in switches
    return tag in (profile, base)


def profile_tag_known(tag: str, profiles: Iterable[str], switches: Iterable[str]) -> bool:
    """Is ``tag`` a profile, ``=``profile or ``+``switch the run can have?"""
    if tag.startswith("+"):
        return tag[1:] in set(switches)
    return tag.removeprefix("=") in set(profiles)
