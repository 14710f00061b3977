"""Where the served DSP's own work on a DUIS request goes, stage by stage: the requests of a
state file (``serve --state``, e.g. kept by ``python -m fuzz.soak --keep-state FILE``)
answered again by ``ServedDsp.answer`` in one thread, with timers around each stage (no
HTTP, no disk), µs per request. With ``--before DIR`` the same is done by another checkout
(``git archive REV | tar -x -C DIR``), alternating, and the two printed side by side.

    python -m fuzz.soak --clients 50 --seconds 20 --keep-state /tmp/soak.db
    python -m benchmarks.served_stages /tmp/soak.db --before /tmp/old --rounds 2

An investigation, not a figure of ``run.py``: the timers cost ~1 µs a stage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

STAGES = {
    # stage: (object the function is looked up on, its name) — patched by name, so a
    # checkout that lacks one simply does not report it
    "parse": ("module", "parse_untrusted"),
    "envelope": ("module", "envelope_of"),
    "schema": ("schema", "validate"),
    "signature check": ("module", "verify"),
    "decode": ("module", "decode_request_tree"),
    "rules": ("dsp", "submit"),
    "answers built": ("module", "answer_tree"),
    "answers signed": ("service", "_sign"),
}


def measure(state: Path, count: int) -> dict[str, float]:
    """In this process: µs per request for each stage and in all (``answer()``)."""
    import harness.server.service as module
    from harness.domain.requests import Endpoint
    from harness.errors import HarnessError
    from harness.reference.profiles import resolve
    from harness.server.journal import PROVISION, REQUEST, Journal

    service = module.ServedDsp(resolve("baseline"), schema=True)
    spent: Counter[str] = Counter()

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began

        return wrapper

    owners = {"module": module, "schema": service.schema, "dsp": service.dsp, "service": service}
    for stage, (owner, name) in STAGES.items():
        target = owners[owner]
        if hasattr(target, name):
            setattr(target, name, timed(stage, getattr(target, name)))
    answered = 0
    for entry in Journal(state).entries():
        if entry.kind == PROVISION:
            with contextlib.suppress(HarnessError):  # refused then too
                service.provision(json.loads(entry.body))
        elif entry.kind == REQUEST and entry.endpoint is not None and answered < count:
            began = time.perf_counter()
            with contextlib.suppress(HarnessError):  # refused messages are timed too
                service.answer(Endpoint(entry.endpoint), entry.body)
            spent["answer() in all"] += time.perf_counter() - began
            answered += 1
    if not answered:
        raise SystemExit(f"{state}: no DUIS request to answer")
    return {stage: seconds / answered * 1e6 for stage, seconds in spent.items()}


def run_in(checkout: Path, state: Path, count: int) -> dict[str, float]:
    """:func:`measure` in a process of its own, this file run with ``checkout``'s
    ``harness`` (its folder first on the path)."""
    from harness.duis.schema import duis_dir

    environment = {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "DSP_CONFORMANCE_DUIS_DIR": str(duis_dir()),
    }
    arguments = [str(state), "--count", str(count), "--json"]
    script = f"import runpy, sys; sys.argv = {[__file__, *arguments]!r}; "
    script += f"runpy.run_path({__file__!r}, run_name='__main__')"
    done = subprocess.run(
        [PYTHON, "-c", script],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: {done.stderr.strip()[-500:]}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.served_stages", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("state", type=Path, help="a state file written by serve --state")
    parser.add_argument("--count", type=int, default=4000, help="requests answered (4000)")
    parser.add_argument("--before", type=Path, metavar="DIR", help="another checkout")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if not options.state.is_file():
        parser.error(f"{options.state}: no such state file")
    if options.json:
        print(json.dumps(measure(options.state, options.count)))
        return 0
    sides = {"this checkout": Path(REPO)}
    if options.before is not None:
        sides = {"before": options.before, **sides}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for _ in range(max(1, options.rounds)):
        for name, checkout in sides.items():
            results[name].append(run_in(checkout, options.state, options.count))
    stages = ["answer() in all", *STAGES]
    print("| µs per request | " + " | ".join(sides) + " |")
    print("|---|" + "---:|" * len(sides))
    for stage in stages:
        cells = [
            " / ".join(f"{r[stage]:.0f}" for r in results[name] if stage in r) or "–"
            for name in sides
        ]
        print(f"| {stage} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
