"""Fixtures for the report tests: a realistic results directory and the rendered reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from report_constants import CATALOGUE, GENERATED_AT, TOOLS_DIR
from synthetic_results import write_conformance_run

from harness.report import (
    AllureTool,
    Catalogue,
    Conformance,
    RenderedReports,
    ResultSet,
    analyse,
    ensure_allure,
    load_catalogue,
    read_kill_matrix,
    read_results,
    render_reports,
)


@pytest.fixture(scope="session")
def catalogue_path() -> Path:
    return CATALOGUE


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE)


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("allure-results")
    write_conformance_run(directory)
    return directory


@pytest.fixture(scope="session")
def result_set(results_dir: Path) -> ResultSet:
    return read_results(results_dir)


@pytest.fixture(scope="session")
def conformance(result_set: ResultSet, catalogue: Catalogue, results_dir: Path) -> Conformance:
    return analyse(result_set, catalogue, read_kill_matrix(results_dir))


@pytest.fixture(scope="session")
def allure_tool() -> AllureTool:
    """The pinned Allure, installed into the project's .tools/allure (skips without npm)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js/npm are not installed, so the Allure report cannot be rendered")
    return ensure_allure(TOOLS_DIR)


@pytest.fixture(scope="session")
def rendered(
    results_dir: Path, allure_tool: AllureTool, tmp_path_factory: pytest.TempPathFactory
) -> RenderedReports:
    """Both reports, rendered once for the session."""
    return render_reports(
        results_dir,
        tmp_path_factory.mktemp("rendered"),
        catalogue=CATALOGUE,
        tools_dir=allure_tool.prefix,
        generated_at=GENERATED_AT,
    )
