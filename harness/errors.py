"""The harness's own error types. Every error a user can cause is one of these."""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error the harness raises on purpose; its message is for a person."""


class InvalidValue(HarnessError, ValueError):
    """A value (EUI-64, MPAN, date, role …) written by a tester is not well formed."""


class UnknownName(HarnessError, KeyError):
    """A name (profile, party, device, requirement, step …) is not known."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConfigurationError(HarnessError):
    """A configuration file, catalogue or option cannot be used."""


class Inconclusive(HarnessError):
    """The harness could not decide: target unreachable, bad envelope, provisioning failed."""


class NotApplicable(HarnessError):
    """The profile or the target's capabilities exclude the scenario.

    ``group`` is the reason without run-specific detail (names, profiles in force), so a run's
    not-applicable results can be counted by reason; it defaults to the message."""

    def __init__(self, message: str, *, group: str | None = None) -> None:
        super().__init__(message)
        self.group = group or message


class NonConformance(AssertionError):
    """The target broke a rule the active profile requires."""
