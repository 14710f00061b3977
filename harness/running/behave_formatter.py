"""``--format harness.running.behave_formatter:EnrichingFormatter``: allure-behave's formatter,
its results completed as they are written (``harness/running/allure_logger.py``)."""

from __future__ import annotations

from typing import Any

import allure_commons
from allure_behave.formatter import AllureFormatter

from harness.running.allure_logger import file_logger
from harness.running.result_writer import drain_all


class EnrichingFormatter(AllureFormatter):  # type: ignore[misc]
    def __init__(self, stream_opener: Any, config: Any) -> None:
        super().__init__(stream_opener, config)
        ours = file_logger(self.stream_opener.name)
        manager = allure_commons.plugin_manager
        manager.unregister(self.file_logger)
        manager.register(ours)
        self.file_logger: object = ours  # close() unregisters it

    def close(self) -> None:
        drain_all()  # every result written before behave ends
        super().close()
