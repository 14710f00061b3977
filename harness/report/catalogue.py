"""The reports read the one requirements catalogue loader (harness.catalogue.requirements)."""

from harness.catalogue.requirements import (
    SEVERITIES,
    Catalogue,
    CatalogueError,
    Document,
    Requirement,
    load_catalogue,
)

__all__ = ["SEVERITIES", "Catalogue", "CatalogueError", "Document", "Requirement", "load_catalogue"]
