"""The DP107 options appraisal page (``appraisal.html``): for a Change Sub-Committee that reads
neither Python nor Gherkin. One self-contained file, no scripts, no external resources; it
prints to a PDF with the run's identity on every page.

Sections: the matrix (problem situations × options), one section per option (its conclusion,
the powers it grants or removes, the text it touches, the grade it rests on), the outcomes
side by side, the model's assumptions, and the evidence every cell links to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from harness.appraisal_roles import EFFECTS, SITUATIONS
from harness.report.analysis import Conformance, ScenarioRow
from harness.report.appraisal import Appraisal, Cell, Evidence, Option, appraise
from harness.report.appraisal_text import assumptions, conclusion, situation_name, who_and_how
from harness.report.html import esc, utc_text, verdict_badge
from harness.report.identity import RunIdentity, page_margin_css
from harness.report.style import CSS
from harness.results.manifest import listed_files

APPRAISAL_FILE = "appraisal.html"

APPRAISAL_CSS = """
table.matrix td { vertical-align: top; }
.yes { color: var(--pass); font-weight: 700; }
.no { color: var(--fail); font-weight: 700; }
.none { color: var(--muted); font-style: italic; }
.effect { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 8px;
  font-weight: 600; margin-right: 4px; }
.effect-restores { background: var(--pass-bg); color: var(--pass); }
.effect-stuck { background: var(--fail-bg); color: var(--fail); }
.effect-risk { background: var(--inc-bg); color: var(--inc); }
.effect-guarded { background: #e8eef7; color: var(--accent); }
ul.ev { margin: 4px 0 0; padding-left: 18px; font-size: 13px; }
.conclusion { background: #f3f6fa; border-left: 5px solid var(--accent); padding: 8px 12px; }
.grade-model { color: var(--inc); font-weight: 700; }
.grade-fact { color: var(--pass); font-weight: 700; }
@media print { .evidence { break-inside: avoid; } }
"""


def render_appraisal(
    c: Conformance,
    identity: RunIdentity,
    *,
    summary_href: str = "summary.html",
    generated_at: datetime | None = None,
) -> str:
    a = appraise(c)
    when = generated_at or datetime.now(UTC)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>DP107 options appraisal — {esc(identity.short)}</title>",
        f"<style>{CSS}{APPRAISAL_CSS}{page_margin_css(identity)}</style>",
        "</head><body>",
        "<main>",
        *_header(a, identity, summary_href),
        *_matrix(a),
        *[line for option in a.options for line in _option(option, a)],
        *_side_by_side(a),
        '<section id="assumptions"><h2>What the model assumes</h2><ul>',
        *[f"<li>{esc(text)}</li>" for text in assumptions(c, a)],
        "</ul></section>",
        *_evidence(a, listed_files(c.results.directory)),
        f"<footer>Generated {esc(utc_text(when))}. {esc(identity.line)}</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def write_appraisal(
    c: Conformance, out_dir: Path, identity: RunIdentity, *, generated_at: datetime | None = None
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / APPRAISAL_FILE
    path.write_text(render_appraisal(c, identity, generated_at=generated_at), encoding="utf-8")
    return path


def _header(a: Appraisal, identity: RunIdentity, summary_href: str) -> list[str]:
    options = "".join(
        f'<li><a href="#option-{esc(o.name)}">{esc(o.name)}</a></li>' for o in a.options
    )
    return [
        "<header><h1>DP107 options appraisal</h1>",
        '<p class="lede">Which option lets the correct Network Operator certificate be put '
        "back on a SMETS1 meter, by whom, at what risk, and changing which text? Every cell "
        "below is read from scenarios that declare the situation they exercise and what their "
        "outcome does, under each option.</p>",
        '<dl class="facts">',
        f'<dt>Run</dt><dd class="identity">{esc(identity.line)}</dd>',
        f"<dt>Options</dt><dd>{esc(', '.join(o.name for o in a.options))}</dd>",
        f"<dt>Scenarios</dt><dd>{len(a.rows)} with a declared role</dd>",
        "</dl>",
        f'<p><a href="{esc(summary_href)}">The conformance summary</a> has every scenario; '
        "the evidence for each cell is at the end of this page.</p>",
        '<nav aria-label="Contents"><ol><li><a href="#matrix">Can the certificate be restored?'
        f"</a></li><li>Options<ol>{options}</ol></li>"
        '<li><a href="#side-by-side">Outcomes side by side</a></li>'
        '<li><a href="#assumptions">What the model assumes</a></li>'
        '<li><a href="#evidence">Evidence</a></li></ol></nav>',
        "</header>",
    ]


def _effect(effect: str | None) -> str:
    if effect is None:
        return '<span class="effect none">no effect declared</span>'
    meaning = esc(EFFECTS.get(effect, ""))
    return f'<span class="effect effect-{esc(effect)}" title="{meaning}">{esc(effect)}</span>'


def _link(e: Evidence) -> str:
    return (
        f'<li>{_effect(e.role.effect)}<a href="#{e.anchor}">{esc(e.row.title)}</a> '
        f"{verdict_badge(e.result.verdict)}</li>"
    )


def _cell(cell: Cell) -> str:
    state = cell.restorable
    if state is None:
        head = '<span class="none">not exercised</span>'
    elif state:
        head = f'<span class="yes">Yes</span> — by {esc("; ".join(who_and_how(cell)))}'
    else:
        head = '<span class="no">No</span> — the wrong certificate stays'
    risks = cell.with_effect("risk")
    if risks:
        head += ' <span class="effect effect-risk">risk open</span>'
    items = "".join(_link(e) for e in cell.evidence)
    data = (
        f'data-situation="{esc(cell.situation)}" data-option="{esc(cell.option)}" '
        f'data-restorable="{esc(state)}"'
    )
    return f'<td {data}>{head}<ul class="ev">{items}</ul></td>'


def _matrix(a: Appraisal) -> list[str]:
    head = "".join(
        f'<th class="run"><a href="#option-{esc(o.name)}">{esc(o.name)}</a></th>' for o in a.options
    )
    out = [
        '<section id="matrix"><h2>Can the correct certificate be restored?</h2>',
        "<p>Rows are the problem situations; columns are the options. A cell says whether "
        "some scenario of that situation restores the correct certificate under that option, "
        "who does it and how, and links every scenario to its evidence.</p>",
        f'<table class="grid matrix"><thead><tr><th class="first">Problem situation</th>{head}'
        "</tr></thead><tbody>",
    ]
    for situation in a.situations:
        cells = "".join(_cell(o.cells[situation]) for o in a.options)
        about = SITUATIONS.get(situation, "")
        out.append(
            f'<tr><td><b>{esc(situation_name(situation))}</b><span class="sub">{esc(about)}'
            f"</span></td>{cells}</tr>"
        )
    out.append("</tbody></table>")
    if a.undeclared:
        names = "".join(f"<li>{esc(r.title)}</li>" for r in a.undeclared)
        out.append(
            f'<p class="gap">DP107 scenarios that declare no role, left out: </p><ul>{names}</ul>'
        )
    out.append("</section>")
    return out


def _option(option: Option, a: Appraisal) -> list[str]:
    out = [
        f'<section id="option-{esc(option.name)}" class="option">'
        f"<h2>Option: {esc(option.name)}</h2>",
        f"<p>{esc(option.summary)}</p>",
        f'<p class="conclusion">{esc(conclusion(option, a))}</p>',
        "<h3>New powers (requests baseline refuses that this option lets through)</h3>",
    ]
    out += _changes(option.granted, "None.")
    if option.removed:
        out.append("<h3>Requests baseline lets through that this option refuses</h3>")
        out += _changes(option.removed, "None.")
    out.append("<h3>SEC/DUIS text it would touch</h3>")
    if option.touches:
        out.append("<ul>" + "".join(f"<li>{esc(t)}</li>" for t in option.touches) + "</ul>")
    else:
        out.append('<p class="gap">None declared.</p>')
    grade = option.grade
    codes = ", ".join(f"{code} ({g})" for code, g in grade.codes) or "none"
    out.append(
        f'<h3>What the conclusion rests on: <span class="grade-{esc(grade.overall)}">'
        f"{esc(grade.overall)}</span></h3><ul><li>The option's rules: "
        f'<span class="grade-{esc(grade.rules)}">{esc(grade.rules)}</span></li>'
        f"<li>Response codes its outcomes rely on: {esc(codes)}</li></ul></section>"
    )
    return out


def _changes(changes: tuple[object, ...], empty: str) -> list[str]:
    from harness.report.appraisal import PowerChange

    if not changes:
        return [f'<p class="gap">{esc(empty)}</p>']
    out = ["<ul>"]
    for change in changes:
        assert isinstance(change, PowerChange)
        e = change.evidence
        out.append(
            f"<li><b>{esc(e.role.who)}</b> ({esc(e.role.how)}), "
            f"{esc(situation_name(e.role.situation))}: "
            f'<a href="#{e.anchor}">{esc(e.row.title)}</a> — baseline: '
            f"{esc(change.baseline)}; this option: {esc(e.outcome)}</li>"
        )
    out.append("</ul>")
    return out


def _side_by_side(a: Appraisal) -> list[str]:
    head = "".join(f'<th class="run">{esc(o.name)}</th>' for o in a.options)
    out = [
        '<section id="side-by-side"><h2>Outcomes side by side</h2>',
        "<p>What each option requires of every scenario with a declared role, and what that "
        "outcome does. Verdicts are all the same colour when the target is the reference: "
        "what changes between options is the outcome.</p>",
        f'<table class="grid"><thead><tr><th class="first">Scenario</th>{head}</tr></thead><tbody>',
    ]
    for row in _ordered(a):
        cells = []
        said = set()
        for option in a.options:
            e = a.evidence(row, option.name)
            if e is None:
                cells.append('<td class="cell"><span class="none">not run</span></td>')
                continue
            said.add((e.outcome, e.role.effect))
            cells.append(
                f'<td class="cell">{_effect(e.role.effect)}<a href="#{e.anchor}">'
                f"{esc(e.outcome)}</a></td>"
            )
        mark = '<span class="tag">differs</span>' if len(said) > 1 else ""
        out.append(
            f'<tr><td>{esc(row.title)}{mark}<span class="sub">{esc(row.feature)}</span></td>'
            f"{''.join(cells)}</tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _ordered(a: Appraisal) -> list[ScenarioRow]:
    def situation(row: ScenarioRow) -> int:
        found = next((r.role.situation for r in row.cells.values() if r.role), "")
        return a.situations.index(found) if found in a.situations else len(a.situations)

    return sorted(a.rows, key=lambda r: (situation(r), r.feature, r.title))


def _sha(listed: Mapping[str, str], name: str) -> str:
    digest = listed.get(name)
    return f' <span class="sub identity">sha256:{esc(digest)}</span>' if digest else ""


def _evidence(a: Appraisal, listed: Mapping[str, str]) -> list[str]:
    out = [
        '<section id="evidence"><h2>Evidence</h2>',
        "<p>Each scenario under each option: where it is written, what the option required, "
        "what the target did, and the result and attachment files that hold the exchange "
        "(their SHA-256 is in the run's evidence manifest).</p>",
    ]
    for row in _ordered(a):
        for option in a.options:
            e = a.evidence(row, option.name)
            if e is None:
                continue
            r = e.result
            where = f"{r.feature_file}:{r.line}" if r.feature_file else "not recorded"
            observed = r.observed.text if r.observed else "nothing observed"
            files = "".join(
                f"<li>{esc(att.name)}: <code>{esc(att.source)}</code>{_sha(listed, att.source)}"
                "</li>"
                for att in r.attachments
            )
            result_file = r.source.rsplit("/", 1)[-1]
            out.append(
                f'<div class="evidence" id="{e.anchor}"><h3>{esc(row.title)} — '
                f"{esc(option.name)}</h3>"
                f'<dl class="facts"><dt>Feature</dt><dd>{esc(row.feature)}</dd>'
                f"<dt>Written at</dt><dd><code>{esc(where)}</code></dd>"
                f"<dt>Role</dt><dd>{esc(situation_name(e.role.situation))}; "
                f"{esc(e.role.who)}, {esc(e.role.how)}; {_effect(e.role.effect)}</dd>"
                f"<dt>Verdict</dt><dd>{verdict_badge(r.verdict)} {esc(r.reason)}</dd>"
                f"<dt>Required</dt><dd>{esc(e.outcome)}</dd>"
                f"<dt>Observed</dt><dd>{esc(observed)}</dd>"
                f"<dt>Result file</dt><dd><code>{esc(result_file)}</code>"
                f"{_sha(listed, result_file)}</dd>"
                f"<dt>Attachments</dt><dd><ul>{files}</ul></dd></dl></div>"
            )
    out.append("</section>")
    return out
