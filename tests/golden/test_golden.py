"""The committed suite yields the same verdicts, labels and kill matrix as the golden snapshot
(every profile, both runners, the in-process selftest). Regenerate the snapshot only for a
change that means to alter them: ``python -m tests.golden.snapshot --workdir DIR``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.golden.snapshot import GOLDEN, capture

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def _key(row: dict[str, object]) -> str:
    return json.dumps(
        [row["feature_file"], row["scenario"], row["example"], row["profile"], row["runner"]]
    )


def test_a_fresh_run_matches_the_golden_snapshot(tmp_path: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    fresh = capture(tmp_path)

    want = Counter(json.dumps(r, sort_keys=True) for r in golden["results"])
    got = Counter(json.dumps(r, sort_keys=True) for r in fresh["results"])
    missing = sorted((want - got).elements())
    extra = sorted((got - want).elements())
    assert missing + extra == [], (
        f"{len(missing)} golden row(s) changed or vanished, {len(extra)} new:\n"
        + "\n".join(f"- {m}" for m in missing[:5])
        + "\n"
        + "\n".join(f"+ {e}" for e in extra[:5])
    )
    assert {_key(r) for r in fresh["results"]} == {_key(r) for r in golden["results"]}
    assert fresh["kill_matrix"] == golden["kill_matrix"]
