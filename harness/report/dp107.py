"""DP107 in the conformance summary: its scenarios and requirements, what each profile does to
the deadlock, and the section that shows them. The rest of the summary knows nothing of DP107."""

from __future__ import annotations

from dataclasses import dataclass

from harness.report.analysis import Conformance, RequirementRow, ScenarioRow
from harness.report.html import (
    esc,
    profile_head,
    requirement_cells,
    requirement_label,
    said_of,
    scenario_cells,
    scenario_label,
)
from harness.results.record import Run
from harness.results.verdict import Verdict

DP107_PREFIX = "DP107-"


@dataclass(frozen=True)
class Dp107View:
    rows: tuple[ScenarioRow, ...]  # scenarios citing a DP107 requirement
    requirements: tuple[RequirementRow, ...]  # DP107 requirements: catalogued, then cited only


def dp107_view(c: Conformance) -> Dp107View:
    def cites(row: ScenarioRow, requirement_id: str) -> bool:
        return requirement_id in row.requirements

    known = [r.id for r in c.catalogue.requirements]
    cited = {rid for row in c.scenarios for rid in row.requirements}
    ids = [i for i in known if i.startswith(DP107_PREFIX)]
    ids += [i for i in sorted(cited - set(known)) if i.startswith(DP107_PREFIX)]
    return Dp107View(
        rows=tuple(
            row for row in c.scenarios if any(r.startswith(DP107_PREFIX) for r in row.requirements)
        ),
        requirements=tuple(
            RequirementRow(i, c.catalogue.get(i), tuple(r for r in c.scenarios if cites(r, i)))
            for i in ids
        ),
    )


# The problem situations whose scenarios say whether the deadlock is lifted: a wrong
# certificate is already there (a change of NO is the normal handover, not the deadlock).
DEADLOCK_SITUATIONS = ("deadlock-registered-no", "deadlock-owner", "hazard")


@dataclass(frozen=True)
class DeadlockFinding:
    """For one run: the scenarios of the deadlock situations that ran, those whose declared
    effect restores the correct certificate, and whether the target behaved as the profile
    requires in all of them."""

    run: Run
    scenarios: int
    resolved_by: tuple[str, ...]
    all_pass: bool

    @property
    def deadlocked(self) -> bool:
        return self.scenarios > 0 and not self.resolved_by


def deadlock_findings(c: Conformance, view: Dp107View) -> tuple[DeadlockFinding, ...]:
    """Per run, from the roles the scenarios declare (``@situation``, ``@effect`` or the
    outcome table's effect column), never from outcome words: a scenario lifts the deadlock
    when its declared effect under the run's profile restores the correct certificate."""
    findings = []
    for run in c.runs:
        present = [
            (row, r)
            for row in c.scenarios
            if (r := row.result(run)) is not None
            and r.verdict is not Verdict.NOT_APPLICABLE
            and r.role is not None
            and r.role.situation in DEADLOCK_SITUATIONS
        ]
        resolved = tuple(
            row.title for row, r in present if r.role is not None and r.role.effect == "restores"
        )
        findings.append(
            DeadlockFinding(
                run=run,
                scenarios=len(present),
                resolved_by=resolved,
                all_pass=all(r.verdict is Verdict.PASS for _, r in present),
            )
        )
    return tuple(f for f in findings if f.scenarios)


def dp107_section(c: Conformance) -> list[str]:
    view = dp107_view(c)
    out = [
        '<section id="dp107"><h2>DP107: the deadlock and the candidate profiles</h2>',
        "<p>A wrong Network Operator certificate notified for a SMETS1 meter cannot be replaced "
        "under today's rules: the registered NO fails the ownership check and the certificate's "
        "owner fails the registration check. Under <b>baseline</b> these scenarios show the "
        "deadlock and the hazard; under each candidate profile the same scenario states that "
        "profile's expected outcome. A verdict says whether the target behaved as that profile "
        "requires; the text under it is what the harness observed. Which option restores "
        "the certificate, by whom and at what risk is the subject of the options appraisal "
        "linked at the top of this page.</p>",
    ]
    if not view.rows:
        out.append('<p class="gap">No scenario in these results verifies a DP107 requirement.</p>')
        out.append("</section>")
        return out
    out += _findings(c, view)
    out.append("<h3>DP107 requirements by profile</h3>")
    out.append('<table class="grid">' + profile_head(c, "Requirement") + "<tbody>")
    for row in view.requirements:
        out.append(f"<tr><td>{requirement_label(row, c)}</td>{requirement_cells(row, c)}</tr>")
    out.append("</tbody></table>")
    out.append("<h3>Outcome of each DP107 scenario under each profile</h3>")
    out.append('<table class="grid">' + profile_head(c, "Scenario") + "<tbody>")
    changed = {change.row.key for change in c.changes}
    for scenario in view.rows:
        mark = ""
        if scenario.key in changed:
            mark = '<span class="tag">verdict differs by profile</span>'
        elif len({said_of(r) for r in scenario.cells.values()}) > 1:
            mark = '<span class="tag">outcome differs by profile</span>'
        out.append(
            f"<tr><td>{scenario_label(scenario, about=True)}{mark}</td>"
            f"{scenario_cells(scenario, c, outcome=True)}</tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _findings(c: Conformance, view: Dp107View) -> list[str]:
    """One line per profile: does the deadlock hold, and which scenarios does it lift?"""
    findings = deadlock_findings(c, view)
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
                f"the deadlock holds: none of the {finding.scenarios} scenarios of the deadlock "
                "situations restores the correct certificate"
            )
        else:
            names = "; ".join(esc(n) for n in finding.resolved_by)
            count = f"{len(finding.resolved_by)} of {finding.scenarios}"
            text = f"restores the correct certificate in {count} scenarios: {names}"
        behaved = (
            "the target behaved as the profile requires"
            if finding.all_pass
            else '<span class="v v-fail">the target did not behave as the profile requires</span>'
        )
        out.append(f"<li>{where}: {text} — {behaved}.</li>")
    out.append("</ul>")
    return out
