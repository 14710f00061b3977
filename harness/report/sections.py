"""The sections of the conformance summary, as data: one list (:data:`SECTIONS`) drives both
the table of contents and the page body. A section is an anchor, a title, a renderer and,
when it only sometimes applies, a test of whether it is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.report.analysis import UNCITED_GROUP, Conformance, RequirementRow, VerdictChange
from harness.report.dp107 import dp107_section
from harness.report.html import (
    alarm_class,
    esc,
    gap,
    message_text,
    profile_head,
    requirement_cells,
    requirement_label,
    requirement_link,
    result_label,
    scenario_cells,
    scenario_label,
    source_of,
    verdict_badge,
    verdict_cell,
)
from harness.report.limits import limits_section, limits_shown
from harness.results.verdict import Verdict

Renderer = Callable[[Conformance], list[str]]


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str  # as the table of contents lists it
    render: Renderer
    shown: Callable[[Conformance], bool] = lambda c: True


VERDICT_MEANING = {
    Verdict.PASS: "the target behaved as the profile requires",
    Verdict.DEVIATION: (
        "the target gave the required outcome (rejected, by the same party) with another code "
        "than the model's, where that code's meaning is not public (graded model): not a "
        "failure unless --strict-codes"
    ),
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


def _verdict_counts(c: Conformance) -> list[str]:
    # A deviation gets its own column when a run has one (most runs have none).
    shown = [
        v for v in Verdict if v is not Verdict.DEVIATION or any(c.counts[run][v] for run in c.runs)
    ]
    out = [
        '<section id="verdicts"><h2>Verdicts per profile</h2>',
        "<table><thead><tr><th>Profile</th><th>Target</th>",
    ]
    out += [f'<th class="run">{esc(v.label)}</th>' for v in shown]
    out.append('<th class="run">Total</th></tr></thead><tbody>')
    for run in c.runs:
        counts = c.counts[run]
        cells = "".join(
            f'<td class="num{alarm_class(v, counts[v])}">{counts[v]}</td>' for v in shown
        )
        out.append(
            f"<tr><td>{esc(run.profile)}</td><td>{esc(c.results.lane_label(run.lane))}</td>{cells}"
            f'<td class="num">{sum(counts.values())}</td></tr>'
        )
    out.append("</tbody></table>")
    out.append('<h3>What the verdicts mean</h3><table class="legend"><tbody>')
    out += [
        f"<tr><td>{verdict_badge(v)}</td><td>{esc(VERDICT_MEANING[v])}</td></tr>" for v in Verdict
    ]
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
        out.append('<table class="grid">' + profile_head(c, "Requirement / scenario") + "<tbody>")
        for row in group.rows:
            out += _requirement_rows(row, c, uncited=group.name == UNCITED_GROUP)
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _requirement_rows(row: RequirementRow, c: Conformance, *, uncited: bool) -> list[str]:
    out: list[str] = []
    if not uncited:
        out.append(
            f'<tr class="req"><td class="name">{requirement_label(row, c)}</td>'
            f"{requirement_cells(row, c)}</tr>"
        )
    for scenario in row.scenarios:
        out.append(
            f'<tr><td class="scenario">{scenario_label(scenario)}</td>'
            f"{scenario_cells(scenario, c)}</tr>"
        )
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
        f'<td class="cell">{verdict_cell(by_profile.get(p), outcome=True)}</td>'
        for p in c.results.profiles
    )
    lane = esc(c.results.lane_label(change.lane))
    return f"<tr><td>{scenario_label(change.row)}</td><td>{lane}</td>{cells}</tr>"


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
            f"<tr><td>{result_label(result)}</td><td>{esc(result.profile)}</td>"
            f"<td>{esc(c.results.lane_label(result.run.lane))}</td>"
            f"<td>{message_text(result.message)}</td></tr>"
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
            f"<tr><td>{requirement_link(requirement, c)}"
            f'<span class="sub">{esc(requirement.title)}</span></td>'
            f"<td>{esc(source_of(requirement, c))}</td><td>{gap(requirement)}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _kill_matrix(c: Conformance) -> list[str]:
    matrix = c.kill_matrix
    assert matrix is not None  # the section is shown only with a kill matrix
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
            caught = verdict_badge(Verdict.FAIL, "survived")
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


def _listing_of(verdict: Verdict, anchor: str, title: str, intro: str) -> Renderer:
    def render(c: Conformance) -> list[str]:
        return _listing(c, verdict, anchor, title, intro)

    return render


SECTIONS: tuple[Section, ...] = (
    Section("verdicts", "Verdicts per profile", _verdict_counts),
    Section("limits", "Limits of this run", limits_section, shown=limits_shown),
    Section("requirements", "Requirements and scenarios, profiles side by side", _requirements),
    Section("dp107", "DP107: the deadlock and the candidate profiles", dp107_section),
    Section("changes", "Verdict changes between profiles", _changes),
    Section(
        "failures",
        "Failures",
        _listing_of(
            Verdict.FAIL,
            "failures",
            "Failures (non-conformances)",
            "The target broke a rule the profile requires.",
        ),
    ),
    Section(
        "deviations",
        "Deviations: codes that differ from the model",
        _listing_of(
            Verdict.DEVIATION,
            "deviations",
            "Deviations: codes that differ from the model",
            "The target gave the outcome required (rejected, by the same party) with another "
            "code than the one the model expects, where that code's meaning is not public "
            "(graded model in response_codes.yaml). Not failures unless the run asked "
            "--strict-codes.",
        ),
        shown=lambda c: any(c.counts[run][Verdict.DEVIATION] for run in c.runs),
    ),
    Section(
        "inconclusive",
        "Inconclusive scenarios",
        _listing_of(
            Verdict.INCONCLUSIVE,
            "inconclusive",
            "Inconclusive scenarios",
            "The harness could not decide; the reason it gave is shown.",
        ),
    ),
    Section(
        "not-applicable",
        "Not applicable scenarios",
        _listing_of(
            Verdict.NOT_APPLICABLE,
            "not-applicable",
            "Not applicable scenarios",
            "The profile or the target's capabilities exclude these scenarios.",
        ),
    ),
    Section("untested", "Requirements with no scenario", _untested),
    Section(
        "kill-matrix",
        "Mutation kill matrix",
        lambda c: _kill_matrix(c) if c.kill_matrix is not None else [],
        shown=lambda c: c.kill_matrix is not None,
    ),
)


def contents(c: Conformance) -> list[str]:
    """The table of contents: every section shown for these results."""
    items = "".join(
        f'<li><a href="#{s.anchor}">{esc(s.title)}</a></li>' for s in SECTIONS if s.shown(c)
    )
    return [f'<nav aria-label="Contents"><ol>{items}</ol></nav>']


def body(c: Conformance) -> list[str]:
    return [line for s in SECTIONS if s.shown(c) for line in s.render(c)]
