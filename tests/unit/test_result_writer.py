"""The writer process that writes a runner's result files and records
(harness/running/result_writer.py): in the order handed over, everything written once
drained, a process of its own for each forked runner, and a failure recorded in one line."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson
import pytest

from harness.errors import ConfigurationError
from harness.running.records import FILE_KEY, RecordsReader
from harness.running.result_writer import ResultWriter


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_files_and_records_are_written_in_the_order_handed_over(tmp_path: Path) -> None:
    folder, records = tmp_path / "results", tmp_path / "records"
    folder.mkdir()
    writer = ResultWriter(str(folder), records)
    for n in range(300):
        body = f"attachment {n} ".encode() * 200  # the pipe fills: the runner waits its turn
        writer.file(f"{n}-attachment.txt", body, in_place=True, flush=False)
        writer.file(f"{n}-result.json", b'{"n": %d}' % n, flush=False)
        writer.record(orjson.dumps({"name": f"scenario {n}"}))
    writer.drain()
    lines = _lines(records / f"records-{os.getpid()}.jsonl")
    assert len(lines) == 900
    for n in range(300):
        attachment, result, record = lines[3 * n : 3 * n + 3]
        assert attachment[FILE_KEY] == f"{n}-attachment.txt"
        assert result[FILE_KEY] == f"{n}-result.json"
        assert record == {"name": f"scenario {n}"}
        written = (folder / f"{n}-result.json").read_bytes()
        assert written == b'{"n": %d}' % n
        assert result["sha256"] == hashlib.sha256(written).hexdigest()
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".tmp") == []
    assert len(list(folder.iterdir())) == 600


def test_a_writer_drained_starts_again_on_the_next_write(tmp_path: Path) -> None:
    writer = ResultWriter(str(tmp_path), tmp_path / "records")
    writer.drain()  # never used: nothing to wait for
    writer.record(b'{"n": 1}')
    writer.drain()
    writer.record(b'{"n": 2}')
    writer.drain()
    assert _lines(tmp_path / "records" / f"records-{os.getpid()}.jsonl") == [{"n": 1}, {"n": 2}]


def test_a_forked_runner_writes_through_a_writer_of_its_own(tmp_path: Path) -> None:
    records = tmp_path / "records"
    writer = ResultWriter(str(tmp_path), records)
    writer.record(b'{"from": "parent, before"}', flush=False)  # pending at the fork
    child = os.fork()
    if child == 0:
        code = 1
        try:
            writer.record(b'{"from": "child"}')
            writer.drain()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    writer.record(b'{"from": "parent, after"}')
    writer.drain()
    assert _lines(records / f"records-{child}.jsonl") == [{"from": "child"}]
    assert _lines(records / f"records-{os.getpid()}.jsonl") == [
        {"from": "parent, before"},
        {"from": "parent, after"},
    ]


def test_a_file_that_cannot_be_written_ends_the_records_with_why(tmp_path: Path) -> None:
    records = tmp_path / "records"
    writer = ResultWriter(str(tmp_path / "no such folder"), records)
    writer.record(b'{"name": "before"}')
    for n in range(100):  # everything after is read and dropped: the runner never blocks
        writer.file(f"{n}-result.json", b"x" * 10_000)
    writer.drain()
    lines = _lines(records / f"records-{os.getpid()}.jsonl")
    assert lines[0] == {"name": "before"}
    assert len(lines) == 2
    reader = RecordsReader(records)
    with pytest.raises(ConfigurationError, match=r"cannot write 0-result\.json: .*No such file"):
        reader.finish()
