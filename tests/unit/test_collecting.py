"""The CLI reads a runner's records while the runner writes them
(harness/running/records.py, harness/running/collecting.py): whole lines only, every file,
nothing twice, and a bad record reported once the runner has ended, never while it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from harness.errors import ConfigurationError
from harness.running.collecting import Collector
from harness.running.records import FILE_KEY, RECORD_ERROR, RecordsReader, read_records


def _result(name: str) -> dict[str, Any]:
    return {"name": name, "status": "passed", "uuid": name, "labels": [], "parameters": []}


def _line(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document) + b"\n"


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)


def test_records_are_read_as_they_are_written_whole_lines_only(tmp_path: Path) -> None:
    reader = RecordsReader(tmp_path)
    assert reader.poll() == []  # nothing written yet
    first = tmp_path / "records-1.jsonl"
    _append(first, _line(_result("a")) + _line({FILE_KEY: "a-result.json", "sha256": "00"}))
    half = _line(_result("b"))
    _append(first, half[:10])
    assert [d["name"] for d in reader.poll()] == ["a"]
    assert reader.poll() == []  # the half line waits for its end
    _append(first, half[10:])
    _append(tmp_path / "records-2.jsonl", _line(_result("c")))  # a second runner process
    assert [d["name"] for d in reader.poll()] == ["b", "c"]
    _append(first, _line(_result("d")))
    assert [d["name"] for d in reader.finish()] == ["d"]
    assert reader.files == {"a-result.json": "00"}
    assert [d["name"] for d in read_records(tmp_path).documents] == ["a", "b", "d", "c"]


def test_a_line_left_unfinished_by_a_killed_runner_is_an_error_at_the_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records-1.jsonl"
    _append(path, _line(_result("a")) + b'{"name": "cut sh')
    reader = RecordsReader(tmp_path)
    assert [d["name"] for d in reader.poll()] == ["a"]
    with pytest.raises(
        ConfigurationError, match=r"records-1\.jsonl:2: cannot read a result record"
    ):
        reader.finish()


def test_a_record_that_says_a_result_could_not_be_completed_is_reported_at_the_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records-1.jsonl"
    _append(path, _line({RECORD_ERROR: "s: broken outcome"}) + _line(_result("later")))
    reader = RecordsReader(tmp_path)
    assert reader.poll() == []  # no exception while the runner runs
    with pytest.raises(ConfigurationError, match="cannot complete an Allure result: s: broken"):
        reader.finish()


def test_the_collector_makes_records_as_they_come_and_keeps_a_bad_one_for_the_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "records-1.jsonl"
    collector = Collector(tmp_path)
    collector.tick()
    _append(path, _line(_result("a")))
    collector.tick()
    _append(path, _line({"name": "b", "status": "exploded"}) + _line(_result("c")))
    collector.tick()  # never raises: it runs inside the wait for the runner
    collector.tick()
    with pytest.raises(ConfigurationError, match=r"not one: .*unknown status 'exploded'"):
        collector.finish()


def test_the_collector_gives_every_record_once_in_the_order_written(tmp_path: Path) -> None:
    path = tmp_path / "records-1.jsonl"
    collector = Collector(tmp_path)
    for name in "abc":
        _append(path, _line(_result(name)))
        collector.tick()
    _append(path, _line(_result("d")) + _line({FILE_KEY: "d-result.json", "sha256": "11"}))
    records = collector.finish()
    assert [r.name for r in records] == ["a", "b", "c", "d"]
    assert collector.files == {"d-result.json": "11"}
