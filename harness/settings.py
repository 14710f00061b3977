"""A run's settings: where things are, the environment variables runner processes read, and
which kind of target a target string names. Nothing here builds anything (see
:mod:`harness.runtime` for that)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from harness.errors import ConfigurationError

ENV_PROFILE = "DSP_CONFORMANCE_PROFILE"
ENV_TARGET = "DSP_CONFORMANCE_TARGET"
ENV_CONFIG = "DSP_CONFORMANCE_CONFIG"
ENV_FEATURES = "DSP_CONFORMANCE_FEATURES"
ENV_EVIDENCE = "DSP_CONFORMANCE_EVIDENCE"
ENV_TAGS = "DSP_CONFORMANCE_TAGS"
ENV_MUTANT = "DSP_CONFORMANCE_MUTANT"  # a mutant of the in-process reference (harness/mutants.py)
ENV_COMPARE_WITH = "DSP_CONFORMANCE_COMPARE_WITH"  # "reference": a differential run
ENV_UNVERIFIED = "DSP_CONFORMANCE_UNVERIFIED_SIGNATURES"  # "1": responses believed unsigned
ENV_CAPTURE = "DSP_CONFORMANCE_CAPTURE"  # a folder for every exchange, byte for byte
ENV_IN_FLIGHT = "DSP_CONFORMANCE_IN_FLIGHT"  # scenarios at once (harness/running/in_flight.py)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FEATURES = REPO_ROOT / "features"


class TargetKind(Enum):
    """What a ``--target`` string names: the in-process reference or a DUIS endpoint."""

    REFERENCE = "reference"
    HTTP = "http"


def target_kind(target: str) -> TargetKind:
    """The one place a target string is classified; anything else is bad input."""
    if target == "reference":
        return TargetKind.REFERENCE
    if target.startswith(("http://", "https://")):
        return TargetKind.HTTP
    raise ConfigurationError(f"unknown target {target!r}: use 'reference' or an http(s):// URL")


@dataclass(frozen=True)
class RunSettings:
    profile: str = "baseline"
    target: str = "reference"
    config: Path | None = None
    mutant: str | None = None
    compare_with: str | None = None
    unverified_signatures: bool = False

    @property
    def kind(self) -> TargetKind:
        return target_kind(self.target)

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


def features_dir() -> Path:
    return Path(os.environ.get(ENV_FEATURES, str(DEFAULT_FEATURES)))


def evidence_to_allure() -> bool:
    """Runner processes started by the CLI attach evidence to their Allure results."""
    return os.environ.get(ENV_EVIDENCE) == "allure"


def capture_dir() -> Path | None:
    """Where runner processes write every DUIS exchange as exchanged (``run --capture``)."""
    capture = os.environ.get(ENV_CAPTURE)
    return Path(capture) if capture else None
