"""Emptying the results folder before a run without waiting for the deletion.

Deleting 10,000 results costs 10–30 s on a file system that discards freed blocks (ext4
``-o discard``, common on cloud disks). The old folder is renamed aside instead (instant, and
atomic: the runner only ever sees a new, empty folder, so no worker races a cleaner) and
deleted by a background thread while the scenarios run; the process waits for it before it
exits. Folders left aside by a run that was killed are deleted the same way.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path


def _aside(results: Path) -> list[Path]:
    return sorted(results.parent.glob(f".{results.name}.old-*"))


def clear_results(results: Path, keep: bool = False) -> threading.Thread | None:
    """Make ``results`` an empty folder now (``keep``: just make sure it exists); return the
    thread deleting what was in it."""
    if keep:
        results.mkdir(parents=True, exist_ok=True)
        return None
    stale = _aside(results)
    if results.exists():
        target = results.with_name(f".{results.name}.old-{os.getpid()}-{len(stale)}")
        try:
            results.rename(target)
            stale.append(target)
        except OSError:  # another file system, a mount point: delete it here and now
            shutil.rmtree(results)
    results.mkdir(parents=True, exist_ok=True)
    if not stale:
        return None

    def delete() -> None:
        for folder in stale:
            shutil.rmtree(folder, ignore_errors=True)

    cleaner = threading.Thread(target=delete, name="results-cleaner", daemon=False)
    cleaner.start()
    return cleaner
