"""RequestID counters that strictly increase per originator, across runs and processes.

The DCC's own tools set the originator counter to the current time in milliseconds, because
DCC Boxed expects counters that strictly increase per originator. The harness does at least
as much: the next counter for an originator is ``max(last + 1, now in ms)``, where ``last``
is the largest counter it has handed out for that originator, in any process, kept in one
small file per originator under an exclusive lock. So the harness and the DCC's tools can
take turns signing as the same User (e.g. a ZAZ1 User against DCC Boxed) without either
going backwards, and a clock that steps back never makes a counter repeat.

The files live in ``$DSP_CONFORMANCE_COUNTERS`` or ``$XDG_STATE_HOME/dsp-conformance/counters``
(default ``~/.local/state/...``); files of originators not used for a day whose counter the
clock has passed are pruned. Where no such folder can be written, the counters are kept
per process only (still strictly increasing in it, and time-based across processes); so are
they for a target no other process talks to (the in-process reference DSP, a new one per
scenario: :func:`process_counters`), where a file per originator would buy nothing.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from harness.domain.eui import Eui64
from harness.domain.requests import MAX_COUNTER

ENV_VAR = "DSP_CONFORMANCE_COUNTERS"
WIDTH = 20  # the digits of 2^64 - 1: a counter file is this long, the value space-padded


def default_folder() -> Path:
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "dsp-conformance" / "counters"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class OriginatorCounters:
    """Hands out strictly increasing counters per originator (thread- and process-safe)."""

    def __init__(self, folder: Path | None = None, *, persistent: bool = True) -> None:
        self._folder: Path | None = (folder or default_folder()) if persistent else None
        self._lock = threading.Lock()
        self._last: dict[Eui64, int] = {}
        self._pruned = False

    @property
    def persistent(self) -> bool:
        return self._folder is not None

    def next(self, originator: Eui64) -> int:
        with self._lock:
            if self._folder is not None:
                try:
                    return self._next_persisted(originator, self._folder)
                except OSError:
                    self._folder = None  # not writable here: per-process from now on
            counter = max(self._last.get(originator, -1) + 1, now_ms())
            self._last[originator] = counter
            return _checked(counter)

    def prune_once(self) -> None:
        """Prune the folder, once per process: a runner that forks copies of itself does it
        before forking, so that each copy does not walk the folder again."""
        with self._lock:
            if self._folder is not None:
                try:
                    self._prune(self._folder)
                except OSError:
                    self._folder = None

    def _prune(self, folder: Path) -> None:
        if not self._pruned:
            folder.mkdir(parents=True, exist_ok=True)
            prune(folder)
            self._pruned = True

    def _next_persisted(self, originator: Eui64, folder: Path) -> int:
        self._prune(folder)
        path = folder / f"{originator.value:016X}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            stored = os.read(fd, 64).decode("ascii", "replace").strip()
            last = max(int(stored) if stored.isdigit() else -1, self._last.get(originator, -1))
            counter = _checked(max(last + 1, now_ms()))
            # Written over the old value, padded to a fixed width: truncating the file first
            # frees its block, 1-3 ms on a file system that discards freed blocks.
            content = f"{counter:<{WIDTH}}".encode("ascii")
            os.pwrite(fd, content, 0)
            if os.fstat(fd).st_size > len(content):  # a longer value written otherwise
                os.ftruncate(fd, len(content))
            self._last[originator] = counter
            return counter
        finally:
            os.close(fd)  # releases the lock


def prune(folder: Path, *, older_than_s: float = 86_400) -> None:
    """Forget originators last used long ago whose counter the clock has passed: for them
    ``now in ms`` alone is already larger (scenario Users are new for every run)."""
    cutoff = time.time() - older_than_s
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff and int(path.read_text().strip() or 0) < now_ms():
                path.unlink()
        except (OSError, ValueError):
            continue


def _checked(counter: int) -> int:
    if counter > MAX_COUNTER:  # pragma: no cover - 2^64 ms is 584 million years away
        raise OverflowError("RequestID counter beyond 2^64-1")
    return counter


_shared: OriginatorCounters | None = None
_in_process: OriginatorCounters | None = None
_shared_lock = threading.Lock()


def shared_counters() -> OriginatorCounters:
    """The process-wide counters."""
    global _shared  # noqa: PLW0603 - a process-wide store
    with _shared_lock:
        if _shared is None:
            _shared = OriginatorCounters()
        return _shared


def process_counters() -> OriginatorCounters:
    """The process-wide counters kept in memory only: for a target that lives in this process
    and that no other process signs for (still time-based, strictly increasing)."""
    global _in_process  # noqa: PLW0603 - a process-wide store
    with _shared_lock:
        if _in_process is None:
            _in_process = OriginatorCounters(persistent=False)
        return _in_process
