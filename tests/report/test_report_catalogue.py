"""Reading the requirements catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_constants import PROJECT_CATALOGUE

from harness.errors import ConfigurationError
from harness.report import Catalogue, CatalogueError, load_catalogue

GOOD_DOCUMENT = """
documents:
  DOC:
    title: A document — long title
    url: https://example.org/doc
requirements:
"""


def write(tmp_path: Path, requirements: str, documents: str = GOOD_DOCUMENT) -> Path:
    path = tmp_path / "requirements.yaml"
    path.write_text(documents + requirements, encoding="utf-8")
    return path


ROW = """  - id: R-1
    document: DOC
    clause: "1.1"
    group: G
    title: A rule
    severity: normal
"""


def test_the_project_catalogue_loads() -> None:
    catalogue = load_catalogue(PROJECT_CATALOGUE)
    assert catalogue.get("DP107-deadlock") is not None
    for requirement in catalogue.requirements:
        assert requirement.testable or requirement.not_tested_because
        assert requirement.document in catalogue.documents


def test_the_test_catalogue_loads(catalogue: Catalogue) -> None:
    assert catalogue.get("DP107-deadlock") is not None
    deadlock = catalogue.get("DP107-deadlock")
    assert deadlock is not None
    assert (deadlock.document, deadlock.severity, deadlock.codes) == (
        "DP107",
        "blocker",
        ("E4", "I0"),
    )
    signature = catalogue.get("DUIS-signature")
    assert signature is not None
    assert not signature.testable
    assert signature.not_tested_because
    assert "XML signatures" in signature.not_tested_because
    assert catalogue.groups[0] == "SRPD 6.1(f) eligibility against Registration Data"
    assert catalogue.document_of(deadlock) == catalogue.documents["DP107"]


def test_a_minimal_catalogue(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, ROW))
    (requirement,) = catalogue.requirements
    assert requirement.id == "R-1"
    assert requirement.testable
    assert catalogue.in_group("G") == (requirement,)


@pytest.mark.parametrize(
    ("requirements", "documents", "expected"),
    [
        (ROW + ROW, GOOD_DOCUMENT, "R-1 is listed twice"),
        (ROW.replace("document: DOC", "document: NOPE"), GOOD_DOCUMENT, "unknown document 'NOPE'"),
        (ROW.replace("    title: A rule\n", ""), GOOD_DOCUMENT, "R-1 has no 'title'"),
        (ROW.replace("normal", "urgent"), GOOD_DOCUMENT, "severity must be one of"),
        (ROW + "    testable: false\n", GOOD_DOCUMENT, "says nothing in 'not_tested_because'"),
        (ROW + "    testable: maybe\n", GOOD_DOCUMENT, "'testable' must be true or false"),
        (ROW + "    codes: E4\n", GOOD_DOCUMENT, "'codes' must be a list"),
        ("  []\n", GOOD_DOCUMENT, "'requirements' must be a list"),
        (ROW, "documents:\n  DOC: {}\nrequirements:\n", "document DOC needs a 'title'"),
        (ROW, "documents: [1]\nrequirements:\n", "'documents' must be a mapping"),
        ("", "documents: {\n", "not valid YAML"),
    ],
)
def test_a_bad_catalogue_is_explained(
    tmp_path: Path, requirements: str, documents: str, expected: str
) -> None:
    path = write(tmp_path, requirements, documents)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, ConfigurationError)


def test_a_missing_catalogue_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_catalogue(tmp_path / "absent.yaml")
