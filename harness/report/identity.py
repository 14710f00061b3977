"""A run's identity as the reports print it on every page: the git commit, the evidence
manifest's SHA-256, the targets and when the run was."""

from __future__ import annotations

from dataclasses import dataclass

from harness.report.html import utc_ms
from harness.report.results import ResultSet
from harness.results.manifest import manifest_digest


@dataclass(frozen=True)
class RunIdentity:
    git: str
    manifest: str | None  # SHA-256 of the evidence manifest; None: the run wrote none
    targets: str
    period: str

    @property
    def short(self) -> str:
        evidence = f"evidence {self.manifest[:16]}" if self.manifest else "no evidence manifest"
        return f"git {self.git} · {evidence}"

    @property
    def line(self) -> str:
        evidence = (
            f"evidence manifest sha256:{self.manifest}"
            if self.manifest
            else "no evidence manifest in the results"
        )
        return f"Run: git {self.git} · {evidence} · target {self.targets} · {self.period}"


def identify(results: ResultSet) -> RunIdentity:
    period = results.period
    when = f"{utc_ms(period[0])} to {utc_ms(period[1])}" if period else "run time not recorded"
    return RunIdentity(
        git=results.environment.git_sha or "not recorded",
        manifest=manifest_digest(results.directory),
        targets=", ".join(results.targets),
        period=when,
    )
