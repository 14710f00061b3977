"""The composition root: from a run's settings to an adapter and a World per scenario.

Every kind of target is one row of ``TARGETS``: how to build its adapter, what to check
before any runner starts, and what the kind allows. Runner processes (pytest-bdd or behave)
read their settings from the environment, which the CLI sets; so a runner started by hand
works too (defaults: reference, baseline).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.adapters.base import Adapter
from harness.adapters.reference import ReferenceAdapter
from harness.adapters.target_config import load_target_config
from harness.binding import load_binding
from harness.capture import capture_to
from harness.counters import process_counters
from harness.domain.roles import UserRole
from harness.errors import ConfigurationError
from harness.ics import load_ics
from harness.pki import Credential
from harness.reference.profiles import Profile, resolve
from harness.settings import (
    RunSettings,
    TargetKind,
    capture_dir,
    evidence_to_allure,
    target_kind,
)
from harness.world import World

COMPARABLE_WITH = ("reference",)


@dataclass(frozen=True)
class TargetBinding:
    """One kind of target: its adapter factory, its preflight and what it allows."""

    factory: Callable[[RunSettings, Profile], Adapter]
    preflight: Callable[[str, Path | None, bool], str | None]  # (target, config, unverified)
    in_process: bool  # mutants apply; identities need no salt (every scenario starts afresh)


def _reference(settings: RunSettings, profile: Profile) -> Adapter:
    if settings.mutant:
        from harness.mutants import mutant_dsp

        return ReferenceAdapter(profile, mutant_dsp(settings.mutant, profile))
    return ReferenceAdapter(profile)


def _reference_preflight(target: str, config: Path | None, unverified: bool) -> str | None:
    load_target_config(config)  # a bad --config is bad input whatever the target
    return None


def _http(settings: RunSettings, profile: Profile) -> Adapter:
    from harness.adapters.http import connect

    return connect(settings)


def _http_preflight(target: str, config: Path | None, unverified: bool) -> str | None:
    from harness.adapters.http_client import preflight

    return preflight(target, config, unverified=unverified)


TARGETS: dict[TargetKind, TargetBinding] = {
    TargetKind.REFERENCE: TargetBinding(_reference, _reference_preflight, in_process=True),
    TargetKind.HTTP: TargetBinding(_http, _http_preflight, in_process=False),
}


def binding(target: str) -> TargetBinding:
    return TARGETS[target_kind(target)]


def check_target(target: str) -> None:
    binding(target)  # an unknown target raises ConfigurationError


def check_compare_with(compare_with: str | None) -> None:
    if compare_with is not None and compare_with not in COMPARABLE_WITH:
        raise ConfigurationError(f"cannot compare with {compare_with!r}: only 'reference'")


def preflight(target: str, config: Path | None, *, unverified: bool = False) -> str | None:
    """Before any runner starts: a bad --config raises ConfigurationError (bad input); an
    unreachable target gives the one line to print (the run would only be inconclusive)."""
    return binding(target).preflight(target, config, unverified)


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
    in_process = binding(settings.target).in_process
    salt = 0 if in_process else random.randrange(1, 1 << 62)
    world = World(
        adapter,
        resolve(settings.profile).name,
        salt=salt,
        identities=_identities(settings),
        binding=None if in_process else load_binding(settings.config),
        ics=None if in_process else load_ics(settings.config),
        # a reference DSP lives in this process and one scenario: no counter files
        counters=process_counters() if in_process else None,
    )
    if evidence_to_allure():
        from harness.evidence import allure_observer, allure_recorder

        world.observers.append(allure_observer())
        world.recording.recorders.append(allure_recorder())
    capture = capture_dir()
    if capture is not None:
        world.captures.append(capture_to(capture))
    return world


def _identities(settings: RunSettings) -> dict[UserRole, Credential]:
    """Users the target already knows, by role, from the target configuration's signers."""
    if binding(settings.target).in_process or settings.config is None:
        return {}
    config = load_target_config(settings.config)
    return {role: config.signers[user] for role, user in config.identities.items()}


def claimed_profile(target: str, config: Path | None) -> tuple[str, str] | None:
    """The profile an external target claims and where it says so: its conformance
    statement (``[ics] profile``), else what it reports at ``GET /health``. None for the
    in-process reference (it runs under any profile) or a target that claims none."""
    if binding(target).in_process:
        return None
    ics = load_ics(config)
    if ics is not None and ics.profile is not None:
        return ics.profile, "its conformance statement"
    from harness.adapters.http_client import reported_profile

    reported = reported_profile(target, load_target_config(config))
    if reported is None:
        return None
    return resolve(reported).name, "GET /health"
