"""Errors the report builders raise; each names the file or tool at fault."""

from __future__ import annotations

from harness.errors import ConfigurationError, HarnessError


class ResultsError(HarnessError):
    """An Allure results directory (or a file in it) cannot be read."""


class CatalogueError(ConfigurationError):
    """The requirements catalogue cannot be read or is malformed."""


class AllureError(HarnessError):
    """The Allure report could not be installed or rendered."""


class UnsafeReport(AllureError):
    """A rendered report would make the browser contact a third-party host."""
