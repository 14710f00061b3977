"""(5) Report rendering: ``render_reports`` (conformance summary + Allure) on synthetic
results shaped like allure-pytest-bdd's, one per (scenario, profile)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.common import Figures
from harness.catalogue.requirements import load_catalogue
from harness.report import AllureError, render_reports
from harness.settings import DEFAULT_FEATURES
from tests.report.synthetic_results import (
    PASS,
    PROFILES,
    Outcome,
    ResultsWriter,
    Scenario,
)

CATALOGUE = DEFAULT_FEATURES / "requirements.yaml"
FAIL = Outcome("failed", "expected applied, got rejected by the DSP with E4")
ENTRY = "python benchmarks/run.py --only render"


def write_results(directory: Path, count: int) -> int:
    """``count`` results (rounded down to whole scenarios × 4 profiles): a few fail."""
    if directory.exists():
        shutil.rmtree(directory)
    writer = ResultsWriter(directory)
    requirements = [r.id for r in load_catalogue(CATALOGUE).requirements if r.testable]
    for index in range(count // len(PROFILES)):
        outcomes = {p: (FAIL if (index + n) % 97 == 0 else PASS) for n, p in enumerate(PROFILES)}
        writer.scenario(
            Scenario(
                name=f"Generated scenario {index:05d}",
                feature=f"Feature {index % 25:02d}",
                requirements=(requirements[index % len(requirements)],),
                outcomes=outcomes,
                examples=(("row", str(index)),),
            )
        )
    return len(writer.written)


def measure(work: Path, count: int) -> Figures:
    results = work / "render-results"
    written = write_results(results, count)
    out = work / "render-out"
    figures = Figures()
    start = time.perf_counter()
    summary_only = False
    try:
        render_reports(results, out, catalogue=CATALOGUE, allure=True)
    except AllureError as exc:  # no Node/npm here: the summary alone, and say so
        summary_only = True
        start = time.perf_counter()
        render_reports(results, out, catalogue=CATALOGUE, allure=False)
        reason = str(exc).splitlines()[0]
    seconds = time.perf_counter() - start
    what = (
        "summary only (Allure unavailable: " + reason + ")" if summary_only else "summary + Allure"
    )
    key = "render_10k_seconds" if written >= 10_000 else f"render_{written}_seconds"
    figures.add(key, seconds, "s", ENTRY, f"{written} results, {what}")
    start = time.perf_counter()
    render_reports(results, work / "render-summary", catalogue=CATALOGUE, allure=False)
    figures.add(
        f"render_summary_{written}_seconds",
        time.perf_counter() - start,
        "s",
        ENTRY,
        f"{written} results, the conformance summary alone",
    )
    figures.add("render_results", float(written), "results", ENTRY, "")
    if written < 10_000:  # --quick: scaled to 10,000 linearly, and said so
        figures.add(
            "render_10k_seconds",
            seconds * 10_000 / written,
            "s",
            ENTRY,
            f"extrapolated linearly from {written} results ({what})",
        )
    return figures
