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


def page_margin_css(identity: RunIdentity) -> str:
    """A printed page's bottom margin box carrying the run's identity (CSS Paged Media, which
    Chromium prints), so it sits on every page without covering the content."""
    return (
        "@page { size: A4 landscape; margin: 12mm 10mm 16mm; @bottom-left { content: "
        f'"{css_string(identity.line)}"; font: 7pt monospace; color: #5b6470; }} }}'
    )


def css_string(text: str) -> str:
    """``text`` inside a CSS double-quoted string: anything but plain letters, digits and a
    little punctuation is written as a hex escape, so no text can end the string or the
    style element."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:_-+/")
    return "".join(ch if ch in safe else f"\\{ord(ch):x} " for ch in text)


def identify(results: ResultSet) -> RunIdentity:
    period = results.period
    when = f"{utc_ms(period[0])} to {utc_ms(period[1])}" if period else "run time not recorded"
    return RunIdentity(
        git=results.environment.git_sha or "not recorded",
        manifest=manifest_digest(results.directory),
        targets=", ".join(results.targets),
        period=when,
    )
