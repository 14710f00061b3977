"""``dsp-conformance selftest``: prove the scenarios catch broken DSPs.

The scenario suite runs against the conforming reference and against every mutant DSP
(``harness/mutants.py``) under the profiles where each mutant's fault can show, with the same
runner machinery as ``dsp-conformance run`` (one runner process per profile, enrichment,
Allure results). A scenario kills a mutant when it passes on the reference and fails on the
mutant under the same profile (``harness/running/kills.py``). The kill matrix is printed and
written to ``kill-matrix.json`` beside the reference's results, where the report reads it.

In-process, a mutant is selected in the runner process by ``DSP_CONFORMANCE_MUTANT``; over
HTTP each mutant is served by its own ``dsp-conformance serve --mutant NAME`` on loopback.
"""

from __future__ import annotations

import argparse
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from harness.catalogue.requirements import Catalogue
from harness.cli.checked import checked_suite
from harness.cli.run_profiles import selection
from harness.errors import ConfigurationError, Inconclusive, InvalidValue
from harness.features import ScenarioInfo
from harness.mutants import MUTANTS, WIRE_MUTANTS, Mutant, mutant
from harness.reference.profiles import resolve, standard_profiles
from harness.results.record import ResultRecord
from harness.results.verdict import Verdict
from harness.running.enrich import RunIdentity, enrich, result_files
from harness.running.kills import (
    MutantVerdict,
    Runs,
    describe,
    kills,
    not_passing,
    read_runs,
    write_kill_matrix,
)
from harness.running.runners import RunnerJob, run_job
from harness.running.served import served_dsp
from harness.running.side_files import write_allure_side_files
from harness.running.verdicts import EXIT_BAD_INPUT, EXIT_NONCONFORMANCE, EXIT_OK
from harness.running.warm import DEFAULT_RUNNER, RUNNERS
from harness.settings import DEFAULT_FEATURES, REPO_ROOT, RunSettings

HELP = "run the scenarios against mutant DSPs: the kill matrix"
MODES = ("inprocess", "http")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target-mode",
        choices=MODES,
        default="inprocess",
        help="inprocess: the mutant inside each runner process; http: each mutant served by "
        "its own 'dsp-conformance serve --mutant' on loopback",
    )
    parser.add_argument("--runner", choices=RUNNERS, default=DEFAULT_RUNNER)
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        help="run every mutant under this profile (repeatable) instead of the profiles "
        "where each mutant's fault shows",
    )
    parser.add_argument(
        "--all-profiles",
        action="store_true",
        help=f"run every mutant under {', '.join(standard_profiles())}",
    )
    parser.add_argument(
        "--mutant", action="append", default=[], help="only this mutant (repeatable)"
    )
    parser.add_argument(
        "--tags", help="Cucumber tag expression (default: the hand-written suite, no @generated)"
    )
    parser.add_argument("--features", type=Path, default=DEFAULT_FEATURES)
    parser.add_argument(
        "--results",
        type=Path,
        default=REPO_ROOT / "reports" / "selftest",
        help="cleaned first; receives kill-matrix.json and the reference's Allure results",
    )
    parser.add_argument("--report", type=Path, help="also render the reports into this folder")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="runs at the same time")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per runner process")


@dataclass(frozen=True)
class PlannedRun:
    """One runner process: the suite under ``profile`` against the reference or a mutant."""

    profile: str
    mutant: Mutant | None = None

    @property
    def label(self) -> str:
        return self.mutant.name if self.mutant else "reference"

    @property
    def key(self) -> tuple[str, str]:
        return self.label, self.profile

    def directory(self, root: Path) -> Path:
        return root / "runs" / self.label / self.profile


@dataclass(frozen=True)
class Suite:
    """What every run of one selftest shares."""

    runner: str
    mode: str
    features: Path
    tags: str
    timeout: float
    scenarios: list[ScenarioInfo]
    catalogue: Catalogue


def mutant_profiles(broken: Mutant, override: tuple[str, ...]) -> tuple[str, ...]:
    return override or tuple(resolve(p).name for p in broken.profiles)


def plan(mutants: list[Mutant], override: tuple[str, ...]) -> list[PlannedRun]:
    """Mutant runs first (the slow part starts early), each reference profile once."""
    runs = [PlannedRun(p, m) for m in mutants for p in mutant_profiles(m, override)]
    profiles = dict.fromkeys(run.profile for run in runs)
    return runs + [PlannedRun(p) for p in profiles]


def target_label(mutant_name: str | None, mode: str) -> str:
    """The ``target`` parameter of a run's results (so runs never merge as retries)."""
    where = "reference" if mode == "inprocess" else "served reference"
    return f"{where} with mutant {mutant_name}" if mutant_name else where


def _run_suite(suite: Suite, settings: RunSettings, run: PlannedRun, root: Path) -> Runs:
    directory = run.directory(root)
    job = RunnerJob(
        runner=suite.runner,
        settings=settings,
        features=suite.features,
        results=directory,
        tags=suite.tags,
        timeout=suite.timeout,
    )
    finished = run_job(job, echo=False)
    what = f"the {suite.runner} run of {run.label} under {run.profile}"
    if finished.timed_out:
        raise Inconclusive(f"{what} timed out after {suite.timeout:.0f} s")
    written = result_files(directory)
    if not written:
        raise ConfigurationError(
            f"{what} produced no result (exit {finished.code}): {finished.output[-1500:]}"
        )
    name = run.mutant.name if run.mutant else None
    identity = RunIdentity(run.profile, target_label(name, suite.mode), suite.runner)
    enrich(written, suite.scenarios, suite.catalogue, identity)
    return read_runs(directory)


def execute(run: PlannedRun, suite: Suite, root: Path) -> Runs:
    name = run.mutant.name if run.mutant else None
    if suite.mode == "inprocess":
        settings = RunSettings(profile=run.profile, target="reference", mutant=name)
        return _run_suite(suite, settings, run, root)
    with served_dsp(run.profile, name) as url:
        return _run_suite(suite, RunSettings(profile=run.profile, target=url), run, root)


def _summary(runs: Runs) -> str:
    counts: dict[str, int] = {}
    for r in runs.values():
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


def _execute_all(
    planned: list[PlannedRun], suite: Suite, root: Path, jobs: int
) -> dict[tuple[str, str], Runs]:
    outcomes: dict[tuple[str, str], Runs] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures: dict[Future[Runs], PlannedRun] = {
            pool.submit(execute, run, suite, root): run for run in planned
        }
        try:
            for future in as_completed(futures):
                run = futures[future]
                outcomes[run.key] = future.result()
                print(f"   {run.label} · {run.profile}: {_summary(outcomes[run.key])}", flush=True)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # one run could not be made: start no more
            raise
    return outcomes


def _verdicts(
    mutants: list[Mutant], override: tuple[str, ...], outcomes: dict[tuple[str, str], Runs]
) -> list[MutantVerdict]:
    verdicts = []
    for broken in mutants:
        profiles = mutant_profiles(broken, override)
        killed: list[ResultRecord] = []
        inconclusive = 0
        for profile in profiles:
            runs = outcomes[(broken.name, profile)]
            killed += kills(outcomes[("reference", profile)], runs)
            inconclusive += sum(1 for r in runs.values() if r.verdict is Verdict.INCONCLUSIVE)
        verdicts.append(MutantVerdict(broken, profiles, tuple(killed), inconclusive))
    return verdicts


def _publish_reference(root: Path, profiles: list[str]) -> None:
    """The reference's results (and attachments) at the top of the results directory, so
    ``dsp-conformance report --results`` shows them beside the kill matrix."""
    for profile in profiles:
        directory = PlannedRun(profile).directory(root)
        for path in directory.iterdir():
            if path.is_file():
                shutil.move(path, root / path.name)


def print_matrix(verdicts: list[MutantVerdict]) -> None:
    width = max(len(v.mutant.name) for v in verdicts)
    for v in verdicts:
        names = v.scenario_names()
        if v.survived:
            caught = "caught by no scenario"
        else:
            shown = "; ".join(names[:2]) + (f"; (+{len(names) - 2} more)" if len(names) > 2 else "")
            caught = f"{len(v.killed_by)} run(s) of {len(names)} scenario(s): {shown}"
        if v.inconclusive:
            caught += f" ({v.inconclusive} inconclusive run(s))"
        state = "SURVIVED" if v.survived else "killed  "
        print(f"  {state} {v.mutant.name:<{width}}  [{', '.join(v.profiles)}]  {caught}")


def _override(args: argparse.Namespace) -> tuple[str, ...]:
    if args.all_profiles:
        return tuple(standard_profiles())
    return tuple(dict.fromkeys(resolve(name).name for name in args.profile))


def command_selftest(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.mutant))
    over_duis = args.target_mode == "http"
    offered = [*MUTANTS, *WIRE_MUTANTS] if over_duis else list(MUTANTS)
    mutants = [mutant(name) for name in names] if names else offered
    in_envelope = [m.name for m in mutants if m in WIRE_MUTANTS]
    if in_envelope and not over_duis:
        raise InvalidValue(
            f"{', '.join(in_envelope)}: a fault in the DUIS envelope shows over DUIS only; "
            "add --target-mode http"
        )
    override = _override(args)
    args.features = args.features.resolve()  # runners start in their own folders
    checked = checked_suite(args.features)
    catalogue_path, catalogue, scenarios = (
        checked.catalogue_path,
        checked.catalogue,
        checked.scenarios,
    )
    if checked.problems:
        return EXIT_BAD_INPUT
    suite = Suite(
        args.runner,
        args.target_mode,
        args.features,
        selection(args.tags),
        args.timeout,
        scenarios,
        catalogue,
    )
    root: Path = args.results
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)

    runs = plan(mutants, override)
    mode = "in-process" if args.target_mode == "inprocess" else "over HTTP"
    print(
        f"== selftest {mode} · {args.runner} · {len(mutants)} mutant(s) · {len(runs)} runs",
        flush=True,
    )
    started = time.monotonic()
    outcomes = _execute_all(runs, suite, root, args.jobs)
    verdicts = _verdicts(mutants, override, outcomes)
    profiles = [run.profile for run in runs if run.mutant is None]
    failing = [r for p in profiles for r in not_passing(outcomes[("reference", p)])]

    _publish_reference(root, profiles)
    write_allure_side_files(root, target_label(None, args.target_mode), profiles, [args.runner])
    matrix = write_kill_matrix(
        root,
        verdicts,
        {"target_mode": args.target_mode, "runner": args.runner, "tags": suite.tags},
    )
    print(f"== kill matrix ({time.monotonic() - started:.0f} s)")
    print_matrix(verdicts)
    survivors = [v.mutant.name for v in verdicts if v.survived]
    print(f"dsp-conformance: {len(verdicts) - len(survivors)} of {len(verdicts)} mutants killed")
    for run in failing:
        print(f"dsp-conformance: the conforming reference did not pass: {describe(run)}")
    if survivors:
        print(f"dsp-conformance: survived: {', '.join(survivors)}")
    print(f"dsp-conformance: kill matrix in {matrix}")
    if args.report:
        from harness.cli.report import render

        render(root, args.report, catalogue_path)
    return EXIT_NONCONFORMANCE if survivors or failing else EXIT_OK
