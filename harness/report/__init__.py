"""The reports stakeholders read: the conformance summary and the Allure report.

``render_reports`` is what ``dsp-conformance report --results DIR --out DIR`` calls::

    out/summary.html        the conformance summary (one self-contained page)
    out/appraisal.html      the DP107 options appraisal (one self-contained page)
    out/*.pdf               both pages printed by headless Chromium, when it is installed
    out/report-manifest.json  the SHA-256 of every report file and of the evidence manifest
    out/allure/index.html   the Allure 3 report (single file, analytics removed)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harness.report.allure_html import (
    ALLURE_VERSION,
    AllureReport,
    AllureTool,
    default_tools_dir,
    ensure_allure,
    render_allure,
)
from harness.report.analysis import Conformance, analyse
from harness.report.appraisal_page import APPRAISAL_FILE, write_appraisal
from harness.report.catalogue import Catalogue, Document, Requirement, load_catalogue
from harness.report.errors import AllureError, CatalogueError, ResultsError, UnsafeReport
from harness.report.identity import identify
from harness.report.killmatrix import KillMatrix, Mutant, read_kill_matrix
from harness.report.pdf import PrintedPages, print_pages
from harness.report.results import ResultSet, read_results
from harness.report.summary import SUMMARY_FILE, render_summary, write_summary
from harness.results.manifest import write_report_manifest
from harness.results.record import ResultRecord, Run
from harness.results.verdict import Verdict

ALLURE_SUBDIR = "allure"

__all__ = [
    "ALLURE_SUBDIR",
    "ALLURE_VERSION",
    "SUMMARY_FILE",
    "AllureError",
    "AllureReport",
    "AllureTool",
    "Catalogue",
    "CatalogueError",
    "Conformance",
    "Document",
    "KillMatrix",
    "Mutant",
    "RenderedReports",
    "Requirement",
    "ResultRecord",
    "ResultSet",
    "ResultsError",
    "Run",
    "UnsafeReport",
    "Verdict",
    "analyse",
    "default_tools_dir",
    "ensure_allure",
    "load_catalogue",
    "read_kill_matrix",
    "read_results",
    "render_allure",
    "render_reports",
    "render_summary",
    "write_summary",
]


@dataclass(frozen=True)
class RenderedReports:
    summary: Path
    allure_index: Path | None  # None when the Allure report was not asked for
    results: ResultSet
    appraisal: Path | None = None
    pdfs: tuple[Path, ...] = ()
    pdf_skipped: str | None = None  # why no PDF was printed
    manifest: Path | None = None


def render_reports(
    results_dir: Path,
    out_dir: Path,
    *,
    catalogue: Path,
    allure: bool = True,
    tools_dir: Path | None = None,
    generated_at: datetime | None = None,
    pdf: bool = True,
) -> RenderedReports:
    """Write the conformance summary and (unless ``allure=False``) the Allure report.

    The summary and the appraisal are written first, so they exist even when Allure cannot
    be installed or run; an Allure problem is then raised as :class:`AllureError`. The PDFs
    are printed when Chromium is installed (``pdf_skipped`` says why not otherwise).
    """
    results_dir = Path(results_dir)
    out_dir = Path(out_dir)
    results = read_results(results_dir)
    conformance = analyse(results, load_catalogue(catalogue), read_kill_matrix(results_dir))
    identity = identify(results)
    allure_href = f"{ALLURE_SUBDIR}/index.html" if allure else None
    summary = write_summary(
        conformance,
        out_dir,
        generated_at=generated_at,
        allure_href=allure_href,
        appraisal_href=APPRAISAL_FILE,
        identity=identity,
    )
    appraisal = write_appraisal(conformance, out_dir, identity, generated_at=generated_at)
    printed = print_pages(out_dir, (appraisal, summary)) if pdf else PrintedPages(())
    allure_index = None
    try:
        if allure:
            tool = ensure_allure(tools_dir)
            allure_index = render_allure(results_dir, out_dir / ALLURE_SUBDIR, tool=tool).index
    finally:
        manifest = write_report_manifest(out_dir, results_dir)
    return RenderedReports(
        summary=summary,
        allure_index=allure_index,
        results=results,
        appraisal=appraisal,
        pdfs=printed.pdfs,
        pdf_skipped=printed.skipped,
        manifest=manifest,
    )
