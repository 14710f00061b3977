"""The goals the figures are held to, and the readable table of a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.common import Figures


@dataclass(frozen=True)
class Goal:
    text: str
    met: Callable[[float], bool]


GOALS: dict[str, Goal] = {
    "overhead_ratio_pytest_bdd": Goal("≤ 1.2", lambda v: v <= 1.2),
    "overhead_ratio_behave": Goal("≤ 1.3", lambda v: v <= 1.3),
    "xdist_speedup": Goal("≥ 1.7", lambda v: v >= 1.7),
    "served_rps_16": Goal("≥ 500", lambda v: v >= 500),
    "served_p99_ms_16": Goal("< 50", lambda v: v < 50),
    "latency_efficiency": Goal("≥ 0.8", lambda v: v >= 0.8),
    "render_10k_seconds": Goal("< 30", lambda v: v < 30),
    "scale_flatness": Goal("0.8 – 1.2", lambda v: 0.8 <= v <= 1.2),
}


def _value(value: float, unit: str) -> str:
    if unit == "bool":
        return "yes" if value else "no"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if unit in ("", "×") else f"{value:.2f}"
    return f"{text} {unit}".rstrip()


def markdown(figures: Figures, environment: dict[str, Any]) -> str:
    lines = [
        f"# Benchmarks ({environment['mode']})",
        "",
        f"Python {environment['python']} on {environment['cpus']} CPUs; load average "
        f"{environment['load_average_before']} before, {environment['load_average_after']} "
        f"after; {environment.get('seconds', '?')} s in all.",
        "",
        "| figure | value | goal | met | note |",
        "|---|---:|---|---|---|",
    ]
    for key, figure in figures.values.items():
        goal = GOALS.get(key)
        met = ("✅" if goal.met(figure.value) else "❌") if goal else ""
        note = figure.note.replace("|", "/")
        name = f"**{key}**" if goal else key
        lines.append(
            f"| {name} | {_value(figure.value, figure.unit)} | {goal.text if goal else ''} "
            f"| {met} | {note} |"
        )
    lines += [
        "",
        "## Commands",
        "",
        "`$WORK` is a scratch folder (the run used a temporary one).",
        "",
    ]
    by_command: dict[str, list[str]] = {}
    for key, figure in figures.values.items():
        if figure.command != "derived" and not figure.command.startswith("ratio"):
            by_command.setdefault(figure.command, []).append(key)
    for command, keys in by_command.items():
        lines.append(f"- {', '.join(keys)}:  \n  `{command}`")
    return "\n".join(lines) + "\n"
