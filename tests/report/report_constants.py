"""Paths and fixed values the report tests share."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
CATALOGUE = HERE / "requirements-fixture.yaml"  # frozen: the project's catalogue keeps growing
PROJECT_CATALOGUE = REPO_ROOT / "features" / "requirements.yaml"
TOOLS_DIR = REPO_ROOT / ".tools" / "allure"
SCREENSHOTS = REPO_ROOT / "reports" / "screenshots"
GENERATED_AT = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
