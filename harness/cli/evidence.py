"""``dsp-conformance verify-evidence DIR …``: check results and report folders against their
manifests; every edited, missing or unlisted file is named."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.results.manifest import verify

HELP = "check results or report folders against their evidence manifests"
EXIT_VERIFIED = 0
EXIT_MISMATCH = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="a results folder (evidence-manifest.json) or a report folder (report-manifest.json)",
    )


def command_verify(args: argparse.Namespace) -> int:
    code = EXIT_VERIFIED
    for folder in args.folders:
        what, findings = verify(folder)
        if not findings:
            print(f"dsp-conformance: verified {what}: every file matches")
            continue
        code = EXIT_MISMATCH
        print(f"dsp-conformance: {what}: {len(findings)} file(s) do not match the manifest")
        for finding in findings:
            print(f"dsp-conformance:   {finding}")
    return code
