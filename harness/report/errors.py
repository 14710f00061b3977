"""Errors the report builders raise; each names the file or tool at fault."""

from __future__ import annotations

from harness.catalogue.requirements import CatalogueError
from harness.errors import HarnessError

__all__ = ["AllureError", "CatalogueError", "ResultsError", "UnsafeReport"]


class ResultsError(HarnessError):
    """An Allure results directory (or a file in it) cannot be read."""


class AllureError(HarnessError):
    """The Allure report could not be installed or rendered."""


class UnsafeReport(AllureError):
    """A rendered report would make the browser contact a third-party host."""
