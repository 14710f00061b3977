"""Fixtures shared by the unit and property suites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.pki import TestPki, shared_pki

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def pki() -> TestPki:
    """The process-wide test PKI (certificates are memoised, so tests stay fast)."""
    return shared_pki()


@pytest.fixture(scope="session")
def requirement_ids() -> frozenset[str]:
    """Every requirement ID in features/requirements.yaml."""
    document: Any = yaml.safe_load(
        (REPO_ROOT / "features" / "requirements.yaml").read_text(encoding="utf-8")
    )
    return frozenset(str(row["id"]) for row in document["requirements"])
