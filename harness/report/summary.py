"""The conformance summary: one self-contained HTML page for people who do not read Python.

No scripts, no external resources (a Content-Security-Policy forbids them too), inline CSS only.
The page is a header (what ran, how much of it executed, the overall banner) followed by the
sections of :data:`harness.report.sections.SECTIONS`, which also make its table of contents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import harness
from harness.report.analysis import Conformance
from harness.report.html import esc, plural, utc_ms, utc_text
from harness.report.identity import RunIdentity, identify, page_margin_css
from harness.report.sections import body, contents
from harness.report.style import CSS
from harness.results.record import Lane
from harness.results.tally import Tally
from harness.results.verdict import Verdict

SUMMARY_FILE = "summary.html"


def render_summary(
    conformance: Conformance,
    *,
    generated_at: datetime | None = None,
    allure_href: str | None = None,
    appraisal_href: str | None = None,
    identity: RunIdentity | None = None,
) -> str:
    """The summary page as one HTML string; ``allure_href`` links the full Allure report,
    ``appraisal_href`` the DP107 options appraisal (linked first)."""
    when = generated_at or datetime.now(UTC)
    identity = identity or identify(conformance.results)
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>DSP conformance summary — {esc(identity.short)}</title>",
        f"<style>{CSS}{page_margin_css(identity)}</style>",
        "</head><body>",
        "<main>",
    ]
    parts += _header(conformance, when, allure_href, appraisal_href, identity)
    parts += contents(conformance)
    parts += body(conformance)
    parts.append(
        f"<footer>Generated {esc(utc_text(when))} by dsp-conformance {esc(harness.__version__)} "
        f"from {esc(conformance.results.directory.name)} and "
        f"{esc(conformance.catalogue.source.name)}. {esc(identity.line)}</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def write_summary(
    conformance: Conformance,
    out_dir: Path,
    *,
    generated_at: datetime | None = None,
    allure_href: str | None = None,
    appraisal_href: str | None = None,
    identity: RunIdentity | None = None,
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / SUMMARY_FILE
    page = render_summary(
        conformance,
        generated_at=generated_at,
        allure_href=allure_href,
        appraisal_href=appraisal_href,
        identity=identity,
    )
    path.write_text(page, encoding="utf-8")
    return path


# --- sections --------------------------------------------------------------------------------


def _header(
    c: Conformance,
    when: datetime,
    allure_href: str | None,
    appraisal_href: str | None,
    identity: RunIdentity,
) -> list[str]:
    results = c.results
    env = results.environment
    facts: list[tuple[str, str]] = [
        ("Target" if len(results.targets) == 1 else "Targets", ", ".join(results.targets)),
        ("Profiles", ", ".join(results.profiles)),
        *_runners(results.lanes),
        ("Harness version", _harness_version(env.harness_version)),
        ("Git commit", env.git_sha or "not recorded"),
        ("DUIS schema version", env.duis_schema_version or "not recorded"),
        ("Evidence manifest", f"sha256:{identity.manifest}" if identity.manifest else "none"),
    ]
    period = results.period
    if period:
        facts.append(("Run", f"{utc_ms(period[0])} to {utc_ms(period[1])}"))
    scenario_count = f"{len(results.scenarios)} scenario results"
    if results.superseded:
        scenario_count += f" (the latest of repeated runs kept; {results.superseded} older dropped)"
    facts.append(("Results", scenario_count))
    facts.append(("Executed", Tally.of(results.scenarios).describe()))
    executor = dict(env.executor)
    build = executor.get("buildName") or executor.get("name")
    if build:
        facts.append(("Build", build))
    facts.append(("Generated", utc_text(when)))
    out = ["<header>"]
    if appraisal_href:
        out.append(
            f'<p class="lead-link"><a href="{esc(appraisal_href)}">DP107 options appraisal</a>: '
            "which option lets the correct certificate be restored, by whom, at what risk, "
            "changing which text.</p>"
        )
    out += [
        "<h1>DSP conformance summary</h1>",
        '<p class="lede">How the DSP under test handled the Service Request validation '
        "scenarios, requirement by requirement, under each rule profile.</p>",
        '<dl class="facts">',
    ]
    out += [f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts]
    out.append("</dl>")
    out.append(_banner(c))
    if allure_href:
        out.append(
            f"<p>Every step, request and response of every scenario: "
            f'<a href="{esc(allure_href)}">the full Allure report</a>.</p>'
        )
    out.append("</header>")
    return out


def _runners(lanes: Sequence[Lane]) -> list[tuple[str, str]]:
    runners = sorted({lane.runner for lane in lanes if lane.runner})
    if not runners:
        return []
    return [("Runner" if len(runners) == 1 else "Runners", ", ".join(runners))]


def _harness_version(recorded: str | None) -> str:
    if recorded and recorded != harness.__version__:
        return f"{recorded} (results); report rendered by {harness.__version__}"
    return harness.__version__


def _banner(c: Conformance) -> str:
    fails = c.total(Verdict.FAIL)
    inconclusive = c.total(Verdict.INCONCLUSIVE)
    if fails:
        text = f"{plural(fails, 'failure')} (non-conformance) found"
        if inconclusive:
            text += f"; {inconclusive} inconclusive"
        return f'<div class="banner fail" role="status">{esc(text)}.</div>'
    if inconclusive:
        return (
            '<div class="banner inconclusive" role="status">No failures, but '
            f"{esc(plural(inconclusive, 'scenario result'))} inconclusive: "
            "the harness could not decide those.</div>"
        )
    if not Tally.of(c.results.scenarios).executed:
        return (
            '<div class="banner inconclusive" role="status">No scenario executed: every '
            "result is not applicable, so these results show nothing about the target.</div>"
        )
    return (
        '<div class="banner pass" role="status">No failures: every scenario that applies '
        "passed under every profile.</div>"
    )
