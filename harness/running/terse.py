"""A pytest plugin for quiet scenario runs (``dsp-conformance run`` without --verbose): a
scenario that ends in a harness verdict prints one line naming the scenario, where it is
written, the verdict and the reason, instead of a Python traceback.

Allure still records the whole trace as evidence: this hook wraps allure-pytest-bdd's own
report hook (``tryfirst`` makes it the outer wrapper), so the report is shortened only
after Allure has read it. Errors that are not the harness's own keep pytest's traceback:
those are bugs, and the trace is what a developer needs.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from harness.errors import HarnessError, NonConformance


def _where(item: pytest.Item) -> str:
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry

        function = getattr(item, "obj", None)
        template = scenario_wrapper_template_registry.get(function) if function else None
    except ImportError:  # pragma: no cover - pytest-bdd is a dependency
        template = None
    if template is None:
        return item.nodeid
    return f"{template.feature.rel_filename}:{template.line_number} {template.name!r}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    error = call.excinfo.value if call.excinfo is not None else None
    if not report.failed or not isinstance(error, HarnessError | NonConformance):
        return
    verdict = "non-conformance" if isinstance(error, NonConformance) else "inconclusive"
    reason = " ".join(str(error).split()) or type(error).__name__
    report.longrepr = f"{_where(item)}: {verdict}: {reason}"
