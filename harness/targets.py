"""The kinds of target a run can point at, and what is checked before any runner starts.

Every kind of target is one row of ``TARGETS``: how to build its adapter, what to check before
any runner starts, and what the kind allows. The CLI reads this module alone (its checks import
nothing of the World, the reference DSP or an HTTP client until a target needs them);
``harness/runtime.py`` builds the adapters and Worlds in the runner processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import ConfigurationError
from harness.settings import RunSettings, TargetKind, target_kind

if TYPE_CHECKING:
    from harness.adapters.base import Adapter
    from harness.reference.profiles import Profile

COMPARABLE_WITH = ("reference",)


@dataclass(frozen=True)
class TargetBinding:
    """One kind of target: its adapter factory, its preflight and what it allows."""

    factory: Callable[[RunSettings, Profile], Adapter]
    preflight: Callable[[str, Path | None, bool], str | None]  # (target, config, unverified)
    in_process: bool  # mutants apply; identities need no salt (every scenario starts afresh)


def _reference(settings: RunSettings, profile: Profile) -> Adapter:
    from harness.adapters.reference import ReferenceAdapter

    if settings.mutant:
        from harness.mutants import mutant_dsp

        return ReferenceAdapter(profile, mutant_dsp(settings.mutant, profile))
    return ReferenceAdapter(profile)


def _reference_preflight(target: str, config: Path | None, unverified: bool) -> str | None:
    if config is None:
        return None  # nothing to read (the configuration's reader and its TLS are not loaded)
    from harness.adapters.target_config import load_target_config

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


def claimed_profile(target: str, config: Path | None) -> tuple[str, str] | None:
    """The profile an external target claims and where it says so: its conformance
    statement (``[ics] profile``), else what it reports at ``GET /health``. None for the
    in-process reference (it runs under any profile) or a target that claims none."""
    if binding(target).in_process:
        return None
    from harness.adapters.http_client import reported_profile
    from harness.adapters.target_config import load_target_config
    from harness.ics import load_ics
    from harness.reference.profiles import resolve

    ics = load_ics(config)
    if ics is not None and ics.profile is not None:
        return ics.profile, "its conformance statement"
    reported = reported_profile(target, load_target_config(config))
    if reported is None:
        return None
    return resolve(reported).name, "GET /health"
