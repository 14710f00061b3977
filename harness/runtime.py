"""The composition root: from a run's settings to an adapter and a World per scenario.

Runner processes (pytest-bdd or behave) read their settings from the environment, which
the CLI sets; so a runner started by hand works too (defaults: reference, baseline).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

from harness.adapters.base import Adapter
from harness.adapters.reference import ReferenceAdapter
from harness.errors import ConfigurationError
from harness.reference.profiles import Profile, resolve
from harness.world import World

ENV_PROFILE = "DSP_CONFORMANCE_PROFILE"
ENV_TARGET = "DSP_CONFORMANCE_TARGET"
ENV_CONFIG = "DSP_CONFORMANCE_CONFIG"
ENV_FEATURES = "DSP_CONFORMANCE_FEATURES"
ENV_EVIDENCE = "DSP_CONFORMANCE_EVIDENCE"
ENV_TAGS = "DSP_CONFORMANCE_TAGS"
ENV_MUTANT = "DSP_CONFORMANCE_MUTANT"  # a mutant of the in-process reference (harness/mutants.py)
ENV_COMPARE_WITH = "DSP_CONFORMANCE_COMPARE_WITH"  # "reference": a differential run
ENV_UNVERIFIED = "DSP_CONFORMANCE_UNVERIFIED_SIGNATURES"  # "1": responses believed unsigned

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FEATURES = REPO_ROOT / "features"


@dataclass(frozen=True)
class RunSettings:
    profile: str = "baseline"
    target: str = "reference"
    config: Path | None = None
    mutant: str | None = None
    compare_with: str | None = None
    unverified_signatures: bool = False

    @classmethod
    def from_environment(cls) -> RunSettings:
        config = os.environ.get(ENV_CONFIG)
        return cls(
            profile=os.environ.get(ENV_PROFILE, "baseline"),
            target=os.environ.get(ENV_TARGET, "reference"),
            config=Path(config) if config else None,
            mutant=os.environ.get(ENV_MUTANT) or None,
            compare_with=os.environ.get(ENV_COMPARE_WITH) or None,
            unverified_signatures=os.environ.get(ENV_UNVERIFIED) == "1",
        )

    def environment(self) -> dict[str, str]:
        values = {ENV_PROFILE: self.profile, ENV_TARGET: self.target}
        if self.config:
            values[ENV_CONFIG] = str(self.config)
        # Always written, so a runner never inherits a stray mutant from the caller's shell.
        values[ENV_MUTANT] = self.mutant or ""
        values[ENV_COMPARE_WITH] = self.compare_with or ""
        values[ENV_UNVERIFIED] = "1" if self.unverified_signatures else ""
        return values


def check_target(target: str) -> None:
    if target != "reference" and not target.startswith(("http://", "https://")):
        raise ConfigurationError(f"unknown target {target!r}: use 'reference' or an http(s):// URL")


def check_compare_with(compare_with: str | None) -> None:
    if compare_with not in (None, "reference"):
        raise ConfigurationError(f"cannot compare with {compare_with!r}: only 'reference'")


def make_adapter(settings: RunSettings) -> Adapter:
    profile = resolve(settings.profile)
    check_compare_with(settings.compare_with)
    primary = _primary_adapter(settings, profile)
    if settings.compare_with is None:
        return primary
    from harness.adapters.comparing import ComparingAdapter, allure_reporter

    report = allure_reporter() if os.environ.get(ENV_EVIDENCE) == "allure" else None
    return ComparingAdapter(primary, ReferenceAdapter(profile), report=report)


def _primary_adapter(settings: RunSettings, profile: Profile) -> Adapter:
    if settings.target == "reference":
        if settings.mutant:
            from harness.mutants import mutant_dsp

            return ReferenceAdapter(profile, mutant_dsp(settings.mutant, profile))
        return ReferenceAdapter(profile)
    if settings.mutant:
        raise ConfigurationError(
            f"mutant {settings.mutant!r} applies to the in-process reference only; "
            "serve it with: dsp-conformance serve --mutant NAME"
        )
    if settings.target.startswith(("http://", "https://")):
        from harness.adapters.http import connect

        return connect(settings)
    raise ConfigurationError(
        f"unknown target {settings.target!r}: use 'reference' or an http(s):// URL"
    )


def new_world(settings: RunSettings) -> World:
    """A fresh World for one scenario. Remote targets get a random salt so scenarios
    never share identities on a long-lived DSP."""
    adapter = make_adapter(settings)
    salt = 0 if settings.target == "reference" else random.randrange(1, 1 << 62)
    world = World(adapter, resolve(settings.profile).name, salt=salt)
    if os.environ.get(ENV_EVIDENCE) == "allure":
        from harness.evidence import allure_observer

        world.observers.append(allure_observer())
    return world


def features_dir() -> Path:
    return Path(os.environ.get(ENV_FEATURES, str(DEFAULT_FEATURES)))
