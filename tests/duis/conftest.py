"""Fixtures for the DUIS tests. The DCC's DUIS material lives outside the repository; tests
that need it skip with the reason when it is absent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.duis.schema import ENV_VAR, SCHEMA_FILE, DuisSchema, duis_dir, load_schema
from harness.pki import TestPki

REQUEST_TEMPLATES = 297


@pytest.fixture(scope="session")
def duis_data() -> Path:
    """The DUIS data directory (XSD, templates, ZAZ1 keys), or a skip saying where it was sought."""
    path = duis_dir()
    if not (path / SCHEMA_FILE).is_file():
        pytest.skip(
            f"DUIS reference data not found at {path} (set {ENV_VAR} to a copy of shared/duis)"
        )
    return path


@pytest.fixture(scope="session")
def duis_schema(duis_data: Path) -> DuisSchema:
    """The DUIS 5.4 XSD, loaded once for the session."""
    return load_schema(duis_data)


@pytest.fixture(scope="session")
def request_templates(duis_data: Path) -> list[Path]:
    """The DCC's reference-test-data requests (``templates/*_DUIS.XML``)."""
    found = sorted((duis_data / "templates").glob("*_DUIS.XML"))
    if not found:
        pytest.skip(f"no DUIS request templates in {duis_data / 'templates'}")
    return found


@pytest.fixture(scope="session")
def pki() -> TestPki:
    return TestPki()


@pytest.fixture(scope="session")
def xmlsec1() -> str:
    """The independent ``xmlsec1`` verifier (Debian package xmlsec1)."""
    found = shutil.which("xmlsec1")
    if found is None:
        pytest.skip(
            "xmlsec1 is not installed (Debian: apt-get install xmlsec1; `make system-deps`)"
        )
    return found
