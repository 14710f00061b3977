"""Shared helpers: generated suites in a temporary folder, and run results keyed for comparison."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from harness.generate import DEFAULT_TABLES, generate
from tests.blackbox.cli import results, scenario_key


def generated(directory: Path, examples: int | None = None) -> Path:
    generate(DEFAULT_TABLES, directory, examples)
    return directory


def verdicts(directory: Path) -> dict[tuple[str, str, str], str]:
    """(full name, example, profile) → Allure status; a key seen twice fails the test."""
    found = results(directory)
    keys = Counter(scenario_key(r) for r in found)
    twice = [k for k, n in keys.items() if n > 1]
    assert not twice, f"results written twice: {twice[:3]}"
    return {scenario_key(r): str(r["status"]) for r in found}


def tags_of(result: dict[str, Any]) -> set[str]:
    return {lb["value"] for lb in result["labels"] if lb["name"] == "tag"}
