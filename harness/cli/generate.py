"""``dsp-conformance generate``: write the generated suite from ``features/tables/*.yaml``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.decision_table import cases, load_table
from harness.generate import DEFAULT_OUT, DEFAULT_TABLES, generate, stale
from harness.running.verdicts import EXIT_BAD_INPUT


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tables", type=Path, default=DEFAULT_TABLES, help="the YAML tables")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the .feature go")
    parser.add_argument(
        "--examples",
        type=int,
        help="resize to this many examples in all (for measurements; default: every "
        "combination once)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 2 when the files in --out differ from the tables",
    )


def command_generate(args: argparse.Namespace) -> int:
    if args.examples is not None and args.examples < 1:
        print("dsp-conformance: --examples must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.check:
        problems = stale(args.tables, args.out)
        for problem in problems:
            print(f"dsp-conformance: {problem} (run: dsp-conformance generate)", file=sys.stderr)
        if problems:
            return EXIT_BAD_INPUT
        print(f"dsp-conformance: {args.out} is up to date with {args.tables}")
        return 0
    written = generate(args.tables, args.out, args.examples)
    count = (
        args.examples
        if args.examples is not None
        else sum(len(cases(load_table(p))) for p in sorted(args.tables.glob("*.yaml")))
    )
    print(f"dsp-conformance: {count} examples in {len(written)} file(s) under {args.out}")
    return 0
