"""A pytest plugin: many scenarios in flight against a remote target (``run --in-flight N``).

Against a DSP with real latencies a scenario spends nearly all its time waiting: for a
synchronous answer (hundreds of milliseconds) and for a device's asynchronous answer
(seconds). Waiting needs no core, so the way to a short time to verdict is to have many
scenarios wait at once. pytest-xdist workers are full interpreters that each import the
harness and collect the whole suite, about a second of CPU apiece, which on two cores
costs more than the waiting it hides.

This plugin collects the suite once, then forks copies of the collected runner process
(``os.fork``: a few milliseconds each, the pages stay shared). Each copy takes the next
scenario from a shared counter until none is left and runs it through pytest's own
protocol (fixtures, pytest-bdd hooks, allure-pytest-bdd writing its result file); the
parent waits for every copy and fails the session if any scenario failed. Scenarios run in
phases that keep the target's one clock what each expects (harness/running/clock_groups.py),
so the verdicts are those of a serial run.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import os
import pkgutil
import signal
import sys
import time
from typing import Any

import pytest

from harness.running.clock_groups import Phase, clock_group, moves_clock, phases
from harness.settings import ENV_IN_FLIGHT, RunSettings

LOCKSTEP_WAITS = 20  # a peer's whole scenario: this many of the target's longest waits


def in_flight() -> int:
    value = os.environ.get(ENV_IN_FLIGHT, "")
    return int(value) if value.isdigit() else 0


class Lockstep:
    """The members of a lockstep phase move the clock together: each waits at its clock
    step until every member has arrived there or ended (never longer than ``seconds``)."""

    def __init__(self, parties: int, seconds: float) -> None:
        self.condition = multiprocessing.Condition()
        self.waiting_for = multiprocessing.Value("q", parties, lock=False)
        self.seconds = seconds
        self.arrived = False

    def _leave(self) -> None:
        with self.condition:
            self.waiting_for.value -= 1
            self.condition.notify_all()

    def arrive(self) -> None:
        if self.arrived:  # its clock step again: the peers have moved on already
            return
        self.arrived = True
        self._leave()
        deadline = time.monotonic() + self.seconds
        with self.condition:
            while self.waiting_for.value > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    print(
                        "dsp-conformance: lockstep: moving the clock without every peer "
                        f"after {self.seconds:g} s",
                        file=sys.stderr,
                    )
                    return
                self.condition.wait(left)

    def ended(self) -> None:
        if not self.arrived:
            self.arrived = True
            self._leave()


_lockstep: Lockstep | None = None  # in a copy running a lockstep phase


def _target_waits() -> float:
    """The longest a scenario's step waits on the target: one HTTP call and one
    asynchronous answer, from the target's configuration."""
    from harness.adapters.target_config import load_target_config

    config = load_target_config(RunSettings.from_environment().config)
    return config.timeout + config.response_timeout


def _warm_up() -> None:
    """Do in the parent what every copy would otherwise do on its first scenario: import
    what the HTTP path imports lazily (DUIS codecs, SRV specs, the adapter) and build the
    process's one SSL context; the copies then share those pages."""
    settings = RunSettings.from_environment()
    if not settings.target.startswith(("http://", "https://")):
        return
    import harness.adapters
    import harness.duis
    import harness.srv

    for package in (harness.adapters, harness.duis, harness.srv):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    from harness.adapters.http_client import client_for
    from harness.adapters.target_config import load_target_config

    client_for(settings.target, load_target_config(settings.config)).close()


def _steps(item: pytest.Item) -> list[str]:
    """The scenario's step texts as run (Background first, an example's values in place)."""
    function = getattr(item, "obj", None)
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry

        template = scenario_wrapper_template_registry.get(function) if function else None
    except ImportError:  # pragma: no cover - pytest-bdd is a dependency
        template = None
    if template is None:
        return []
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
    return [step.name for step in template.render(example).steps]


def schedule(items: list[pytest.Item], limit: int) -> list[Phase]:
    """Phases of item indices, longest scenarios (by steps) first within a phase: a long
    scenario started last would set the time to verdict."""
    steps = [_steps(item) for item in items]
    planned = phases([clock_group(texts) for texts in steps], limit)
    return [
        Phase(tuple(sorted(p.members, key=lambda i: (-len(steps[i]), i))), p.lockstep)
        for p in planned
    ]


def _take(counter: Any, total: int) -> int | None:
    with counter.get_lock():
        index = int(counter.value)
        if index >= total:
            return None
        counter.value = index + 1
    return index


def _copy(session: pytest.Session, order: tuple[int, ...], counter: Any) -> int:
    """One forked copy: scenarios from the shared counter until none is left."""
    taken = _take(counter, len(order))
    while taken is not None:
        item = session.items[order[taken]]
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=None)
        if _lockstep is not None:
            _lockstep.ended()
        if session.shouldstop or session.shouldfail:
            break
        taken = _take(counter, len(order))
    return 1 if session.testsfailed else 0


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _run_phase(session: pytest.Session, phase: Phase, wanted: int) -> int:
    """Run a phase with up to ``wanted`` in flight; the number of copies that failed. In a
    lockstep phase each member has a copy of its own (all are in flight at once)."""
    global _lockstep  # noqa: PLW0603 - what the forked copies inherit
    if phase.lockstep:
        shares: list[tuple[int, ...]] = [(member,) for member in phase.members]
        _lockstep = Lockstep(len(shares), LOCKSTEP_WAITS * _target_waits())
    else:
        shares = [phase.members] * min(wanted, len(phase.members))
    counters = {share: multiprocessing.Value("q", 0) for share in shares}
    pids: list[int] = []
    _flush()
    for share in shares:
        pid = os.fork()
        if pid == 0:  # a copy
            code = 3
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = _copy(session, share, counters[share])
            finally:
                _flush()
                os._exit(code)
        pids.append(pid)
    _lockstep = None
    failed = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        failed += code != 0
        if code < 0:
            print(f"dsp-conformance: a runner copy ended by signal {-code}", file=sys.stderr)
    left = sum(len(share) - int(counter.value) for share, counter in counters.items())
    if left > 0:
        print(f"dsp-conformance: {left} scenario(s) not started", file=sys.stderr)
        failed += 1
    return failed


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    if _lockstep is not None and moves_clock(step.name):
        _lockstep.arrive()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    wanted = in_flight()
    if wanted <= 1 or len(session.items) <= 1 or session.config.option.collectonly:
        return None  # pytest's own loop
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        raise session.Interrupted(f"{session.testsfailed} error(s) during collection")
    _warm_up()
    gc.collect()
    gc.freeze()  # the collector never touches the parent's objects: the copies' pages stay shared
    failed = 0
    for phase in schedule(session.items, wanted):
        failed += _run_phase(session, phase, wanted)
    session.testsfailed = failed
    return True
