"""``dsp-conformance run``'s runner processes: one per profile, one after another, each read
as it records its results; the next one started while the one before runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.results.record import ResultRecord
from harness.running.collecting import Collector
from harness.running.enrich import RunIdentity
from harness.running.records import EnrichmentJob
from harness.running.runners import RunnerJob, run_job
from harness.running.shard import Shard
from harness.running.verdicts import RunSummary
from harness.running.warm import WarmRunner, warm_runner
from harness.settings import REPO_ROOT, RunSettings


def run_profiles(
    args: argparse.Namespace,
    profiles: list[str],
    shard: Shard | None,
    target_label: str,
    index: Path,
) -> RunSummary | None:
    """One runner process per profile; each completes its results as it writes them
    (harness/running/allure_logger.py) and records them for the verdicts, which this process
    reads while it runs. None when a profile's run produced no result at all."""
    summary = RunSummary()
    warm: WarmRunner | None = getattr(args, "warm", None)  # started by the CLI's main
    try:
        for number, profile in enumerate(profiles):
            this, warm = warm, None
            if number + 1 < len(profiles):  # the next profile's runner starts meanwhile
                warm = warm_runner(args.runner, str(REPO_ROOT))
            job, records = _job(args, profile, number, shard, target_label, index)
            written = _run(args, job, Collector(records), shard, this, summary)
            if written is None:
                return None
            summary.records.extend(written)
    finally:
        if warm is not None:
            warm.discard()
    return summary


def _job(
    args: argparse.Namespace,
    profile: str,
    number: int,
    shard: Shard | None,
    target_label: str,
    index: Path,
) -> tuple[RunnerJob, Path]:
    """The job of one profile's runner, and the folder its records go to."""
    settings = RunSettings(
        profile=profile,
        target=args.target,
        config=args.config,
        compare_with=args.compare_with,
        unverified_signatures=args.unverified_signatures,
    )
    records = index.parent / f"records-{number}"
    enrichment = EnrichmentJob(index, RunIdentity(profile, target_label, args.runner), records)
    job = RunnerJob(
        runner=args.runner,
        settings=settings,
        features=args.features,
        results=args.results,
        tags=selection(args.tags),
        workers=args.workers,
        in_flight=args.in_flight,
        timeout=args.timeout,
        quiet=not args.verbose,
        shard=str(shard) if shard else None,
        enrichment=enrichment.write(index.parent / f"job-{number}.json"),
    )
    return job, records


def _run(
    args: argparse.Namespace,
    job: RunnerJob,
    collector: Collector,
    shard: Shard | None,
    warm: WarmRunner | None,
    summary: RunSummary,
) -> list[ResultRecord] | None:
    """The records of one profile's run, read by ``collector`` as the runner records them:
    none (an empty list) for an empty shard, None when the run produced no result."""
    profile = job.settings.profile
    print(f"== {args.runner} · target {args.target} · profile {profile}", flush=True)
    finished = run_job(job, while_waiting=collector.tick, warm=warm)
    written = collector.finish()
    summary.written.update(collector.files)
    if finished.timed_out:
        print(
            f"dsp-conformance: the {args.runner} run for {profile} timed out after "
            f"{args.timeout:.0f} s",
            file=sys.stderr,
        )
    if not written and shard is not None and finished.code in (0, 5):
        print(f"dsp-conformance: shard {shard} holds no scenario for {profile}")
        return []
    if not written:
        print(
            f"dsp-conformance: the {args.runner} run for {profile} produced no result "
            f"(exit {finished.code}); nothing matched or the runner could not start",
            file=sys.stderr,
        )
        return None
    return written


def selection(tags: str | None) -> str:
    """The tag expression a run uses: @generated scenarios only when the expression names
    them, so the default run stays the hand-written suite."""
    if not tags:
        return "not @generated"
    if "@generated" in tags:
        return tags
    return f"({tags}) and not @generated"
