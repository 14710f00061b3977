"""Entry point: ``dsp-conformance <command> …``. Every user error ends in one clear line
and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import harness
from harness.errors import HarnessError
from harness.running.verdicts import EXIT_BAD_INPUT
from harness.running.warm import prewarm
from harness.settings import REPO_ROOT

Command = Callable[[argparse.Namespace], int]

COMMANDS = {
    "run": "run",
    "report": "report",
    "serve": "serve",
    "selftest": "selftest",
    "generate": "generate",
    "verify-evidence": "evidence",
    "steps": "catalogues",
    "requirements": "catalogues",
    "profiles": "catalogues",
    "check": "catalogues",
}
"""Each command → its module in harness/cli/: only the chosen command's module is imported
(each imports what its command needs: a run does not pay for the selftest's imports)."""


class _Unloaded(ModuleType):
    """A command module not imported: its sub-parser is only named, for ``--help``."""

    def __getattr__(self, name: str) -> Any:
        if name == "HELP":
            return ""
        return lambda *args, **kwargs: None


def _wanted(argv: Sequence[str]) -> set[str] | None:
    """The command modules ``argv`` needs: the named command's; none for ``--version``;
    all (None) for ``--help`` or a command that does not exist (argparse lists them)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first in COMMANDS:
        return {COMMANDS[first]}
    if first is None and not {"-h", "--help"} & set(argv):
        return set()
    return None


def _module(name: str, wanted: set[str] | None) -> Any:
    if wanted is None or name in wanted:
        return importlib.import_module(f"harness.cli.{name}")
    return _Unloaded(name)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: every command's arguments, or when ``argv`` names a command,
    that command's (the others are listed without theirs)."""
    wanted = _wanted(argv) if argv is not None else None
    catalogues, evidence, generate, report, run, selftest, serve = (
        _module(name, wanted)
        for name in ("catalogues", "evidence", "generate", "report", "run", "selftest", "serve")
    )
    parser = argparse.ArgumentParser(
        prog="dsp-conformance",
        description="Conformance scenarios for the DCC's Service Request validation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {harness.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def add(name: str, help_text: str, handler: Command) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    run.add_arguments(add("run", "run the scenarios against a target", run.command_run))
    report.add_arguments(
        add("report", "render the summary and Allure reports", report.command_report)
    )
    serve.add_arguments(add("serve", "serve the reference DSP over HTTP", serve.command_serve))
    selftest.add_arguments(add("selftest", selftest.HELP, selftest.command_selftest))
    generate.add_arguments(add("generate", "write the generated suite", generate.command_generate))
    evidence.add_arguments(add("verify-evidence", evidence.HELP, evidence.command_verify))
    add("steps", "print the step catalogue", catalogues.command_steps)
    catalogues.add_catalogue_arguments(
        add(
            "requirements", "list requirements and their scenarios", catalogues.command_requirements
        )
    )
    add("profiles", "list the rule profiles and switches", catalogues.command_profiles)
    check = add(
        "check", "check feature files and catalogue without running", catalogues.command_check
    )
    catalogues.add_catalogue_arguments(check)
    check.add_argument("--no-coverage", action="store_true", help="skip the coverage check")
    check.add_argument(
        "--target-config",
        type=Path,
        help="a target configuration with its conformance statement and binding: list, "
        "before anything is sent, which scenarios will run against it and why the others "
        "will not (docs/binding.md)",
    )
    check.add_argument("--verbose", action="store_true", help="with --target-config: each one")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # A run's first runner process starts now, and imports its runner while this process
    # reads the command line, lints the scenarios and prepares the run (harness/running/warm.py).
    warm = prewarm(arguments, str(REPO_ROOT))
    try:
        parser = build_parser(arguments)
        args = parser.parse_args(arguments)
        args.warm = warm
        code: int = args.handler(args)
    except HarnessError as exc:
        print(f"dsp-conformance: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("dsp-conformance: interrupted", file=sys.stderr)
        return 130
    finally:
        if warm is not None:
            warm.discard()  # unless the run used it
    return code


if __name__ == "__main__":
    sys.exit(main())
