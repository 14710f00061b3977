"""The response-code table: complete rows, published codes as facts, unknown codes refused.

Which requirement each rejection cites is a property of the rule table
(tests/unit/test_rule_table.py); a rejection's code is checked against this table when the
rejection is made (``Rejection.__post_init__``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.catalogue.tables import response_code, response_codes
from harness.errors import UnknownName
from harness.reference.context import Rejection

CODE_SHAPE = re.compile(r"^[EIW]\d+$")
ALERT_SHAPE = re.compile(r"^(N\d+|S1SP\d+)$")  # DCC Alert and S1SP Alert codes


def test_table_rows_are_complete() -> None:
    for code, row in response_codes().items():
        assert CODE_SHAPE.match(code) or ALERT_SHAPE.match(code), code
        assert row.meaning.strip(), f"{code} has no meaning"
        assert row.source.strip(), f"{code} has no source"
        assert row.confidence in ("fact", "model")


def test_codes_with_published_meanings_are_facts() -> None:
    for code in ("I0", "I99", "E1", "E2", "E3", "E4", "E5", "E11", "E12", "E13", "E19"):
        assert response_code(code).confidence == "fact", code


def test_unknown_code_cannot_be_used() -> None:
    with pytest.raises(UnknownName, match="E9999"):
        response_code("E9999")
    with pytest.raises(UnknownName, match="not in the response-code table"):
        Rejection("E9999", "made-up code")


def test_requirement_codes_are_in_the_table(repo_root: Path) -> None:
    import yaml

    document = yaml.safe_load(
        (repo_root / "features" / "requirements.yaml").read_text(encoding="utf-8")
    )
    table = response_codes()
    for row in document["requirements"]:
        for code in row.get("codes", []):
            assert code in table, f"{row['id']} answers with {code}, not in the table"
