"""Listings for testers: steps, requirements, profiles; and ``check`` for feature files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from harness.catalogue.requirements import load_catalogue
from harness.cli.checked import linted_suite
from harness.features import read_features
from harness.lint import coverage, uncovered
from harness.reference.profiles import PROFILES, SWITCHES
from harness.running.verdicts import EXIT_BAD_INPUT
from harness.settings import DEFAULT_FEATURES
from steps.library import STEPS


def _console() -> Console:
    return Console(width=max(Console().width, 140), soft_wrap=False)


def command_steps(args: argparse.Namespace) -> int:
    table = Table(title="Step catalogue", show_lines=True)
    for column in ("keyword", "phrase", "parameters", "example"):
        table.add_column(column, overflow="fold")
    for step in STEPS:
        types = step.types
        params = ", ".join(
            f"{name}: {kind.name}" if (kind := types.get(name)) else name
            for name in step.parameters
        )
        if step.table is not None:
            params += f" + {step.table.name} table"
        table.add_row(step.keyword.capitalize(), step.template, params, step.example)
    _console().print(table)
    return 0


def command_requirements(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.catalogue)
    cited = coverage(read_features(args.features))
    table = Table(title=f"Requirements ({len(catalogue.requirements)})", show_lines=False)
    for column in ("ID", "source", "grade", "title", "codes", "scenarios"):
        table.add_column(column, overflow="fold")
    for requirement in catalogue.requirements:
        count = len(cited.get(requirement.id, []))
        shown = str(count) if requirement.testable else f"— ({requirement.not_tested_because})"
        table.add_row(
            requirement.id,
            f"{requirement.document} {requirement.clause}",
            f"{requirement.grade}: {requirement.basis}" if requirement.grade else "",
            requirement.title,
            " ".join(requirement.codes),
            shown,
        )
    _console().print(table)
    return 0


def command_profiles(args: argparse.Namespace) -> int:
    table = Table(title="Rule profiles")
    for column in ("name", "version", "rule"):
        table.add_column(column, overflow="fold")
    for profile in PROFILES.values():
        table.add_row(profile.name, profile.version, profile.summary)
    for switch in SWITCHES.values():
        table.add_row(f"+{switch.name}", "switch", switch.summary)
    _console().print(table)
    return 0


def command_check(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.catalogue)
    if args.target_config is not None:
        from harness.cli.plan import plan, print_plan

        profile, planned = plan(read_features(args.features), args.target_config)
        print_plan(profile, planned, verbose=args.verbose)
        return 0
    linted = linted_suite(args.features, args.catalogue, catalogue)  # cached by content
    scenarios, problems = linted.scenarios, list(linted.problems)
    if not args.no_coverage:
        problems += uncovered(scenarios, catalogue, args.catalogue)
    for problem in problems:
        print(f"dsp-conformance: {problem}", file=sys.stderr)
    if problems:
        print(f"dsp-conformance: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(
        f"dsp-conformance: {len(scenarios)} scenarios, {len(catalogue.requirements)} "
        "requirements: all steps known, all tags known, every testable requirement covered"
    )
    return 0


def add_catalogue_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--features", type=Path, default=DEFAULT_FEATURES)
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_FEATURES / "requirements.yaml")
