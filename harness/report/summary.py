"""The conformance summary: one self-contained HTML page for people who do not read Python.

No scripts, no external resources (a Content-Security-Policy forbids them too), inline CSS only.
Every piece of text that comes from results, the catalogue or testers is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import harness
from harness.report.analysis import (
    UNCITED_GROUP,
    Conformance,
    RequirementRow,
    ScenarioRow,
    VerdictChange,
    deadlock_findings,
)
from harness.report.catalogue import Requirement
from harness.report.killmatrix import KillMatrix
from harness.report.results import Lane, Run, ScenarioResult, Verdict, first_line

SUMMARY_FILE = "summary.html"
_LONG_MESSAGE = 240

VERDICT_MEANING = {
    Verdict.PASS: "the target behaved as the profile requires",
    Verdict.FAIL: "the target broke a rule the profile requires (a non-conformance)",
    Verdict.INCONCLUSIVE: (
        "the harness could not decide: target unreachable, timed out, bad response envelope, "
        "or a precondition could not be set up"
    ),
    Verdict.NOT_APPLICABLE: (
        "the profile or the target's declared capabilities exclude the scenario; "
        "the reason is given"
    ),
}

_CSS = """
:root { --pass:#1b7a3a; --pass-bg:#e3f4e8; --fail:#b3261e; --fail-bg:#fbe4e2;
  --inc:#8a5a00; --inc-bg:#fff1cc; --na:#50575e; --na-bg:#eceff1; --line:#d5d9de; --ink:#1d2125;
  --muted:#5b6470; --accent:#1f4e8c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #f6f7f9; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0 10px; max-width: 80ch; }
a { color: var(--accent); }
.lede { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 14px 0; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
.banner { padding: 12px 16px; border-radius: 6px; font-weight: 600; font-size: 16px;
  margin: 14px 0; }
.banner.pass { background: var(--pass-bg); color: var(--pass);
  border-left: 6px solid var(--pass); }
.banner.fail { background: var(--fail-bg); color: var(--fail);
  border-left: 6px solid var(--fail); }
.banner.inconclusive { background: var(--inc-bg); color: var(--inc);
  border-left: 6px solid var(--inc); }
nav ol { columns: 2; margin: 6px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; position: sticky; top: 0; }
table.grid { table-layout: fixed; }
table.grid th.first { width: 34%; }
th.run { text-align: center; min-width: 110px; }
.entry { margin: 2px 0 6px; }
.entry .target { display: block; font-size: 11px; color: var(--muted); word-break: break-all; }
td.cell { text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.alarm-fail { color: var(--fail); background: var(--fail-bg); font-weight: 700; }
td.alarm-inconclusive { color: var(--inc); background: var(--inc-bg); font-weight: 700; }
tr.req > td { background: #f8f9fb; }
tr.req td.name { font-weight: 600; }
td.scenario { padding-left: 26px; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600;
  white-space: nowrap; }
.sub { display: block; color: var(--muted); font-size: 13px; font-weight: 400; }
.v { display: inline-block; min-width: 92px; padding: 1px 8px; border-radius: 10px; font-size: 13px;
  font-weight: 600; text-align: center; white-space: nowrap; }
.v-pass { background: var(--pass-bg); color: var(--pass); }
.v-fail { background: var(--fail-bg); color: var(--fail); }
.v-inconclusive { background: var(--inc-bg); color: var(--inc); }
.v-not-applicable { background: var(--na-bg); color: var(--na); }
.v-none { color: var(--muted); font-weight: 400; }
.outcome { display: block; text-align: left; font-size: 13px; margin-top: 4px; color: var(--ink);
  white-space: pre-wrap; word-break: break-word; }
.gap { color: var(--muted); font-style: italic; text-align: left; }
.gap.testable { color: var(--fail); font-style: normal; }
details { margin-top: 4px; text-align: left; }
details pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: #f3f4f6;
  padding: 6px; margin: 4px 0 0; max-height: 320px; overflow: auto; }
.tag { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 8px;
  background: #e8eef7; color: var(--accent); margin-left: 6px; font-weight: 600; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media print { thead th { position: static; } main { max-width: none; } }
"""


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """Only web links a person can follow; never ``javascript:`` and the like."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def render_summary(
    conformance: Conformance,
    *,
    generated_at: datetime | None = None,
    allure_href: str | None = None,
) -> str:
    """The summary page as one HTML string; ``allure_href`` links the full Allure report."""
    when = generated_at or datetime.now(UTC)
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        "<title>DSP conformance summary</title>",
        f"<style>{_CSS}</style>",
        "</head><body><main>",
    ]
    parts += _header(conformance, when, allure_href)
    parts += _contents(conformance)
    parts += _verdict_counts(conformance)
    parts += _requirements(conformance)
    parts += _dp107(conformance)
    parts += _changes(conformance)
    parts += _listing(
        conformance,
        Verdict.FAIL,
        "failures",
        "Failures (non-conformances)",
        "The target broke a rule the profile requires.",
    )
    parts += _listing(
        conformance,
        Verdict.INCONCLUSIVE,
        "inconclusive",
        "Inconclusive scenarios",
        "The harness could not decide; the reason it gave is shown.",
    )
    parts += _listing(
        conformance,
        Verdict.NOT_APPLICABLE,
        "not-applicable",
        "Not applicable scenarios",
        "The profile or the target's capabilities exclude these scenarios.",
    )
    parts += _untested(conformance)
    if conformance.kill_matrix is not None:
        parts += _kill_matrix(conformance.kill_matrix, conformance)
    parts.append(
        f"<footer>Generated {esc(_utc(when))} by dsp-conformance {esc(harness.__version__)} "
        f"from {esc(conformance.results.directory.name)} and "
        f"{esc(conformance.catalogue.source.name)}.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def write_summary(
    conformance: Conformance,
    out_dir: Path,
    *,
    generated_at: datetime | None = None,
    allure_href: str | None = None,
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / SUMMARY_FILE
    page = render_summary(conformance, generated_at=generated_at, allure_href=allure_href)
    path.write_text(page, encoding="utf-8")
    return path


# --- sections --------------------------------------------------------------------------------


def _header(c: Conformance, when: datetime, allure_href: str | None) -> list[str]:
    results = c.results
    env = results.environment
    facts: list[tuple[str, str]] = [
        ("Target" if len(results.targets) == 1 else "Targets", ", ".join(results.targets)),
        ("Profiles", ", ".join(results.profiles)),
        *_runners(results.lanes),
        ("Harness version", _harness_version(env.harness_version)),
        ("Git commit", env.git_sha or "not recorded"),
        ("DUIS schema version", env.duis_schema_version or "not recorded"),
    ]
    period = results.period
    if period:
        facts.append(("Run", f"{_utc_ms(period[0])} to {_utc_ms(period[1])}"))
    scenario_count = f"{len(results.scenarios)} scenario results"
    if results.superseded:
        scenario_count += f" (the latest of repeated runs kept; {results.superseded} older dropped)"
    facts.append(("Results", scenario_count))
    executor = dict(env.executor)
    build = executor.get("buildName") or executor.get("name")
    if build:
        facts.append(("Build", build))
    facts.append(("Generated", _utc(when)))
    out = [
        "<header>",
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
        text = f"{_plural(fails, 'failure')} (non-conformance) found"
        if inconclusive:
            text += f"; {inconclusive} inconclusive"
        return f'<div class="banner fail" role="status">{esc(text)}.</div>'
    if inconclusive:
        return (
            '<div class="banner inconclusive" role="status">No failures, but '
            f"{esc(_plural(inconclusive, 'scenario result'))} inconclusive: "
            "the harness could not decide those.</div>"
        )
    return (
        '<div class="banner pass" role="status">No failures: every scenario that applies '
        "passed under every profile.</div>"
    )


def _contents(c: Conformance) -> list[str]:
    entries = [
        ("verdicts", "Verdicts per profile"),
        ("requirements", "Requirements and scenarios, profiles side by side"),
        ("dp107", "DP107: the deadlock and the candidate profiles"),
        ("changes", "Verdict changes between profiles"),
        ("failures", "Failures"),
        ("inconclusive", "Inconclusive scenarios"),
        ("not-applicable", "Not applicable scenarios"),
        ("untested", "Requirements with no scenario"),
    ]
    if c.kill_matrix is not None:
        entries.append(("kill-matrix", "Mutation kill matrix"))
    items = "".join(f'<li><a href="#{a}">{esc(t)}</a></li>' for a, t in entries)
    return [f'<nav aria-label="Contents"><ol>{items}</ol></nav>']


def _verdict_counts(c: Conformance) -> list[str]:
    out = [
        '<section id="verdicts"><h2>Verdicts per profile</h2>',
        "<table><thead><tr><th>Profile</th><th>Target</th>",
    ]
    out += [f'<th class="run">{esc(v.label)}</th>' for v in Verdict]
    out.append('<th class="run">Total</th></tr></thead><tbody>')
    for run in c.runs:
        counts = c.counts[run]
        cells = "".join(f'<td class="num{_alarm(v, counts[v])}">{counts[v]}</td>' for v in Verdict)
        out.append(
            f"<tr><td>{esc(run.profile)}</td><td>{esc(c.results.lane_label(run.lane))}</td>{cells}"
            f'<td class="num">{sum(counts.values())}</td></tr>'
        )
    out.append("</tbody></table>")
    out.append('<h3>What the verdicts mean</h3><table class="legend"><tbody>')
    out += [f"<tr><td>{_badge(v)}</td><td>{esc(VERDICT_MEANING[v])}</td></tr>" for v in Verdict]
    out.append("</tbody></table></section>")
    return out


def _requirements(c: Conformance) -> list[str]:
    out = [
        '<section id="requirements"><h2>Requirements and scenarios, profiles side by side</h2>',
        "<p>Each requirement shows the verdict its scenarios add up to under each profile "
        "(one failure outweighs any passes), then every scenario that verifies it. "
        "Hover over a verdict to see the reason the harness gave.</p>",
    ]
    for group in c.groups:
        out.append(f"<h3>{esc(group.name)}</h3>")
        out.append('<table class="grid">' + _profile_head(c, "Requirement / scenario") + "<tbody>")
        for row in group.rows:
            out += _requirement_rows(row, c, uncited=group.name == UNCITED_GROUP)
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _requirement_rows(row: RequirementRow, c: Conformance, *, uncited: bool) -> list[str]:
    out: list[str] = []
    if not uncited:
        out.append(
            f'<tr class="req"><td class="name">{_requirement_label(row, c)}</td>'
            f"{_requirement_cells(row, c)}</tr>"
        )
    for scenario in row.scenarios:
        out.append(
            f'<tr><td class="scenario">{_scenario_label(scenario)}</td>'
            f"{_scenario_cells(scenario, c)}</tr>"
        )
    return out


def _dp107(c: Conformance) -> list[str]:
    out = [
        '<section id="dp107"><h2>DP107: the deadlock and the candidate profiles</h2>',
        "<p>A wrong Network Operator certificate notified for a SMETS1 meter cannot be replaced "
        "under today's rules: the registered NO fails the ownership check and the certificate's "
        "owner fails the registration check. Under <b>baseline</b> these scenarios show the "
        "deadlock and the hazard; under each candidate profile the same scenario states that "
        "profile's expected outcome. A verdict says whether the target behaved as that profile "
        "requires; the text under it is what the harness observed.</p>",
    ]
    if not c.dp107:
        out.append('<p class="gap">No scenario in these results verifies a DP107 requirement.</p>')
        out.append("</section>")
        return out
    out += _deadlock_findings(c)
    out.append("<h3>DP107 requirements by profile</h3>")
    out.append('<table class="grid">' + _profile_head(c, "Requirement") + "<tbody>")
    for row in c.dp107_requirements:
        out.append(f"<tr><td>{_requirement_label(row, c)}</td>{_requirement_cells(row, c)}</tr>")
    out.append("</tbody></table>")
    out.append("<h3>Outcome of each DP107 scenario under each profile</h3>")
    out.append('<table class="grid">' + _profile_head(c, "Scenario") + "<tbody>")
    changed = {change.row.key for change in c.changes}
    for scenario in c.dp107:
        mark = ""
        if scenario.key in changed:
            mark = '<span class="tag">verdict differs by profile</span>'
        elif len({_said(r) for r in scenario.cells.values()}) > 1:
            mark = '<span class="tag">outcome differs by profile</span>'
        out.append(
            f"<tr><td>{_scenario_label(scenario, about=True)}{mark}</td>"
            f"{_scenario_cells(scenario, c, outcome=True)}</tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _deadlock_findings(c: Conformance) -> list[str]:
    """One line per profile: does the deadlock hold, and which scenarios does it lift?"""
    findings = deadlock_findings(c)
    if not findings:
        return []
    out = ["<h3>What each profile does to the deadlock</h3>", '<ul class="findings">']
    for finding in findings:
        where = f"<b>{esc(finding.run.profile)}</b>"
        if len(c.runs) > len({r.profile for r in c.runs}):
            lane = ", ".join(x for x in (finding.run.target, finding.run.runner) if x)
            where += f" ({esc(lane)})"
        if finding.deadlocked:
            text = (
                f"the deadlock holds: in each of the {finding.scenarios} DP107 scenarios with a "
                "per-profile outcome, the replacement of the wrong certificate is refused"
            )
        else:
            names = "; ".join(esc(n) for n in finding.resolved_by)
            count = f"{len(finding.resolved_by)} of {finding.scenarios}"
            text = f"lifts the deadlock in {count} scenarios: {names}"
        behaved = (
            "the target behaved as the profile requires"
            if finding.all_pass
            else '<span class="v v-fail">the target did not behave as the profile requires</span>'
        )
        out.append(f"<li>{where}: {text} — {behaved}.</li>")
    out.append("</ul>")
    return out


def _changes(c: Conformance) -> list[str]:
    out = [
        '<section id="changes"><h2>Verdict changes between profiles</h2>',
        "<p>Scenarios whose verdict against the same target differs from one profile to "
        "another: the visible impact of a rule change.</p>",
    ]
    profiles = c.results.profiles
    if len(profiles) < 2:
        out.append('<p class="gap">Only one profile ran, so there is nothing to compare.</p>')
    elif not c.changes:
        out.append('<p class="gap">No scenario changes verdict between profiles.</p>')
    else:
        head = "".join(f'<th class="run">{esc(p)}</th>' for p in profiles)
        out.append(f"<table><thead><tr><th>Scenario</th><th>Target</th>{head}</tr></thead><tbody>")
        for change in c.changes:
            out.append(_change_row(change, c))
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _change_row(change: VerdictChange, c: Conformance) -> str:
    by_profile = {r.profile: r for r in change.results}
    cells = "".join(
        f'<td class="cell">{_cell(by_profile.get(p), outcome=True)}</td>'
        for p in c.results.profiles
    )
    lane = esc(c.results.lane_label(change.lane))
    return f"<tr><td>{_scenario_label(change.row)}</td><td>{lane}</td>{cells}</tr>"


def _listing(c: Conformance, verdict: Verdict, anchor: str, title: str, intro: str) -> list[str]:
    found = c.listed(verdict)
    out = [f'<section id="{anchor}"><h2>{esc(title)} ({len(found)})</h2>', f"<p>{esc(intro)}</p>"]
    if not found:
        out.append('<p class="gap">None.</p></section>')
        return out
    out.append(
        "<table><thead><tr><th>Scenario</th><th>Profile</th><th>Target</th><th>Reason</th>"
        "</tr></thead><tbody>"
    )
    for result in found:
        out.append(
            f"<tr><td>{_result_label(result)}</td><td>{esc(result.profile)}</td>"
            f"<td>{esc(c.results.lane_label(result.run.lane))}</td>"
            f"<td>{_message(result.message)}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _untested(c: Conformance) -> list[str]:
    out = [
        f'<section id="untested"><h2>Requirements with no scenario ({len(c.untested)})</h2>',
        "<p>Requirements in the catalogue that no scenario in these results verifies.</p>",
    ]
    if not c.untested:
        out.append('<p class="gap">None: every requirement has at least one scenario.</p>')
        out.append("</section>")
        return out
    out.append(
        "<table><thead><tr><th>Requirement</th><th>Source</th><th>Why no scenario</th>"
        "</tr></thead><tbody>"
    )
    for requirement in c.untested:
        out.append(
            f"<tr><td>{_requirement_link(requirement, c)}"
            f'<span class="sub">{esc(requirement.title)}</span></td>'
            f"<td>{esc(_source(requirement, c))}</td><td>{_gap(requirement)}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _kill_matrix(matrix: KillMatrix, c: Conformance) -> list[str]:
    known = {row.title for group in c.groups for req in group.rows for row in req.scenarios}
    known |= {s.name for s in c.results.scenarios}
    out = [
        '<section id="kill-matrix"><h2>Mutation kill matrix</h2>',
        f"<p>{matrix.killed} of {len(matrix.mutants)} deliberately broken rules were caught "
        "by at least one scenario. A mutant nobody caught points at a rule no scenario pins "
        "down.</p>",
        "<table><thead><tr><th>Mutant</th><th>What it breaks</th><th>Caught by</th>"
        "</tr></thead><tbody>",
    ]
    for mutant in matrix.mutants:
        if mutant.survived:
            caught = _badge(Verdict.FAIL, "survived")
        else:
            caught = "<ul>" + "".join(
                f"<li>{esc(name)}"
                + ("" if name in known else ' <span class="sub">(not in these results)</span>')
                + "</li>"
                for name in mutant.killed_by
            )
            caught += "</ul>"
        out.append(
            f'<tr><td class="id">{esc(mutant.name)}</td><td>{esc(mutant.description)}</td>'
            f"<td>{caught}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


# --- pieces ----------------------------------------------------------------------------------


def _profile_head(c: Conformance, first: str) -> str:
    cells = "".join(f'<th class="run" scope="col">{esc(p)}</th>' for p in c.results.profiles)
    return f'<thead><tr><th class="first">{esc(first)}</th>{cells}</tr></thead>'


def _several_lanes(c: Conformance) -> bool:
    return len(c.results.lanes) > 1


def _requirement_cells(row: RequirementRow, c: Conformance) -> str:
    """Per profile, the verdict the requirement's scenarios add up to (per target if several)."""
    profiles = c.results.profiles
    if not row.scenarios:
        return f'<td colspan="{len(profiles)}">{_gap(row.requirement)}</td>'
    several = _several_lanes(c)
    cells = []
    for profile in profiles:
        entries = [
            _entry(c.results.lane_label(lane) if several else None, _badge(verdict))
            for lane in c.results.lanes
            if (verdict := row.verdict(Run(profile, lane.target, lane.runner))) is not None
        ]
        cells.append(f'<td class="cell">{" ".join(entries) or _badge(None)}</td>')
    return "".join(cells)


def _scenario_cells(row: ScenarioRow, c: Conformance, *, outcome: bool = False) -> str:
    """Per profile, this scenario's verdict (per target if several), optionally with what
    the harness observed."""
    several = _several_lanes(c)
    describe = outcome and not row.description  # a shared description is shown once
    cells = []
    for profile in c.results.profiles:
        entries = [
            _entry(
                c.results.lane_label(lane) if several else None,
                _cell(result, outcome=outcome, describe=describe),
            )
            for lane in c.results.lanes
            if (result := row.result(Run(profile, lane.target, lane.runner))) is not None
        ]
        cells.append(f'<td class="cell">{" ".join(entries) or _badge(None)}</td>')
    return "".join(cells)


def _entry(target: str | None, content: str) -> str:
    if target is None:
        return content
    return f'<div class="entry"><span class="target">{esc(target)}</span> {content}</div>'


def _badge(verdict: Verdict | None, text: str | None = None, tooltip: str = "") -> str:
    title = f' title="{esc(tooltip)}"' if tooltip else ""
    if verdict is None:
        return f'<span class="v v-none"{title}>not run</span>'
    css = verdict.value.replace(" ", "-")
    return f'<span class="v v-{css}"{title}>{esc(text or verdict.label)}</span>'


def _cell(result: ScenarioResult | None, *, outcome: bool = False, describe: bool = True) -> str:
    """A verdict badge; with ``outcome``, also what the profile required and what was seen."""
    if result is None:
        return _badge(None)
    badge = _badge(result.verdict, tooltip=result.reason)
    if not outcome:
        return badge
    expected, description, message = _said(result)
    said = [f"required: {expected}" if expected else "", description if describe else "", message]
    return badge + "".join(" " + _outcome(text) for text in said if text)


def _said(result: ScenarioResult) -> tuple[str, str, str]:
    """What a result says beyond its verdict: the profile's required outcome (from the
    scenario's profile table), its description and its status message."""
    return result.expected.strip(), result.description.strip(), result.message.strip()


def _outcome(text: str) -> str:
    if len(text) <= _LONG_MESSAGE and "\n" not in text:
        return f'<span class="outcome">{esc(text)}</span>'
    return (
        f'<span class="outcome">{esc(_clip(first_line(text)))}</span>'
        f"<details><summary>full text</summary><pre>{esc(text)}</pre></details>"
    )


def _message(message: str) -> str:
    if not message.strip():
        return '<span class="gap">no reason given</span>'
    return _outcome(message.strip())


def _clip(text: str) -> str:
    return text if len(text) <= _LONG_MESSAGE else text[: _LONG_MESSAGE - 1] + "…"


def _requirement_link(requirement: Requirement, c: Conformance) -> str:
    document = c.catalogue.document_of(requirement)
    url = safe_url(document.url if document else None)
    title = esc(document.title) if document else ""
    if url:
        return (
            f'<a class="id" href="{esc(url)}" title="{title}" rel="noreferrer">'
            f"{esc(requirement.id)}</a>"
        )
    return f'<span class="id" title="{title}">{esc(requirement.id)}</span>'


def _source(requirement: Requirement, c: Conformance) -> str:
    """``SEC Appendix AB, 6.1(f)(i)``: the document's short name and the clause."""
    document = c.catalogue.document_of(requirement)
    name = document.title.split(" — ")[0].strip() if document else requirement.document
    return f"{name}, {requirement.clause}"


def _requirement_label(row: RequirementRow, c: Conformance) -> str:
    requirement = row.requirement
    if requirement is None:
        return (
            f'<span class="id">{esc(row.id)}</span>'
            '<span class="sub">not in the requirements catalogue</span>'
        )
    severity = f" · {requirement.severity}"
    codes = f" · codes {', '.join(requirement.codes)}" if requirement.codes else ""
    return (
        f"{_requirement_link(requirement, c)} {esc(requirement.title)}"
        f'<span class="sub">{esc(_source(requirement, c) + severity + codes)}</span>'
    )


def _scenario_label(row: ScenarioRow, *, about: bool = False) -> str:
    label = f'{esc(row.title)}<span class="sub">{esc(row.feature)}</span>'
    if about and row.description:
        label += (
            "<details><summary>about this scenario</summary>"
            f"<p>{esc(row.description)}</p></details>"
        )
    return label


def _result_label(result: ScenarioResult) -> str:
    return f'{esc(result.title)}<span class="sub">{esc(result.feature)}</span>'


def _gap(requirement: Requirement | None) -> str:
    if requirement is not None and requirement.not_tested_because:
        return f'<span class="gap">No scenario: {esc(requirement.not_tested_because)}</span>'
    return (
        '<span class="gap testable">No scenario in these results, though the requirement '
        "is testable.</span>"
    )


def _alarm(verdict: Verdict, count: int) -> str:
    """Make a non-zero failure or inconclusive count stand out in the counts table."""
    if count and verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE):
        return f" alarm-{verdict.value}"
    return ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _utc_ms(millis: int) -> str:
    return _utc(datetime.fromtimestamp(millis / 1000, tz=UTC))
