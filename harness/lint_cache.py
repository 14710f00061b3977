"""The lint's answer for a set of feature files, cached by content.

Reading and checking 2,000 scenarios takes about a second; a suite that has not changed since
the last run gets the same answer. An answer (the scenarios read and the problems found) is
kept under a key that hashes everything it depends on:

- every file under the features folder (the feature files, and the Registration Data files
  the steps name beside them), with the folder's own path (scenarios carry their paths);
- the requirements catalogue;
- the step library and the code that reads and checks scenarios: every ``*.py`` and
  ``*.yaml`` under ``harness/`` and ``steps/`` (the phrases, parameter types, profiles, tags,
  response codes), and the versions of Python and of the Gherkin and parse libraries.

A Registration Data file the lint found *above* the features folder is not under that
folder: the answer records every such place it looked (and what it found there), and is used
only while they are unchanged. The cache lives in ``.cache/lint/`` (git-ignored), or in
``$DSP_CONFORMANCE_LINT_CACHE``; ``off`` there turns it off. At most :data:`KEEP` answers are
kept, the least recently used dropped first. A cache that cannot be read or written is a miss,
never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from harness.features import ScenarioInfo
from harness.settings import REPO_ROOT

if TYPE_CHECKING:  # imported when the lint runs: a hit needs neither it nor the step library
    from harness.lint import Problem, StepMatch, StepMatcher

ENV_LINT_CACHE = "DSP_CONFORMANCE_LINT_CACHE"
DEFAULT_CACHE = REPO_ROOT / ".cache" / "lint"
FORMAT = b"lint-cache 1"
KEEP = 32
_LIBRARIES = ("gherkin-official", "parse", "parse-type")
_CODE = (REPO_ROOT / "harness", REPO_ROOT / "steps")


@dataclass(frozen=True)
class Linted:
    """The scenarios of a features folder and the lint's problems with them."""

    scenarios: list[ScenarioInfo]
    problems: list[Problem]


@dataclass(frozen=True)
class _Entry:
    scenarios: list[ScenarioInfo]
    problems: tuple[tuple[str, str], ...]  # (where, message) of each Problem
    # Places above the features folder where the lint looked for a Registration Data file,
    # each with the SHA-256 of the file found there (None: nothing there).
    outside: tuple[tuple[str, str | None], ...]


def cache_folder() -> Path | None:
    chosen = os.environ.get(ENV_LINT_CACHE, "")
    if chosen.strip().lower() == "off":
        return None
    return Path(chosen) if chosen else DEFAULT_CACHE


def _digest_files(digest: hashlib._Hash, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


@cache
def library_version() -> str:
    """A hash of the code the lint's answer depends on (see the module's docstring)."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    for folder in _CODE:
        files = [p for p in folder.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file()]
        digest.update(str(folder).encode() + b"\0")
        _digest_files(digest, folder, files)
    return digest.hexdigest()


def suite_key(features: Path, catalogue: Path) -> str:
    """The key of the lint's answer for ``features`` checked against ``catalogue``."""
    digest = hashlib.sha256(FORMAT)
    digest.update(library_version().encode())
    root = features.resolve()
    digest.update(str(root).encode() + b"\0")
    if root.is_dir():
        _digest_files(digest, root, (p for p in root.rglob("*") if p.is_file()))
    elif root.is_file():
        digest.update(root.read_bytes())
    digest.update(str(catalogue.resolve()).encode() + b"\0")
    digest.update(catalogue.read_bytes() if catalogue.is_file() else b"\0absent")
    return digest.hexdigest()


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


def _outside(
    scenarios: list[ScenarioInfo], named: set[str], root: Path
) -> tuple[tuple[str, str | None], ...]:
    """Where the lint looks for each named Registration Data file above ``root``."""
    places: dict[str, str | None] = {}
    folders = {scenario.path.resolve().parent for scenario in scenarios}
    for folder in folders:
        for parent in (folder, *folder.parents):
            if parent == root or root in parent.parents:
                continue  # under the features folder: its files are in the key
            for text in named:
                candidate = str(parent / text)
                if candidate not in places:
                    places[candidate] = _sha256(Path(candidate))
    return tuple(sorted(places.items()))


def _observing(matcher: StepMatcher, named: set[str]) -> StepMatcher:
    """The same matcher, noting every Registration Data file a step names."""
    from harness.lint import REGISTRATION_FILE, StepMatcher

    def matches(keyword: str, text: str) -> list[StepMatch]:
        found = matcher.matches(keyword, text)
        for match in found:
            named.update(
                value
                for name, value in match.arguments.items()
                if match.types.get(name) is REGISTRATION_FILE
            )
        return found

    return StepMatcher(matches, matcher.nearest)


def _load(path: Path) -> _Entry | None:
    try:
        content = path.read_bytes()
        if not content.startswith(FORMAT + b"\n"):
            return None
        entry = pickle.loads(content[len(FORMAT) + 1 :])  # our own files (see cache_folder)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        return None
    if not isinstance(entry, _Entry):
        return None
    if any(_sha256(Path(place)) != sha for place, sha in entry.outside):
        return None
    return entry


def _store(folder: Path, path: Path, entry: _Entry) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(FORMAT + b"\n" + pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
        kept = sorted(folder.glob("*.lint"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return  # a cache that cannot be written is only slower


def cached_lint(
    features: Path,
    catalogue: Path,
    matcher: Callable[[], StepMatcher],
    check: Callable[[StepMatcher], Linted],
) -> Linted:
    """``check(matcher())``'s answer for ``features`` and ``catalogue``, from the cache when
    nothing it depends on changed."""
    folder = cache_folder()
    if folder is None:
        return check(matcher())
    key = suite_key(features, catalogue)
    path = folder / f"{key}.lint"
    entry = _load(path)
    if entry is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used
        return Linted(entry.scenarios, _problems(entry.problems))
    named: set[str] = set()
    linted = check(_observing(matcher(), named))
    outside = _outside(linted.scenarios, named, features.resolve()) if named else ()
    problems = tuple((p.where, p.message) for p in linted.problems)
    _store(folder, path, _Entry(linted.scenarios, problems, outside))
    return linted


def _problems(found: tuple[tuple[str, str], ...]) -> list[Problem]:
    if not found:
        return []
    from harness.lint import Problem

    return [Problem(where, message) for where, message in found]
