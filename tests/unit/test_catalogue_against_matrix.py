"""The SRV catalogue agrees with the DCC's DUIS request matrix (``../shared/duis``) on what
the matrix says: criticality, the future-dated response pattern, non-device, eligible roles."""

from __future__ import annotations

import json

import pytest

from harness.catalogue.tables import service_requests
from harness.duis.schema import duis_dir


def _matrix() -> dict[str, dict[str, object]]:
    path = duis_dir() / "duis-request-matrix.json"
    if not path.is_file():
        pytest.skip(f"the DCC's request matrix is not at {path}")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {str(row["Service Reference Variant"]): row for row in rows}


@pytest.mark.parametrize("srv", sorted(service_requests()))
def test_the_catalogue_says_what_the_matrix_says(srv: str) -> None:
    matrix = _matrix()
    if srv not in matrix:
        pytest.skip(f"SRV {srv} is not in the DCC's request matrix")
    row, ours = matrix[srv], service_requests()[srv]
    assert ours.critical == (row["Critical"] == "Yes")
    assert ours.future_dated == row["Future Dated Response Pattern"]
    assert ours.non_device == (row["Non-Device Request"] == "Yes")
    assert {r.value for r in ours.eligible_roles} == set(row["Eligible User Roles"])  # type: ignore[arg-type]
