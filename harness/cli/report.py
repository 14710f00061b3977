"""``dsp-conformance report``: the conformance summary and the Allure HTML report."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from harness.settings import DEFAULT_FEATURES, REPO_ROOT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--results",
        type=Path,
        action="append",
        help="Allure results directory; repeat it to merge shards into one report "
        "(default: reports/allure-results)",
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "html")
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_FEATURES / "requirements.yaml")
    parser.add_argument("--no-allure", action="store_true", help="only the conformance summary")
    parser.add_argument("--no-pdf", action="store_true", help="print no PDF with Chromium")


def render(
    results: Path, out: Path, catalogue: Path, allure: bool = True, pdf: bool = True
) -> None:
    from harness.report import render_reports
    from harness.report.allure_html import TOOLS_DIR_ENV

    # The renderer is installed once per checkout, wherever the command is run from.
    tools = None if os.environ.get(TOOLS_DIR_ENV) else REPO_ROOT / ".tools" / "allure"
    rendered = render_reports(
        results, out, catalogue=catalogue, allure=allure, tools_dir=tools, pdf=pdf
    )
    print(f"dsp-conformance: conformance summary: {rendered.summary}")
    print(f"dsp-conformance: DP107 options appraisal: {rendered.appraisal}")
    for printed in rendered.pdfs:
        print(f"dsp-conformance: printed {printed}")
    if rendered.pdf_skipped:
        print(f"dsp-conformance: no PDF: {rendered.pdf_skipped}", file=sys.stderr)
    if rendered.allure_index is not None:
        print(f"dsp-conformance: Allure report: {rendered.allure_index}")


def command_report(args: argparse.Namespace) -> int:
    sources: list[Path] = args.results or [REPO_ROOT / "reports" / "allure-results"]
    if len(sources) == 1:
        render(sources[0], args.out, args.catalogue, allure=not args.no_allure, pdf=not args.no_pdf)
        return 0
    from harness.running.merge import merge_results

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".merged-results-", dir=args.out) as scratch:
        merged = merge_results(sources, Path(scratch))
        print(f"dsp-conformance: merged {merged.results} results from {len(sources)} directories")
        for label in merged.duplicates:
            print(f"dsp-conformance: warning: {label} is in two directories", file=sys.stderr)
        render(
            merged.into, args.out, args.catalogue, allure=not args.no_allure, pdf=not args.no_pdf
        )
    return 0
