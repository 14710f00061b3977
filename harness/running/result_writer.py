"""A runner process's result files and records, written by a process of their own.

Creating a file costs 30 µs on a quiet disk and up to 0.7 ms on one that has just freed many
blocks, and the harness writes two a scenario (the result and the exchange's evidence). The
runner hands each file and record to a writer process through a pipe (one system call) and
goes on with the next scenario; the writer creates the files on another core. A thread
would not do: each of a file's system calls gives the interpreter's lock up and waits to
take it back from the runner, which made runs slower, not faster.

The writer keeps the order it was handed: a result's file before the record that names it,
so the CLI, which reads the records as they come, never sees a record of a file not yet
written. It is forked from the runner on the first write (and again in a copy forked from
the runner: each process writes through a writer of its own and records in a file of its
own, ``records-<pid>.jsonl``, named by the runner's pid). :func:`drain_all` closes the pipe
and waits until everything is written: at exit, and where a runner ends without the
interpreter's exit handlers (``os._exit``).

A file or record the writer cannot write (a full disk) stops the writing: the records then
end with why, which the CLI reports in one line. A writer that is gone (killed) leaves the
runner writing a record that says so.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import struct
from pathlib import Path
from typing import BinaryIO

import orjson

from harness.running.records import FILE_KEY, RECORD_ERROR

_HEADER = struct.Struct("<BII")  # kind, length of the name, length of the content
_FILE, _IN_PLACE, _RECORD = 1, 2, 3
_FLUSH = 8  # or-ed into kind


class ResultWriter:
    """Writes files into ``folder`` and records into ``records/records-<runner pid>.jsonl``."""

    def __init__(self, folder: str, records: Path) -> None:
        self._folder = folder
        self._records = records
        self._pid = 0  # the runner process the pipe below belongs to
        self._pipe = -1
        self._writer = 0
        _OPEN.append(self)

    def file(
        self, name: str, content: bytes, *, in_place: bool = False, flush: bool = True
    ) -> None:
        """``content`` as ``name`` (through a temporary file renamed into place unless
        ``in_place``), its SHA-256 recorded; ``flush``: the records file flushed after."""
        self._send((_IN_PLACE if in_place else _FILE) | (_FLUSH if flush else 0), name, content)

    def record(self, line: bytes, *, flush: bool = True) -> None:
        self._send(_RECORD | (_FLUSH if flush else 0), "", line)

    def drain(self) -> None:
        """Return once everything this process handed over is written."""
        if self._pid != os.getpid() or self._pipe < 0:
            return
        os.close(self._pipe)
        self._pipe = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._writer, 0)

    def _send(self, kind: int, name: str, content: bytes) -> None:
        if self._pid != os.getpid() or self._pipe < 0:  # first use: here, or after a drain
            self._start()
        raw = name.encode("utf-8")
        frame = memoryview(_HEADER.pack(kind, len(raw), len(content)) + raw + content)
        try:
            while frame:
                frame = frame[os.write(self._pipe, frame) :]
        except OSError as exc:  # the writer is gone: say so where the CLI reads
            _Output(self._folder, self._records_file()).failed(f"the result writer: {exc}")
            raise

    def _records_file(self) -> Path:
        return self._records / f"records-{self._pid}.jsonl"

    def _start(self) -> None:
        if self._pid != os.getpid() and self._pipe >= 0:
            os.close(self._pipe)  # the parent's pipe, inherited by a fork: not this writer's
        self._pid = os.getpid()
        self._records.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer
            code = 1
            try:
                os.close(write)
                for other in _OPEN:  # a parent's pipes are not this process's to hold
                    if other is not self and other._pipe >= 0:
                        os.close(other._pipe)
                code = _Output(self._folder, self._records_file()).serve(read)
            finally:
                os._exit(code)
        os.close(read)
        self._pipe, self._writer = write, pid


class _Output:
    """The writer's side: what the frames say, done in order."""

    def __init__(self, folder: str, records: Path) -> None:
        self._folder = folder
        self._path = records
        self._failed = False

    def serve(self, pipe: int) -> int:
        with os.fdopen(pipe, "rb") as frames, self._path.open("ab") as records:
            while header := frames.read(_HEADER.size):
                if len(header) < _HEADER.size:
                    break
                kind, name_length, length = _HEADER.unpack(header)
                name = frames.read(name_length).decode("utf-8")
                content = frames.read(length)
                if self._failed:
                    continue  # read to the end: the runner must never block on a full pipe
                try:
                    self._do(records, kind, name, content)
                except OSError as exc:
                    self._failed = True
                    with contextlib.suppress(OSError):
                        records.write(_error(f"cannot write {name or 'a record'}: {exc}"))
                        records.flush()
        return 0

    def failed(self, why: str) -> None:
        with contextlib.suppress(OSError), self._path.open("ab") as records:
            records.write(_error(why))

    def _do(self, records: BinaryIO, kind: int, name: str, content: bytes) -> None:
        base = kind & ~_FLUSH
        if base == _RECORD:
            records.write(content + b"\n")
        else:
            self._write(name, content, in_place=base == _IN_PLACE)
            digest = hashlib.sha256(content).hexdigest()
            records.write(orjson.dumps({FILE_KEY: name, "sha256": digest}) + b"\n")
        if kind & _FLUSH:  # a runner killed later keeps the records of what finished
            records.flush()

    def _write(self, name: str, content: bytes, *, in_place: bool) -> None:
        """Unbuffered, by the descriptor: a file object would ask the file whether it is a
        terminal and where it stands (two system calls more per file)."""
        final = f"{self._folder}{os.sep}{name}"
        temporary = final if in_place else f"{final}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        if not in_place:
            os.replace(temporary, final)


def _error(why: str) -> bytes:
    return orjson.dumps({RECORD_ERROR: why}) + b"\n"


_OPEN: list[ResultWriter] = []


def drain_all() -> None:
    """Everything this process handed over written: for a runner ending without the
    interpreter's exit handlers (``os._exit``), and at exit."""
    for writer in _OPEN:
        writer.drain()


atexit.register(drain_all)
