"""The side files of an Allure results directory: environment.properties, executor.json and
categories.json (one category per verdict)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import harness
from harness.settings import REPO_ROOT


def git_sha() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"


def write_allure_side_files(
    results: Path, target: str, profiles: list[str], runners: list[str]
) -> None:
    """environment.properties, executor.json and categories.json for the Allure report."""
    results.mkdir(parents=True, exist_ok=True)
    environment = {
        "target": target,
        "profiles": ", ".join(profiles),
        "runners": ", ".join(runners),
        "harness.version": harness.__version__,
        "git.sha": git_sha(),
        "duis.schema": "5.4",
    }
    (results / "environment.properties").write_text(
        "".join(f"{k}={v}\n" for k, v in environment.items()), encoding="utf-8"
    )
    (results / "executor.json").write_text(
        json.dumps(
            {
                "name": "dsp-conformance",
                "type": "dsp-conformance",
                "buildName": f"dsp-conformance {harness.__version__} @ {environment['git.sha']}",
            }
        ),
        encoding="utf-8",
    )
    categories = [
        {"name": "Non-conformance: the target broke a rule", "matchedStatuses": ["failed"]},
        {
            "name": "Deviation: code differs from the model",
            "matchedStatuses": ["passed"],
            "messageRegex": "deviation: .*",
        },
        {"name": "Inconclusive: harness or infrastructure problem", "matchedStatuses": ["broken"]},
        {
            "name": "Not applicable: excluded by profile or target capabilities",
            "matchedStatuses": ["skipped"],
        },
    ]
    (results / "categories.json").write_text(json.dumps(categories, indent=2), encoding="utf-8")
