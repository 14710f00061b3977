"""A pytest plugin: many scenarios in flight against a remote target (``run --in-flight N``).

Against a DSP with real latencies a scenario spends nearly all its time waiting: for a
synchronous answer (hundreds of milliseconds) and for a device's asynchronous answer
(seconds). Waiting needs no core, so the way to a short time to verdict is to have many
scenarios wait at once. pytest-xdist workers are full interpreters that each import the
harness and collect the whole suite, about a second of CPU apiece, which on two cores
costs more than the waiting it hides.

This plugin collects the suite once, then forks N copies of the collected runner process
(``os.fork``: a few milliseconds each, the pages stay shared). A target with a clock per
scope (``scoped_clock``) gives each scenario its own, so every scenario may be in flight at
once (and with ``scoped_fault`` the one that arms the S1SP fault too; without it, that one
first, alone until its fault has met its request); otherwise
scenarios run in phases that keep the target's one clock what each expects
(harness/running/clock_groups.py). Either way the verdicts are those of a serial run: in
each phase every copy takes the next scenario from the phase's shared counter until none is
left and runs it through pytest's own protocol (fixtures, pytest-bdd hooks,
allure-pytest-bdd writing its result file), then waits at a barrier for the others. The
parent waits for every copy and fails the session if any scenario failed; a copy that dies
breaks the barrier, so none waits for ever.
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
import threading
import time
from typing import Any

import pytest

from harness.running.clock_groups import (
    Phase,
    clock_group,
    moves_clock,
    phases,
    releases,
    scoped_phases,
)
from harness.running.result_writer import drain_all
from harness.settings import ENV_IN_FLIGHT, RunSettings

LOCKSTEP_WAITS = 20  # a peer's whole scenario: this many of the target's longest waits


def in_flight() -> int:
    value = os.environ.get(ENV_IN_FLIGHT, "")
    return int(value) if value.isdigit() else 0


class Lockstep:
    """The clock moves of a phase (``Phase.ranks``): a member about to move the clock waits
    until every member has ended or reached its own clock step and every member of a lower
    rank has ended — never longer than ``seconds``. Each copy tells it which member it runs
    (``begin``) and when that member ends (``ended``)."""

    def __init__(self, ranks: tuple[int, ...], seconds: float) -> None:
        counts = [len(ranks)] + [ranks.count(r) for r in range(1, max(ranks) + 1)]
        self.condition = multiprocessing.Condition()
        self.remaining = multiprocessing.Array("q", counts, lock=False)
        self.seconds = seconds
        self.rank = 0
        self.arrived = False

    def begin(self, rank: int) -> None:
        self.rank, self.arrived = rank, False

    def _clear(self) -> bool:
        return all(self.remaining[r] == 0 for r in range(self.rank))

    def arrive(self) -> None:
        if self.arrived or self.rank == 0:  # its clock step again: the peers moved on
            return
        self.arrived = True
        deadline = time.monotonic() + self.seconds
        with self.condition:
            self.remaining[0] -= 1
            self.condition.notify_all()
            while not self._clear():
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
        with self.condition:
            if not self.arrived:
                self.remaining[0] -= 1
            if self.rank > 0:
                self.remaining[self.rank] -= 1
            self.condition.notify_all()
        self.rank, self.arrived = 0, True


_lockstep: Lockstep | None = None  # in a copy, during a lockstep phase


class Lead:
    """The scenario of a leading phase (``Phase.leads``), in the copy that runs it: opens
    the gate the other copies wait at once its step ``at`` (``releases``) has ended."""

    def __init__(self, gate: Any, at: int | None) -> None:
        self.gate = gate
        self.at = at
        self.ended = 0

    def step_ended(self) -> None:
        self.ended += 1
        if self.at is not None and self.ended > self.at:
            self.gate.set()


_lead: Lead | None = None  # in the copy running a leading phase's scenario


def _target_waits() -> float:
    """The longest a scenario's step waits on the target: one HTTP call and one
    asynchronous answer, from the target's configuration."""
    from harness.adapters.target_config import load_target_config

    config = load_target_config(RunSettings.from_environment().config)
    return config.timeout + config.response_timeout


def _warm_up() -> tuple[bool, bool]:
    """Do in the parent what every copy would otherwise do on its first scenario: compile
    the step patterns, import what the HTTP path imports lazily (DUIS codecs, SRV specs,
    the adapter), prune the RequestID counters' folder, parse the catalogue's tables and
    build the process's one SSL context; the copies then share those pages. Whether the
    target keeps a clock per scope (its test-control capabilities say ``scoped_clock``), and
    whether its S1SP fault is one switch for them all (they do not say ``scoped_fault``)."""
    _warm_steps()
    settings = RunSettings.from_environment()
    if not settings.target.startswith(("http://", "https://")):
        return False, True
    import httpx

    import harness.adapters
    import harness.duis
    import harness.srv

    for package in (harness.adapters, harness.duis, harness.srv):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    from harness.adapters.http_client import capabilities_from, client_for
    from harness.adapters.target_config import load_target_config
    from harness.catalogue.tables import response_codes, service_requests
    from harness.counters import shared_counters
    from harness.errors import HarnessError

    shared_counters().prune_once()  # a walk of the counters' folder, not one per copy
    response_codes()
    service_requests()

    config = load_target_config(settings.config)
    with client_for(settings.target, config) as client:
        try:
            answer = client.get("/test-control/capabilities")
            capabilities = capabilities_from(answer, settings.target)
        except (httpx.HTTPError, HarnessError):
            # capabilities unknown: the one clock's phases (the scenarios say why)
            return False, True
    # Users every scenario shares (the configuration's identities) belong to one scope at a
    # time, and a request to no device is judged at its originator's: phases, then.
    scoped = capabilities.scoped_clock and not config.identities
    return scoped, not capabilities.scoped_fault


def _warm_steps() -> None:
    """Compile every step definition's pattern once, in the parent: pytest-bdd compiles each
    on its first match, which would be in every copy."""
    try:
        from pytest_bdd.steps import step_function_context_registry
    except ImportError:  # pragma: no cover - pytest-bdd is a dependency
        return
    for context in list(step_function_context_registry.values()):
        context.parser.is_matching("")


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


def schedule(
    items: list[pytest.Item], limit: int, *, scoped: bool = False, shared_fault: bool = True
) -> list[Phase]:
    """Phases of item indices. Against a target with a clock per scope, one phase holds
    every scenario (but the S1SP fault's, if that ``shared_fault`` is one switch), those
    that wait on the target most first (``scoped_phases``). Otherwise, phases of the one
    clock: within a phase the members that move the clock come first (each must hold a copy
    until it ends), then the longest scenarios (by steps): a long scenario started last
    would set the time to verdict."""
    steps = [_steps(item) for item in items]
    if scoped:
        return scoped_phases(steps, shared_fault=shared_fault)
    ordered = []
    for phase in phases([clock_group(texts) for texts in steps], limit):
        rank = {m: phase.rank(m) for m in phase.members}
        members = tuple(sorted(phase.members, key=lambda i: (rank[i] == 0, -len(steps[i]), i)))
        ranks = None if phase.ranks is None else tuple(rank[m] for m in members)
        ordered.append(Phase(members, ranks))
    return ordered


def _take(counters: Any, phase: int, total: int) -> int | None:
    with counters.get_lock():
        index = int(counters[phase])
        if index >= total:
            return None
        counters[phase] = index + 1
    return index


class _Plan:
    """What the copies share: the phases, a counter per phase, a lockstep per lockstep
    phase, and a barrier between phases (no phase starts before the last one ended)."""

    def __init__(self, phases: list[Phase], copies: int) -> None:
        self.phases = phases
        self.counters = multiprocessing.Array("q", len(phases))
        waits = LOCKSTEP_WAITS * _target_waits() if any(p.lockstep for p in phases) else 0.0
        self.locksteps = {
            k: Lockstep(p.ranks, waits)
            for k, p in enumerate(phases)
            if p.lockstep and p.ranks is not None
        }
        self.barrier = multiprocessing.Barrier(copies)
        self.gates = {k: multiprocessing.Event() for k, p in enumerate(phases) if p.leads}

    def open_gates(self) -> None:
        for gate in self.gates.values():
            gate.set()

    def started(self) -> int:
        return sum(min(int(self.counters[k]), len(p.members)) for k, p in enumerate(self.phases))


def _copy(session: pytest.Session, plan: _Plan) -> int:
    """One forked copy: in each phase, scenarios from its counter until none is left, then
    the barrier."""
    global _lockstep, _lead  # noqa: PLW0603 - this copy's phase
    for number, phase in enumerate(plan.phases):
        _lockstep = plan.locksteps.get(number)
        gate = plan.gates.get(number)
        taken = _take(plan.counters, number, len(phase.members))
        while taken is not None:
            member = phase.members[taken]
            item = session.items[member]
            if _lockstep is not None:
                _lockstep.begin(phase.rank(member))
            if gate is not None:
                _lead = Lead(gate, releases(_steps(item)))
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=None)
            if _lockstep is not None:
                _lockstep.ended()
            if gate is not None:
                gate.set()
                _lead = None
            if session.shouldstop or session.shouldfail:
                plan.barrier.abort()  # the others stop at the end of this phase
                return 1
            taken = _take(plan.counters, number, len(phase.members))
        if gate is not None:  # the next phase starts once the lead has let it
            while not gate.wait(1.0):
                if plan.barrier.broken:
                    return 3
            continue
        try:
            plan.barrier.wait()
        except threading.BrokenBarrierError:  # another copy died: stop here
            return 3
    return 1 if session.testsfailed else 0


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _run(session: pytest.Session, phases: list[Phase], wanted: int) -> int:
    """Fork the copies, wait for them; the number of copies that failed."""
    copies = min(wanted, max(len(p.members) for p in phases))
    plan = _Plan(phases, copies)
    pids: list[int] = []
    _flush()
    for _ in range(copies):
        pid = os.fork()
        if pid == 0:  # a copy
            code = 3
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = _copy(session, plan)
            finally:
                drain_all()  # its results written: os._exit runs no exit handler
                _flush()
                os._exit(code)
        pids.append(pid)
    failed = 0
    while pids:
        pid, status = os.wait()
        pids.remove(pid)
        code = os.waitstatus_to_exitcode(status)
        failed += code != 0
        if code not in (0, 1):  # not a verdict: the others must not wait for it
            plan.barrier.abort()
            plan.open_gates()
        if code < 0:
            print(f"dsp-conformance: a runner copy ended by signal {-code}", file=sys.stderr)
    left = len(session.items) - plan.started()
    if left > 0:
        print(f"dsp-conformance: {left} scenario(s) not started", file=sys.stderr)
        failed += 1
    return failed


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    if _lockstep is not None and moves_clock(step.name):
        _lockstep.arrive()


def pytest_bdd_after_step(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: Any,
) -> None:
    if _lead is not None:
        _lead.step_ended()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    wanted = in_flight()
    if wanted <= 1 or len(session.items) <= 1 or session.config.option.collectonly:
        return None  # pytest's own loop
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        raise session.Interrupted(f"{session.testsfailed} error(s) during collection")
    scoped, shared_fault = _warm_up()
    gc.collect()
    gc.freeze()  # the collector never touches the parent's objects: the copies' pages stay shared
    planned = schedule(session.items, wanted, scoped=scoped, shared_fault=shared_fault)
    session.testsfailed = _run(session, planned, wanted)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:  # the copies reported each scenario; the parent ran none itself
        reporter.write_line("")  # after the copies' progress
        clock = "with a clock per scenario" if scoped else "of the target's clock"
        reporter.write_line(
            f"{len(session.items)} scenario(s) run in forked copies, up to {wanted} in flight, "
            f"in {len(planned)} phase(s) {clock}"
        )
    return True
