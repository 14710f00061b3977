"""The small pieces the conformance summary's sections are built from: escaping, verdict
badges, per-profile cells, labels for requirements and scenarios. Every piece of text that comes
from results, the catalogue or testers is escaped here."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import urlsplit

from harness.report.analysis import Conformance, RequirementRow, ScenarioRow
from harness.report.catalogue import Requirement
from harness.results.record import ResultRecord, Run, first_line
from harness.results.verdict import Verdict

LONG_MESSAGE = 240


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """Only web links a person can follow; never ``javascript:`` and the like."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def profile_head(c: Conformance, first: str) -> str:
    cells = "".join(f'<th class="run" scope="col">{esc(p)}</th>' for p in c.results.profiles)
    return f'<thead><tr><th class="first">{esc(first)}</th>{cells}</tr></thead>'


def several_lanes(c: Conformance) -> bool:
    return len(c.results.lanes) > 1


def requirement_cells(row: RequirementRow, c: Conformance) -> str:
    """Per profile, the verdict the requirement's scenarios add up to (per target if several)."""
    profiles = c.results.profiles
    if not row.scenarios:
        return f'<td colspan="{len(profiles)}">{gap(row.requirement)}</td>'
    several = several_lanes(c)
    cells = []
    for profile in profiles:
        entries = [
            entry_div(c.results.lane_label(lane) if several else None, verdict_badge(verdict))
            for lane in c.results.lanes
            if (verdict := row.verdict(Run(profile, lane.target, lane.runner))) is not None
        ]
        cells.append(f'<td class="cell">{" ".join(entries) or verdict_badge(None)}</td>')
    return "".join(cells)


def scenario_cells(row: ScenarioRow, c: Conformance, *, outcome: bool = False) -> str:
    """Per profile, this scenario's verdict (per target if several), optionally with what
    the harness observed."""
    several = several_lanes(c)
    describe = outcome and not row.description  # a shared description is shown once
    cells = []
    for profile in c.results.profiles:
        entries = [
            entry_div(
                c.results.lane_label(lane) if several else None,
                verdict_cell(result, outcome=outcome, describe=describe),
            )
            for lane in c.results.lanes
            if (result := row.result(Run(profile, lane.target, lane.runner))) is not None
        ]
        cells.append(f'<td class="cell">{" ".join(entries) or verdict_badge(None)}</td>')
    return "".join(cells)


def entry_div(target: str | None, content: str) -> str:
    if target is None:
        return content
    return f'<div class="entry"><span class="target">{esc(target)}</span> {content}</div>'


def verdict_badge(verdict: Verdict | None, text: str | None = None, tooltip: str = "") -> str:
    title = f' title="{esc(tooltip)}"' if tooltip else ""
    if verdict is None:
        return f'<span class="v v-none"{title}>not run</span>'
    css = verdict.value.replace(" ", "-")
    return f'<span class="v v-{css}"{title}>{esc(text or verdict.label)}</span>'


def verdict_cell(
    result: ResultRecord | None, *, outcome: bool = False, describe: bool = True
) -> str:
    """A verdict badge; with ``outcome``, also what the profile required and what was seen."""
    if result is None:
        return verdict_badge(None)
    badge = verdict_badge(result.verdict, tooltip=result.reason)
    if not outcome:
        return badge
    expected, description, message = said_of(result)
    said = [f"required: {expected}" if expected else "", description if describe else "", message]
    return badge + "".join(" " + outcome_text(text) for text in said if text)


def said_of(result: ResultRecord) -> tuple[str, str, str]:
    """What a result says beyond its verdict: the outcome it required (the profile's row of
    its outcome table, or its single outcome) with the grade of its code, its description
    and its status message."""
    required = result.expected
    expected = required.text if required is not None else ""
    if required is not None and required.grade == "fact":
        expected += f" (fact: {required.source})" if required.source else " (fact)"
    elif required is not None and required.grade == "model":
        expected += " (model: the code's meaning is not public)"
    return expected, result.description.strip(), result.message.strip()


def outcome_text(text: str) -> str:
    if len(text) <= LONG_MESSAGE and "\n" not in text:
        return f'<span class="outcome">{esc(text)}</span>'
    return (
        f'<span class="outcome">{esc(clip(first_line(text)))}</span>'
        f"<details><summary>full text</summary><pre>{esc(text)}</pre></details>"
    )


def message_text(message: str) -> str:
    if not message.strip():
        return '<span class="gap">no reason given</span>'
    return outcome_text(message.strip())


def clip(text: str) -> str:
    return text if len(text) <= LONG_MESSAGE else text[: LONG_MESSAGE - 1] + "…"


def requirement_link(requirement: Requirement, c: Conformance) -> str:
    document = c.catalogue.document_of(requirement)
    url = safe_url(document.url if document else None)
    title = esc(document.title) if document else ""
    if url:
        return (
            f'<a class="id" href="{esc(url)}" title="{title}" rel="noreferrer">'
            f"{esc(requirement.id)}</a>"
        )
    return f'<span class="id" title="{title}">{esc(requirement.id)}</span>'


def source_of(requirement: Requirement, c: Conformance) -> str:
    """``SEC Appendix AB, 6.1(f)(i)``: the document's short name and the clause."""
    document = c.catalogue.document_of(requirement)
    name = document.title.split(" — ")[0].strip() if document else requirement.document
    return f"{name}, {requirement.clause}"


def requirement_label(row: RequirementRow, c: Conformance) -> str:
    requirement = row.requirement
    if requirement is None:
        return (
            f'<span class="id">{esc(row.id)}</span>'
            '<span class="sub">not in the requirements catalogue</span>'
        )
    severity = f" · {requirement.severity}"
    codes = f" · codes {', '.join(requirement.codes)}" if requirement.codes else ""
    return (
        f"{requirement_link(requirement, c)} {esc(requirement.title)}"
        f'<span class="sub">{esc(source_of(requirement, c) + severity + codes)}</span>'
    )


def scenario_label(row: ScenarioRow, *, about: bool = False) -> str:
    label = f'{esc(row.title)}<span class="sub">{esc(row.feature)}</span>'
    if about and row.description:
        label += (
            "<details><summary>about this scenario</summary>"
            f"<p>{esc(row.description)}</p></details>"
        )
    return label


def result_label(result: ResultRecord) -> str:
    return f'{esc(result.title)}<span class="sub">{esc(result.feature)}</span>'


def gap(requirement: Requirement | None) -> str:
    if requirement is not None and requirement.not_tested_because:
        return f'<span class="gap">No scenario: {esc(requirement.not_tested_because)}</span>'
    return (
        '<span class="gap testable">No scenario in these results, though the requirement '
        "is testable.</span>"
    )


def alarm_class(verdict: Verdict, count: int) -> str:
    """Make a non-zero failure or inconclusive count stand out in the counts table."""
    if count and verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE):
        return f" alarm-{verdict.value}"
    return ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def utc_text(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def utc_ms(millis: int) -> str:
    return utc_text(datetime.fromtimestamp(millis / 1000, tz=UTC))
