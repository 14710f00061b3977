"""The composition root: from a run's settings to an adapter and a World per scenario.

The kinds of target (how each builds its adapter, what it allows) are ``harness/targets.py``.
Runner processes (pytest-bdd or behave) read their settings from the environment, which the
CLI sets; so a runner started by hand works too (defaults: reference, baseline).
"""

from __future__ import annotations

import random

from harness.adapters.base import Adapter
from harness.adapters.reference import ReferenceAdapter
from harness.counters import process_counters
from harness.domain.roles import UserRole
from harness.errors import ConfigurationError
from harness.pki import Credential
from harness.reference.profiles import resolve
from harness.settings import RunSettings, capture_dir, evidence_to_allure
from harness.targets import binding, check_compare_with
from harness.world import World


def make_adapter(settings: RunSettings) -> Adapter:
    profile = resolve(settings.profile)
    check_compare_with(settings.compare_with)
    target = binding(settings.target)
    if settings.mutant and not target.in_process:
        raise ConfigurationError(
            f"mutant {settings.mutant!r} applies to the in-process reference only; "
            "serve it with: dsp-conformance serve --mutant NAME"
        )
    primary = target.factory(settings, profile)
    if settings.compare_with is None:
        return primary
    from harness.adapters.comparing import ComparingAdapter, allure_reporter

    report = allure_reporter() if evidence_to_allure() else None
    return ComparingAdapter(primary, ReferenceAdapter(profile), report=report)


def new_world(settings: RunSettings) -> World:
    """A fresh World for one scenario. Remote targets get a random salt so scenarios
    never share identities on a long-lived DSP."""
    adapter = make_adapter(settings)
    if binding(settings.target).in_process:
        # a reference DSP lives in this process and one scenario: no counter files
        world = World(adapter, resolve(settings.profile).name, counters=process_counters())
    else:
        from harness.binding import load_binding
        from harness.ics import load_ics

        world = World(
            adapter,
            resolve(settings.profile).name,
            salt=random.randrange(1, 1 << 62),
            identities=_identities(settings),
            binding=load_binding(settings.config),
            ics=load_ics(settings.config),
        )
    if evidence_to_allure():
        from harness.evidence import allure_observer, allure_recorder

        world.observers.append(allure_observer())
        world.recording.recorders.append(allure_recorder())
    capture = capture_dir()
    if capture is not None:
        from harness.capture import capture_to

        world.captures.append(capture_to(capture))
    return world


def _identities(settings: RunSettings) -> dict[UserRole, Credential]:
    """Users the target already knows, by role, from the target configuration's signers."""
    if settings.config is None:
        return {}
    from harness.adapters.target_config import load_target_config

    config = load_target_config(settings.config)
    return {role: config.signers[user] for role, user in config.identities.items()}
