"""The summary's "Limits of this run": what could not be observed against the target."""

from __future__ import annotations

from harness.report.analysis import Conformance
from harness.report.html import esc
from harness.results.limits import run_limits


def limits_shown(c: Conformance) -> bool:
    return bool(run_limits(c.results.scenarios))


def limits_section(c: Conformance) -> list[str]:
    out = [
        '<section id="limits"><h2>Limits of this run</h2>',
        "<p>What these results could not observe against the target; a pass says nothing "
        "about it.</p><ul>",
    ]
    out += [f"<li>{esc(limit.describe())}</li>" for limit in run_limits(c.results.scenarios)]
    out.append("</ul></section>")
    return out
