"""Merge the Allure results of several jobs (shards, runners, targets) into one directory.

Result, container and attachment files are named by UUID, so they never clash: every one is
copied. Side files (``environment.properties``, ``executor.json``, ``categories.json``, …) are
the same in every shard of a run; the first directory's copy is kept. A scenario run found in
two directories (the same ``historyId``: same scenario, example, profile, target and runner)
means two jobs overlapped; it is reported, since Allure would show it as a retry.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigurationError
from harness.results.manifest import MANIFEST_FILE
from harness.results.record import RecordError, read_record_file


@dataclass
class Merged:
    into: Path
    results: int = 0
    files: int = 0
    duplicates: list[str] = field(default_factory=list)  # "name [profile]" seen twice


def _identity(path: Path) -> tuple[str, str]:
    try:
        record = read_record_file(path)
    except RecordError as exc:
        raise ConfigurationError(f"cannot read an Allure result: {exc}") from None
    return record.history_id or path.name, f"{record.full_name} [{record.profile}]"


def merge_results(sources: Sequence[Path], into: Path) -> Merged:
    merged = Merged(into)
    into.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    for source in sources:
        if not source.is_dir():
            raise ConfigurationError(f"results directory {source} does not exist")
        if source.resolve() == into.resolve():
            raise ConfigurationError(f"cannot merge {source} into itself")
        for path in sorted(source.iterdir()):
            if not path.is_file() or path.name == MANIFEST_FILE:
                continue  # a shard's evidence manifest does not describe the merged folder
            target = into / path.name
            if path.name.endswith("-result.json"):
                history, label = _identity(path)
                if history in seen:
                    merged.duplicates.append(label)
                seen[history] = label
                merged.results += 1
            elif target.exists():
                continue  # a side file: the first directory's copy stands
            shutil.copyfile(path, target)
            merged.files += 1
    return merged
