"""``dsp-conformance report``: the conformance summary and the Allure HTML report."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.runtime import DEFAULT_FEATURES, REPO_ROOT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "reports" / "allure-results")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "html")
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_FEATURES / "requirements.yaml")
    parser.add_argument("--no-allure", action="store_true", help="only the conformance summary")


def render(results: Path, out: Path, catalogue: Path, allure: bool = True) -> None:
    from harness.report import render_reports

    rendered = render_reports(results, out, catalogue=catalogue, allure=allure)
    print(f"dsp-conformance: conformance summary: {rendered.summary}")
    if rendered.allure_index is not None:
        print(f"dsp-conformance: Allure report: {rendered.allure_index}")


def command_report(args: argparse.Namespace) -> int:
    render(args.results, args.out, args.catalogue, allure=not args.no_allure)
    return 0
