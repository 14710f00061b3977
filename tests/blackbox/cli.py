"""Run the real command line in a child process, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def results(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(directory.glob("*-result.json"))]


def parameter(result: dict[str, Any], name: str) -> str:
    return next(str(p["value"]) for p in result["parameters"] if p["name"] == name)


def scenario_key(result: dict[str, Any]) -> tuple[str, str, str]:
    """Runner-independent identity: full name, example values, profile."""
    example = ", ".join(
        f"{p['name']}={p['value']}"
        for p in result["parameters"]
        if p["name"] not in ("profile", "target", "runner")
    )
    return result["fullName"], example, parameter(result, "profile")
