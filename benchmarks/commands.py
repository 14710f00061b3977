"""The command lines the benchmarks time: the harness's, and the bare runners' beside them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import CLI, PYTHON, REPO
from harness.running.runners import UNUSED_PLUGINS


def harness_run(
    features: Path,
    results: Path,
    *,
    runner: str = "pytest-bdd",
    workers: int = 0,
    target: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """``dsp-conformance run`` on a generated suite: lint, runner, enrichment, verdicts."""
    command = [CLI, "run", "--features", str(features), "--tags", "@generated"]
    command += ["--profile", "baseline", "--runner", runner, "--results", str(results)]
    if workers:
        command += ["-n", str(workers)]
    if target:
        command += ["--target", target]
    return command + list(extra)


def harness_runner_without_allure(features: Path) -> tuple[list[str], dict[str, str]]:
    """The harness's pytest-bdd runner process alone, no Allure plugin, no lint, no enrichment
    (what ``dsp-conformance run`` starts, minus the results)."""
    command = [PYTHON, "-m", "pytest", str(REPO / "steps" / "pytest_suite")]
    command += ["-c", str(REPO / "steps" / "pytest_suite" / "pytest.ini"), "--rootdir", "/"]
    command += ["-p", "no:allure_pytest_bdd", "-p", "no:allure_pytest", "-p", "no:cacheprovider"]
    command += [*UNUSED_PLUGINS, "-q", "-rN"]
    env = {"DSP_CONFORMANCE_FEATURES": str(features), "DSP_CONFORMANCE_TAGS": "@generated"}
    return command, env


def harness_behave_without_allure(features: Path) -> tuple[list[str], dict[str, str]]:
    command = [PYTHON, "-m", "harness.running.behave_main", str(features)]
    command += ["--format", "progress", "--no-summary", "--tags", "@generated"]
    return command, {}


def bare_pytest_bdd(directory: Path, results: Path | None) -> list[str]:
    command = [PYTHON, "-m", "pytest", str(directory), "-c", str(directory / "pytest.ini")]
    command += [
        "--rootdir",
        str(directory),
        "-p",
        "no:allure_pytest",
        "-p",
        "no:cacheprovider",
        *UNUSED_PLUGINS,  # the virtualenv's, for the project's tests: neither side loads them
        "-q",
        "-rN",
    ]
    if results is None:
        return command + ["-p", "no:allure_pytest_bdd"]
    return command + ["-p", "allure_pytest_bdd", "--alluredir", str(results)]


def bare_behave(directory: Path, results: Path | None) -> list[str]:
    command = [PYTHON, "-m", "behave", str(directory / "features")]
    if results is not None:
        command += ["--format", "allure_behave.formatter:AllureFormatter"]
        command += ["--outfile", str(results)]
    return command + ["--format", "progress", "--no-summary"]


def example_of(parameters: list[dict[str, str]]) -> str:
    """An outline example's values as Allure records them, less the run's own parameters."""
    return ", ".join(
        f"{p['name']}={p['value']}"
        for p in parameters
        if p["name"] not in ("profile", "target", "runner")
    )


def statuses(results: Path) -> dict[tuple[str, str, str], str]:
    """Scenario (full name, example, profile) → Allure status, for comparing two runs."""
    found: dict[tuple[str, str, str], str] = {}
    for path in sorted(results.glob("*-result.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        parameters = data.get("parameters") or []
        example = example_of(parameters)
        profile = next((str(p["value"]) for p in parameters if p["name"] == "profile"), "")
        key = (str(data.get("fullName", "")), example, profile)
        if key in found:
            raise ValueError(f"{results}: {key} appears twice")
        found[key] = str(data.get("status"))
    return found


def execution_span(results: Path) -> float:
    """Seconds from the first scenario's start to the last one's stop (Allure timestamps)."""
    starts, stops = [], []
    for path in results.glob("*-result.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        starts.append(int(data["start"]))
        stops.append(int(data["stop"]))
    if not starts:
        return 0.0
    return (max(stops) - min(starts)) / 1000
