"""The evidence manifest: what produced a run's results, and a fingerprint of every file.

Every run writes ``evidence-manifest.json`` into its results folder: the SHA-256 of each
feature file, the requirements catalogue, the profile table, the response-code table and the
target configuration (its *inputs*), of every result and attachment (its *files*), the
versions of the tools and the git commit. Rendering the reports writes ``report-manifest.json``
beside them: the SHA-256 of each report file and of the evidence manifest they were made from.
``dsp-conformance verify-evidence DIR`` checks either against the files as they are now.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from harness.errors import ConfigurationError

MANIFEST_FILE = "evidence-manifest.json"
REPORT_MANIFEST_FILE = "report-manifest.json"
FORMAT = "dsp-conformance evidence manifest 1"
REPORT_FORMAT = "dsp-conformance report manifest 1"
PACKAGES = ("allure-pytest-bdd", "allure-behave", "pytest-bdd", "behave", "gherkin-official")
_CHUNK = 1 << 20


class ManifestError(ConfigurationError):
    """A manifest that cannot be read or written; the message names the file."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    import harness

    found = {"python": platform.python_version(), "dsp-conformance": harness.__version__}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def _files(
    folder: Path, skip: Iterable[str], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Every file under ``folder`` (relative POSIX path → SHA-256), but those in ``skip``;
    a file in ``known`` has the SHA-256 given there (computed as it was written)."""
    skipped = set(skip)
    hashes = known or {}
    found = {}
    for name, path in _walk(os.fspath(folder), ""):
        if name not in skipped:
            found[name] = hashes.get(name) or sha256_of(Path(path))
    return found


def _walk(directory: str, prefix: str) -> Iterator[tuple[str, str]]:
    """(relative POSIX name, path) of every file under ``directory``, as ``rglob`` and
    ``is_file`` see them (a link to a file counts, a linked folder is not entered), from
    the directory listing's own types: a results folder holds thousands of files, and a
    ``stat`` each was most of the walk."""
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        name = prefix + entry.name
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry.path, name + "/")
        elif entry.is_file():
            yield name, entry.path


def write_manifest(
    results: Path,
    inputs: Mapping[str, Path],
    *,
    git: str,
    created: datetime | None = None,
    written: Mapping[str, str] | None = None,
) -> Path:
    """Fingerprint ``results`` and the ``inputs`` (a name → file) that produced them.
    ``written``: the SHA-256 of files the runner hashed as it wrote them (file name → hash),
    taken as they are rather than read back."""
    document = {
        "format": FORMAT,
        "created": (created or datetime.now(UTC)).isoformat(timespec="seconds"),
        "git": git,
        "versions": _versions(),
        "inputs": {
            name: {"path": str(path), "sha256": sha256_of(path)}
            for name, path in sorted(inputs.items())
        },
        "files": _files(results, (MANIFEST_FILE,), written),
    }
    path = results / MANIFEST_FILE
    _write(path, document)
    return path


def write_report_manifest(out: Path, results: Path) -> Path:
    """Fingerprint the reports in ``out`` and name the evidence manifest they came from."""
    evidence = results / MANIFEST_FILE
    document = {
        "format": REPORT_FORMAT,
        "results": str(results),
        "evidence_manifest": sha256_of(evidence) if evidence.is_file() else None,
        "files": _files(out, (REPORT_MANIFEST_FILE,)),
    }
    path = out / REPORT_MANIFEST_FILE
    _write(path, document)
    return path


def manifest_digest(results: Path) -> str | None:
    """The SHA-256 of a results folder's evidence manifest (None: the run wrote none)."""
    path = results / MANIFEST_FILE
    return sha256_of(path) if path.is_file() else None


def listed_files(results: Path) -> Mapping[str, str]:
    """The file → SHA-256 table of a results folder's evidence manifest ({} without one)."""
    path = results / MANIFEST_FILE
    if not path.is_file():
        return {}
    files = _load(path, FORMAT)["files"]
    return {str(k): str(v) for k, v in files.items()}


def _write(path: Path, document: Mapping[str, Any]) -> None:
    try:
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be written ({exc.strerror or exc})") from None


@dataclass(frozen=True)
class Finding:
    path: str
    problem: str  # "edited", "missing", "not in the manifest", "input changed", …

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _load(path: Path, expected: str) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != expected:
        raise ManifestError(f"{path}: not a {expected}")
    if not isinstance(document.get("files"), dict):
        raise ManifestError(f"{path}: has no 'files'")
    return document


def _compare(folder: Path, listed: Mapping[str, str], skip: str) -> list[Finding]:
    found: list[Finding] = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            found.append(Finding(str(path), "missing"))
        elif sha256_of(path) != digest:
            found.append(Finding(str(path), "edited (SHA-256 differs from the manifest)"))
    for name in sorted(set(_files(folder, (skip,))) - set(listed)):
        found.append(Finding(str(folder / name), "not in the manifest"))
    return found


def verify(folder: Path) -> tuple[str, list[Finding]]:
    """Check a results folder (evidence manifest) or a reports folder (report manifest)
    against its manifest: what it is, and every file that is edited, missing or unlisted."""
    evidence, report = folder / MANIFEST_FILE, folder / REPORT_MANIFEST_FILE
    if evidence.is_file():
        document = _load(evidence, FORMAT)
        found = _compare(folder, document["files"], MANIFEST_FILE)
        for name, entry in sorted((document.get("inputs") or {}).items()):
            path = Path(str(entry.get("path", "")))
            if not path.is_file():
                found.append(Finding(str(path), f"input {name} missing"))
            elif sha256_of(path) != entry.get("sha256"):
                found.append(Finding(str(path), f"input {name} changed since the run"))
        return f"results {folder} (manifest sha256 {sha256_of(evidence)})", found
    if report.is_file():
        document = _load(report, REPORT_FORMAT)
        found = _compare(folder, document["files"], REPORT_MANIFEST_FILE)
        results = Path(str(document.get("results", "")))
        if document.get("evidence_manifest") and manifest_digest(results) != document.get(
            "evidence_manifest"
        ):
            found.append(
                Finding(str(results / MANIFEST_FILE), "not the evidence manifest of these reports")
            )
        return f"reports {folder}", found
    raise ManifestError(f"{folder}: holds no {MANIFEST_FILE} or {REPORT_MANIFEST_FILE}")


def run_inputs(features: Path, catalogue: Path, config: Path | None) -> dict[str, Path]:
    """What a run reads besides the target: every feature file, the requirements catalogue,
    the profile table, the response-code table and the target configuration."""
    from harness.features import feature_files
    from harness.reference import profiles

    codes = Path(__file__).resolve().parent.parent / "catalogue" / "response_codes.yaml"
    inputs = {f"feature {path}": path for path in feature_files(features)}
    inputs |= {"catalogue": catalogue, "profiles": Path(profiles.__file__), "codes": codes}
    if config is not None:
        inputs["target config"] = config
    return inputs
