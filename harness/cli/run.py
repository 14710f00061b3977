"""``dsp-conformance run``: lint, run each profile under the chosen runner, enrich, judge."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from harness.catalogue.requirements import Catalogue
from harness.cli.checked import checked_suite
from harness.cli.run_profiles import run_profiles
from harness.errors import ConfigurationError
from harness.reference.profiles import profile_names, resolve, standard_profiles
from harness.results.limits import run_limits
from harness.results.manifest import run_inputs, sha256_of, write_manifest
from harness.results.verdict import Verdict
from harness.running.clearing import clear_results
from harness.running.enrich import EnrichmentIndex
from harness.running.junit import write_junit
from harness.running.shard import Shard
from harness.running.side_files import git_sha, write_allure_side_files
from harness.running.verdicts import EXIT_BAD_INPUT, EXIT_INCONCLUSIVE, EXIT_OK, Floor, RunSummary
from harness.running.warm import DEFAULT_RUNNER, RUNNERS
from harness.settings import DEFAULT_FEATURES, ENV_CAPTURE, REPO_ROOT
from harness.targets import check_target, claimed_profile, preflight


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runner", choices=RUNNERS, default=DEFAULT_RUNNER)
    parser.add_argument("--target", default="reference", help="'reference' or http(s)://HOST:PORT")
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        help=f"rule profile (repeatable): {', '.join(profile_names())}",
    )
    parser.add_argument("--all-profiles", action="store_true", help="every profile and switch")
    parser.add_argument(
        "--tags",
        help="Cucumber tag expression, e.g. '@req:SRPD-6.1f-i'; the @generated suite runs "
        "only when the expression names it (e.g. '@generated')",
    )
    parser.add_argument(
        "--shard", help="K/N: run only shard K of N (by a stable key; docs/sharding.md)"
    )
    parser.add_argument("--features", type=Path, default=DEFAULT_FEATURES)
    parser.add_argument("--catalogue", type=Path, default=None, help="requirements YAML")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "reports" / "allure-results")
    parser.add_argument(
        "--keep-results", action="store_true", help="add to --results, do not clean it"
    )
    parser.add_argument("--report", type=Path, help="also render the reports into this folder")
    parser.add_argument("--junit", type=Path, help="write JUnit XML here")
    parser.add_argument("-n", "--workers", type=int, default=0, help="pytest-xdist workers")
    parser.add_argument(
        "--in-flight",
        type=int,
        default=0,
        metavar="N",
        help="run N scenarios at once in forked copies of one runner process (pytest-bdd): "
        "for a remote target, where scenarios wait on its latency; 64 is a good start "
        "(docs/performance.md)",
    )
    parser.add_argument("--config", type=Path, help="target configuration file (keys, TLS)")
    parser.add_argument(
        "--unverified-signatures",
        action="store_true",
        help="run against a target with no DSP certificate to check its response signatures "
        "against (the results then say the signatures were not checked)",
    )
    parser.add_argument(
        "--compare-with",
        choices=["reference"],
        help="also run every scenario against the in-process reference under the same "
        "profile and attach each difference as evidence (docs/mutants.md)",
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per runner process")
    parser.add_argument(
        "--inconclusive-fails", action="store_true", help="inconclusive results fail the gate"
    )
    parser.add_argument(
        "--strict-codes",
        action="store_true",
        help="a deviation (the right outcome with another code than one graded model in "
        "response_codes.yaml) fails the gate",
    )
    parser.add_argument(
        "--min-executed",
        default="1",
        metavar="N|P%",
        help="fewer scenario runs executed (passed or failed) than N, or than P%% of them, "
        "fails the gate with exit 4 (default 1: a run that executed nothing never passes)",
    )
    parser.add_argument(
        "--capture",
        type=Path,
        help="write every DUIS request and synchronous response exactly as exchanged into "
        "this folder (to check them with other tools, e.g. the DCC's)",
    )
    parser.add_argument("--verbose", action="store_true")


def _profiles(args: argparse.Namespace) -> list[str]:
    if args.all_profiles:
        return standard_profiles()
    names = args.profile or ["baseline"]
    return [resolve(name).name for name in names]  # unknown names raise here


def unknown_requirements(tags: str, catalogue: Catalogue) -> list[str]:
    """The ``@req:<ID>`` a tag expression names that the catalogue does not hold."""
    named = re.findall(r"@req:([^\s()]+)", tags)
    return [rid for rid in dict.fromkeys(named) if catalogue.get(rid) is None]


def _check_requirements(tags: str, catalogue: Catalogue, catalogue_path: Path) -> None:
    """A ``@req:`` in ``--tags`` that no requirement has would select nothing: say so."""
    known = [r.id for r in catalogue.requirements]
    found = []
    for rid in unknown_requirements(tags, catalogue):
        near = difflib.get_close_matches(rid, known, n=1)
        found.append(
            f"@req:{rid} is not in {catalogue_path}"
            + (f" (did you mean @req:{near[0]}?)" if near else "")
        )
    if found:
        raise ConfigurationError(f"--tags {tags!r}: " + "; ".join(found))


def _check_options(
    args: argparse.Namespace, scenarios: int, catalogue: Catalogue, catalogue_path: Path
) -> None:
    """Options that would otherwise fail inside a runner, or after the run, with a trace."""
    if scenarios == 0:
        raise ConfigurationError(f"no scenarios in {args.features} (no *.feature file holds one)")
    if args.tags:
        from cucumber_tag_expressions import TagExpressionError, parse

        try:
            parse(args.tags)
        except TagExpressionError as exc:
            reason = " ".join(str(exc).split())
            raise ConfigurationError(
                f"--tags {args.tags!r} is not a tag expression: {reason}"
            ) from None
        _check_requirements(args.tags, catalogue, catalogue_path)
    if args.workers < 0:
        raise ConfigurationError(f"-n/--workers {args.workers}: use 0 (serial) or more")
    if not args.timeout > 0:
        raise ConfigurationError(f"--timeout {args.timeout:g}: seconds per runner, more than 0")
    if args.results.exists() and not args.results.is_dir():
        raise ConfigurationError(f"--results {args.results} is a file, not a folder")
    if args.config is not None and args.config.exists() and not args.config.is_file():
        raise ConfigurationError(f"config file {args.config} is not a file")
    for option, path in (("--junit", args.junit), ("--report", args.report)):
        if path is None:
            continue
        folder = path.parent if option == "--junit" else path
        blocking = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if blocking is not None and not blocking.is_dir():
            raise ConfigurationError(f"{option} {path}: {blocking} is a file, not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(f"{option} {path}: {exc.strerror or exc}") from None


def _check_runner_options(args: argparse.Namespace) -> None:
    if args.capture is not None:  # runner processes inherit it (harness/capture.py)
        os.environ[ENV_CAPTURE] = str(args.capture.resolve())
    if args.workers and args.runner == "behave":
        raise ConfigurationError("-n/--workers needs --runner pytest-bdd (behave runs serially)")
    _check_in_flight(args)
    if args.config is not None and not args.config.is_file():
        raise ConfigurationError(f"config file {args.config} does not exist")


def _check_in_flight(args: argparse.Namespace) -> None:
    if args.in_flight < 0:
        raise ConfigurationError(f"--in-flight {args.in_flight}: use 0 (one at a time) or more")
    if not args.in_flight:
        return
    if args.runner != "pytest-bdd":
        raise ConfigurationError("--in-flight needs --runner pytest-bdd")
    if args.workers:
        raise ConfigurationError("--in-flight and -n/--workers: give one of them")
    if not hasattr(os, "fork"):
        raise ConfigurationError("--in-flight needs a platform with fork() (Linux, macOS)")
    from harness.adapters.target_config import load_target_config

    if load_target_config(args.config).receiver_port:
        raise ConfigurationError(
            f"--in-flight {args.in_flight}: every copy listens for asynchronous responses on "
            "a port of its own; set receiver_port = 0 in the --config file"
        )


def _finish_results(
    args: argparse.Namespace,
    target: str,
    profiles: list[str],
    catalogue: Path,
    written: dict[str, str],
) -> None:
    """The side files Allure reads, then the evidence manifest over everything (the files the
    runners wrote with the hashes they recorded as they wrote them)."""
    results: Path = args.results
    write_allure_side_files(results, target, profiles, [args.runner])
    inputs = run_inputs(args.features, catalogue, args.config)
    manifest = write_manifest(results, inputs, git=git_sha(), written=written)
    print(f"dsp-conformance: evidence manifest {manifest} (sha256 {sha256_of(manifest)})")


def _judged_by_claim(args: argparse.Namespace, profiles: list[str]) -> list[str]:
    """An external target is judged by the profile it claims, not by every profile."""
    claim = claimed_profile(args.target, args.config)
    if claim is None:
        return profiles
    profile, where = claim
    others = [p for p in profiles if p != profile]
    if others:
        print(
            f"dsp-conformance: {args.target} claims profile {profile} ({where}): judged by it, "
            f"not by {', '.join(others)}",
            flush=True,
        )
    return [profile]


def _print_limits(summary: RunSummary) -> None:
    for limit in run_limits(summary.records):
        print(f"dsp-conformance:   not observed — {limit.describe()}")


def _print_deviations(summary: RunSummary, *, strict: bool) -> None:
    deviations = summary.tally.count(Verdict.DEVIATION)
    if deviations:
        print(
            f"dsp-conformance:   {deviations} deviation(s): the right outcome with another code "
            "than a model-graded one" + (" (--strict-codes: they fail the gate)" if strict else "")
        )
    _print_limits(summary)  # what the run could not observe


def _target_label(args: argparse.Namespace) -> str:
    """How results name the target: a run that believes responses unsigned says so."""
    if args.unverified_signatures and args.target != "reference":
        label = f"{args.target} (response signatures not checked)"
        print(f"dsp-conformance: {label}", flush=True)
        return label
    return str(args.target)


def command_run(args: argparse.Namespace) -> int:
    floor = Floor.parse(args.min_executed)  # a bad value stops the run before it starts
    profiles = _judged_by_claim(args, _profiles(args))
    shard = Shard.parse(args.shard) if args.shard else None
    check_target(args.target)
    args.features = args.features.resolve()  # runners start in their own folders
    suite = checked_suite(args.features, args.catalogue)
    catalogue_path, catalogue, scenarios = suite.catalogue_path, suite.catalogue, suite.scenarios
    if suite.problems:
        print(
            f"dsp-conformance: {suite.problems} problem(s) in the scenarios; nothing was run",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    _check_options(args, len(scenarios), catalogue, catalogue_path)
    _check_runner_options(args)
    # A bad --config, or no DSP certificate to verify responses with, raises here (exit 2).
    unreachable = preflight(args.target, args.config, unverified=args.unverified_signatures)
    if unreachable is not None:
        print(f"dsp-conformance: {unreachable}; nothing was run", file=sys.stderr)
        return EXIT_INCONCLUSIVE
    target_label = _target_label(args)
    results: Path = args.results
    clear_results(results, keep=args.keep_results)  # before the run, never by a racing worker

    with tempfile.TemporaryDirectory(prefix="dsp-conformance-") as scratch:
        index = Path(scratch) / "index.json"
        index.write_text(
            json.dumps(EnrichmentIndex.of(scenarios, catalogue).to_json(), ensure_ascii=False),
            encoding="utf-8",
        )
        summary = run_profiles(args, profiles, shard, target_label, index)
    if summary is None:
        return EXIT_BAD_INPUT

    _finish_results(args, target_label, profiles, catalogue_path, summary.written)
    if args.junit:
        write_junit(summary, args.junit, strict_codes=args.strict_codes)
    print(f"dsp-conformance: {summary.counts_line()}")
    _print_deviations(summary, strict=args.strict_codes)
    for reason, count in summary.tally.not_applicable_by_reason:
        print(f"dsp-conformance:   not applicable ({count}): {reason}")
    print(f"dsp-conformance: Allure results in {results}")
    if args.report:
        from harness.cli.report import render

        render(results, args.report, catalogue_path)
    shortfall = summary.shortfall(floor) if summary.records else None
    if shortfall is not None:
        print(f"dsp-conformance: {shortfall}", file=sys.stderr)
    if not summary.records:  # every shard of the run was empty
        return EXIT_OK
    return summary.exit_code(
        floor, inconclusive_fails=args.inconclusive_fails, strict_codes=args.strict_codes
    )
