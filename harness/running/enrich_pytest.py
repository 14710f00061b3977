"""``-p harness.running.enrich_pytest``: allure-pytest-bdd's results completed as they are
written (``harness/running/allure_logger.py``).

allure-pytest-bdd registers its own file logger when pytest configures; this plugin, after it,
puts the enriching logger in its place, and puts Allure's back before Allure's own clean-up
unregisters it at the end of the session.
"""

from __future__ import annotations

import allure_commons
import pytest
from allure_commons.logger import AllureFileLogger

from harness.running.allure_logger import file_logger
from harness.running.result_writer import drain_all


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    report_dir = getattr(config.option, "allure_report_dir", None)
    if not report_dir:
        return
    manager = allure_commons.plugin_manager
    allure_own = next((p for p in manager.get_plugins() if type(p) is AllureFileLogger), None)
    if allure_own is None:
        return
    ours = file_logger(allure_own._report_dir)
    if type(ours) is AllureFileLogger:
        return  # nothing to enrich: Allure's logger stays
    manager.unregister(allure_own)
    manager.register(ours)

    def restore() -> None:
        drain_all()  # every result written before the session ends (an xdist worker too)
        if manager.get_name(ours) is not None:
            manager.unregister(ours)
        manager.register(allure_own)

    config.add_cleanup(restore)
