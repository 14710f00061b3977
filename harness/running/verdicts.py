"""What a run found: verdict counts, the CLI's exit code, JUnit XML, Allure side files."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import harness
from harness.settings import REPO_ROOT

# Harness verdicts and their Allure statuses.
VERDICTS = {
    "passed": "pass",
    "failed": "fail",
    "broken": "inconclusive",
    "skipped": "not applicable",
}

EXIT_OK = 0
EXIT_NONCONFORMANCE = 1
EXIT_BAD_INPUT = 2
EXIT_INCONCLUSIVE = 3


@dataclass(frozen=True)
class ScenarioVerdict:
    name: str
    profile: str
    runner: str
    status: str
    message: str
    duration_ms: int


@dataclass
class RunSummary:
    verdicts: list[ScenarioVerdict] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(VERDICTS.get(v.status, "inconclusive") for v in self.verdicts)

    def exit_code(self, inconclusive_fails: bool = False) -> int:
        counts = self.counts()
        if counts["fail"]:
            return EXIT_NONCONFORMANCE
        if counts["inconclusive"]:
            return EXIT_NONCONFORMANCE if inconclusive_fails else EXIT_INCONCLUSIVE
        return EXIT_OK


def _parameter(data: dict[str, Any], name: str) -> str:
    return next((str(p["value"]) for p in data.get("parameters", []) if p.get("name") == name), "")


def read_verdicts(files: set[Path]) -> list[ScenarioVerdict]:
    return verdicts_of(json.loads(path.read_text(encoding="utf-8")) for path in sorted(files))


def verdicts_of(documents: Iterable[dict[str, Any]]) -> list[ScenarioVerdict]:
    """The verdicts of Allure result documents (as read from ``*-result.json``)."""
    verdicts = []
    for data in documents:
        verdicts.append(
            ScenarioVerdict(
                name=str(data.get("name", data.get("uuid", ""))),
                profile=_parameter(data, "profile"),
                runner=_parameter(data, "runner"),
                status=str(data.get("status", "broken")),
                message=str((data.get("statusDetails") or {}).get("message", "")).strip(),
                duration_ms=int(data.get("stop", 0)) - int(data.get("start", 0)),
            )
        )
    return verdicts


def write_junit(summary: RunSummary, path: Path) -> None:
    suites = ET.Element("testsuites", name="dsp-conformance")
    by_suite: dict[str, list[ScenarioVerdict]] = {}
    for verdict in summary.verdicts:
        by_suite.setdefault(f"{verdict.runner}:{verdict.profile}", []).append(verdict)
    for suite_name, items in sorted(by_suite.items()):
        counts = Counter(v.status for v in items)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=suite_name,
            tests=str(len(items)),
            failures=str(counts["failed"]),
            errors=str(counts["broken"]),
            skipped=str(counts["skipped"]),
        )
        for verdict in items:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=suite_name,
                name=verdict.name,
                time=f"{max(verdict.duration_ms, 0) / 1000:.3f}",
            )
            tag = {"failed": "failure", "broken": "error", "skipped": "skipped"}.get(verdict.status)
            if tag:
                ET.SubElement(case, tag, message=verdict.message[:500]).text = verdict.message
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


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
        {"name": "Inconclusive: harness or infrastructure problem", "matchedStatuses": ["broken"]},
        {
            "name": "Not applicable: excluded by profile or target capabilities",
            "matchedStatuses": ["skipped"],
        },
    ]
    (results / "categories.json").write_text(json.dumps(categories, indent=2), encoding="utf-8")
