"""Where the DCC's own tools live, and what to do when they or their runtimes are missing.

The DCC's material (``../shared/``) is third-party: it is built and installed at test time into
the git-ignored ``.tools/`` folder of this repository, never copied into it. Without
``../shared`` the interop tests skip and say why; without ``java``/``node`` they skip too,
except under CI (``CI=true``), where ``make system-deps`` installs them and their absence is a
failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools"
DCC_TOOLS_ENV = "DSP_CONFORMANCE_DCC_TOOLS_DIR"


class PeerUnavailable(Exception):
    """A real peer cannot be used here; the message says why."""


def dcc_tools_dir() -> Path:
    """The DCC tools' source folder (``../shared/dcc-tools`` unless configured)."""
    configured = os.environ.get(DCC_TOOLS_ENV)
    if configured:
        return Path(configured).expanduser()
    return REPO.parent / "shared" / "dcc-tools"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need_programs(*names: str) -> None:
    """Skip (fail under CI) when a runtime the peer needs is not installed."""
    missing = [n for n in names if shutil.which(n) is None]
    if not missing:
        return
    message = (
        f"{', '.join(missing)} not found on PATH: the DCC tool needs a JDK and duis-parser "
        "needs Node.js with npm (Debian: openjdk-17-jdk-headless nodejs npm; "
        "`make system-deps` installs them)"
    )
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def digest(files: Iterable[Path], *extra: str) -> str:
    """A short hash of file names and contents, and extra strings, to key a build cache."""
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    for text in extra:
        h.update(text.encode())
    return h.hexdigest()[:16]


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """One builder at a time per cache folder, across processes (pytest-xdist workers)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(
    cache: Path, target: Path, ready: Callable[[Path], bool], make: Callable[[Path], None]
) -> Path:
    """``target``, made by ``make`` in a scratch folder beside it and renamed into place, under
    the cache's lock, unless ``ready(target)`` already holds: a build that fails or is
    interrupted leaves nothing half-made where the next run would find it."""
    with build_lock(cache):
        if ready(target):
            return target
        work = Path(tempfile.mkdtemp(prefix="build-", dir=cache))
        try:
            make(work)
            if target.exists():
                shutil.rmtree(target)
            work.rename(target)
        finally:
            if work.exists():
                shutil.rmtree(work)
    return target
