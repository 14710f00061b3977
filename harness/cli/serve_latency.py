"""``serve``'s latency options: how late the served DSP answers (harness/server/latency.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.errors import ConfigurationError
from harness.server.latency import DelayRange, LatencyModel

TYPICAL = ("200-500ms", "2-8s")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "latency",
        "answer like a DSP with real latencies (test control is never delayed); each delay is "
        "drawn uniformly from its range by a seeded generator",
    )
    group.add_argument(
        "--sync-delay",
        metavar="RANGE",
        help="delay every synchronous DUIS answer by this much, e.g. 300ms, 200-500ms, 1-2s",
    )
    group.add_argument(
        "--device-delay",
        metavar="RANGE",
        help="deliver the asynchronous answers (a device's outcome after I99, an S1SP's "
        "response, an alert) this long after the synchronous answer, e.g. 2-8s",
    )
    group.add_argument(
        "--latency",
        choices=["typical"],
        help=f"typical = --sync-delay {TYPICAL[0]} --device-delay {TYPICAL[1]}",
    )
    group.add_argument(
        "--latency-seed",
        type=int,
        default=0,
        help="seed of the delays (default 0): the k-th answer of a run always gets the same "
        "delay, so a serial run is reproducible",
    )
    group.add_argument(
        "--latency-log",
        type=Path,
        help="append every delay served to this file (JSON lines: kind, seconds, RequestID)",
    )
    group.add_argument(
        "--delay-ms",
        type=float,
        help="a fixed synchronous delay in milliseconds (the same as --sync-delay Nms)",
    )
    group.add_argument(
        "--async-delay-ms",
        type=float,
        help="a fixed asynchronous delay in milliseconds (the same as --device-delay Nms)",
    )


def _one(args: argparse.Namespace, text_option: str, ms_option: str, typical: str) -> DelayRange:
    text = getattr(args, text_option.lstrip("-").replace("-", "_"))
    milliseconds = getattr(args, ms_option.lstrip("-").replace("-", "_"))
    if text is not None and milliseconds is not None:
        raise ConfigurationError(f"{text_option} and {ms_option}: give one of them")
    if milliseconds is not None:
        return DelayRange.fixed_ms(milliseconds, ms_option)
    if text is not None:
        return DelayRange.parse(text, text_option)
    if args.latency == "typical":
        return DelayRange.parse(typical, "--latency typical")
    return DelayRange()


def model_from(args: argparse.Namespace) -> LatencyModel:
    """The latency model the options describe (bad values: ConfigurationError)."""
    return LatencyModel(
        sync=_one(args, "--sync-delay", "--delay-ms", TYPICAL[0]),
        device=_one(args, "--device-delay", "--async-delay-ms", TYPICAL[1]),
        seed=args.latency_seed,
    )
