"""The shard key and the merge, without running anything."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from harness.errors import ConfigurationError
from harness.running.merge import merge_results
from harness.running.shard import Shard, bucket, scenario_key
from tests.blackbox.cli import run_cli


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""])
def test_a_malformed_shard_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError, match="--shard"):
        Shard.parse(text)


def test_the_command_line_refuses_a_malformed_shard(tmp_path: Path) -> None:
    done = run_cli("run", "--shard", "5/4", "--results", tmp_path / "r")
    assert done.returncode == 2
    assert "--shard" in done.stderr


def test_the_key_is_stable_across_processes_and_versions() -> None:
    """Pinned: a CI split keeps its scenarios on the same jobs from one release to the next."""
    key = scenario_key("Feature A", "Scenario B", [("role", "IS"), ("srv", "4.1.1")])
    assert key == "Feature A\x1fScenario B\x1frole=IS\x1esrv=4.1.1"
    assert [bucket(key, n) for n in (2, 3, 4, 10)] == [1, 1, 1, 9]


def test_every_key_lands_in_exactly_one_shard_and_the_shards_are_balanced() -> None:
    keys = [scenario_key("F", f"S{i}", [("row", str(i))]) for i in range(4000)]
    for count in (2, 3, 8):
        shards = [Shard(k, count) for k in range(1, count + 1)]
        owners = Counter(sum(s.selects(key) for s in shards) for key in keys)
        assert owners == {1: len(keys)}
        sizes = [sum(s.selects(key) for key in keys) for s in shards]
        assert max(sizes) < 1.15 * len(keys) / count


def _result(directory: Path, name: str, history: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "name": name,
        "fullName": f"F: {name}",
        "historyId": history,
        "status": "passed",
        "parameters": [{"name": "profile", "value": "baseline"}],
    }
    (directory / f"{history}-{name}-result.json").write_text(json.dumps(document))


def test_the_merge_copies_every_result_once_and_keeps_the_first_side_files(tmp_path: Path) -> None:
    _result(tmp_path / "a", "one", "h1")
    _result(tmp_path / "b", "two", "h2")
    (tmp_path / "a" / "environment.properties").write_text("target=reference\n")
    (tmp_path / "b" / "environment.properties").write_text("target=other\n")
    (tmp_path / "b" / "x-attachment.json").write_text("{}")
    merged = merge_results([tmp_path / "a", tmp_path / "b"], tmp_path / "m")
    assert (merged.results, merged.duplicates) == (2, [])
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "environment.properties",
        "h1-one-result.json",
        "h2-two-result.json",
        "x-attachment.json",
    ]
    assert (tmp_path / "m" / "environment.properties").read_text() == "target=reference\n"


def test_the_merge_reports_a_scenario_run_found_twice(tmp_path: Path) -> None:
    _result(tmp_path / "a", "one", "h1")
    _result(tmp_path / "b", "one-again", "h1")
    merged = merge_results([tmp_path / "a", tmp_path / "b"], tmp_path / "m")
    assert merged.duplicates == ["F: one-again [baseline]"]
    with pytest.raises(ConfigurationError, match="does not exist"):
        merge_results([tmp_path / "missing"], tmp_path / "m2")
