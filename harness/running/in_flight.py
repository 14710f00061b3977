"""A pytest plugin: many scenarios in flight against a remote target (``run --in-flight N``).

Against a DSP with real latencies a scenario spends nearly all its time waiting: for a
synchronous answer (hundreds of milliseconds) and for a device's asynchronous answer
(seconds). Waiting needs no core, so the way to a short time to verdict is to have many
scenarios wait at once. pytest-xdist workers are full interpreters that each import the
harness and collect the whole suite, about a second of CPU apiece, which on two cores
costs more than the waiting it hides.

This plugin collects the suite once, then forks N copies of the collected runner process
(``os.fork``: start-up costs a few milliseconds and the pages stay shared). Each copy
takes the next scenario from a shared counter until none is left, runs it through pytest's
own protocol (fixtures, pytest-bdd hooks, allure-pytest-bdd writing its result file) and
exits; the parent waits for every copy and fails the session if any scenario failed. Each
scenario is the same code in a process of its own, as in a serial run, so the verdicts are
the same; only the order in which scenarios start is shared out.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from typing import Any

import pytest

from harness.running.clock_groups import clock_group, phases
from harness.settings import ENV_IN_FLIGHT


def in_flight() -> int:
    value = os.environ.get(ENV_IN_FLIGHT, "")
    return int(value) if value.isdigit() else 0


def _warm_up() -> None:
    """Do in the parent what every copy would otherwise do on its first scenario: the
    imports of the HTTP path and the process's one SSL context (copies share the pages)."""
    from harness.settings import RunSettings

    settings = RunSettings.from_environment()
    if not settings.target.startswith(("http://", "https://")):
        return
    from harness.adapters import http  # noqa: F401 - the import is the warm-up
    from harness.adapters.http_client import client_for
    from harness.adapters.target_config import load_target_config

    client_for(settings.target, load_target_config(settings.config)).close()


def _take(counter: Any, total: int) -> int | None:
    with counter.get_lock():
        index = int(counter.value)
        if index >= total:
            return None
        counter.value = index + 1
    return index


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


def schedule(items: list[pytest.Item]) -> list[list[int]]:
    """Phases of item indices (harness/running/clock_groups.py), longest scenarios first
    within a phase: a long scenario started last would set the time to verdict."""
    steps = [_steps(item) for item in items]
    planned = phases([clock_group(texts) for texts in steps])
    return [sorted(phase, key=lambda i: (-len(steps[i]), i)) for phase in planned]


def _copy(session: pytest.Session, order: list[int], counter: Any) -> int:
    """One forked copy: scenarios from the shared counter until none is left."""
    items = session.items
    taken = _take(counter, len(order))
    while taken is not None:
        following = _take(counter, len(order))
        item = items[order[taken]]
        after = items[order[following]] if following is not None else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=after)
        if session.shouldstop or session.shouldfail:
            break
        taken = following
    return 1 if session.testsfailed else 0


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _run_phase(session: pytest.Session, order: list[int], wanted: int) -> int:
    """Run these items with up to ``wanted`` in flight; the number of copies that failed."""
    counter = multiprocessing.Value("q", 0)
    copies: list[int] = []
    _flush()
    for _ in range(min(wanted, len(order))):
        pid = os.fork()
        if pid == 0:  # a copy
            code = 3
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = _copy(session, order, counter)
            finally:
                _flush()
                os._exit(code)
        copies.append(pid)
    failed = 0
    for pid in copies:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            failed += 1
        if code < 0:
            print(f"dsp-conformance: a runner copy ended by signal {-code}", file=sys.stderr)
    if int(counter.value) < len(order):
        print(
            f"dsp-conformance: {len(order) - int(counter.value)} scenario(s) not started",
            file=sys.stderr,
        )
        failed += 1
    return failed


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    wanted = in_flight()
    if wanted <= 1 or len(session.items) <= 1 or session.config.option.collectonly:
        return None  # pytest's own loop
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        raise session.Interrupted(f"{session.testsfailed} error(s) during collection")
    _warm_up()
    failed = 0
    for phase in schedule(session.items):
        failed += _run_phase(session, phase, wanted)
    session.testsfailed = failed
    return True
