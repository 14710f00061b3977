"""Splitting a run (pytest-xdist workers, --shard K/N over CI jobs) never changes what it finds:
the same scenarios, each exactly once, with the same verdicts as one serial run. The suite is
the hand-written features plus generated examples, some of them deliberately wrong, so pass,
fail and not-applicable verdicts all take part."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.running.merge import merge_results
from harness.settings import DEFAULT_FEATURES
from tests.blackbox.cli import run_cli
from tests.perf.suites import generated, verdicts

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

EVERYTHING = "@generated or not @generated"
PROFILES = ("--profile", "baseline", "--profile", "dp107-registered-path")
SHARDS = 3


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed") / "features"
    shutil.copytree(DEFAULT_FEATURES, root, ignore=shutil.ignore_patterns("generated", "tables"))
    outline = generated(root / "generated", 150) / "authorisation.feature"
    lines = outline.read_text(encoding="utf-8").splitlines()
    rows = [i for i, line in enumerate(lines) if line.strip().endswith("| applied |")]
    for i in rows[::5]:  # a wrong expectation: these examples fail on the reference
        lines[i] = lines[i].replace("| applied |", "| pending |")
    outline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _run(features: Path, results: Path, *extra: str) -> dict[tuple[str, str, str], str]:
    done = run_cli(
        "run",
        "--features",
        features,
        "--tags",
        EVERYTHING,
        *PROFILES,
        "--results",
        results,
        *extra,
        timeout=1200,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]  # some fail
    return verdicts(results)


@pytest.fixture(scope="module")
def serial(
    features: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str, str], str]:
    found = _run(features, tmp_path_factory.mktemp("serial") / "r")
    assert {"passed", "failed", "skipped"} <= set(found.values())
    return found


def test_two_workers_find_exactly_what_one_process_finds(
    features: Path, serial: dict[tuple[str, str, str], str], tmp_path: Path
) -> None:
    assert _run(features, tmp_path / "r", "-n", "2") == serial
    assert not list((tmp_path / "r").glob("*.tmp")), "no half-written result is left behind"


def test_the_shards_together_are_the_whole_run(
    features: Path, serial: dict[tuple[str, str, str], str], tmp_path: Path
) -> None:
    shards = []
    for k in range(1, SHARDS + 1):
        done = run_cli(
            "run",
            "--features",
            features,
            "--tags",
            EVERYTHING,
            *PROFILES,
            "--shard",
            f"{k}/{SHARDS}",
            "--results",
            tmp_path / f"shard-{k}",
            timeout=1200,
        )
        assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-2000:]
        shards.append(verdicts(tmp_path / f"shard-{k}"))
    assert all(shards), "every shard of this suite holds scenarios"
    union: dict[tuple[str, str, str], str] = {}
    for shard in shards:
        assert not union.keys() & shard.keys(), "a scenario ran in two shards"
        union |= shard
    assert union == serial

    merged = merge_results([tmp_path / f"shard-{k}" for k in range(1, SHARDS + 1)], tmp_path / "m")
    assert merged.results == len(serial)
    assert not merged.duplicates
    assert verdicts(tmp_path / "m") == serial

    done = run_cli(
        "report",
        *(a for k in range(1, SHARDS + 1) for a in ("--results", tmp_path / f"shard-{k}")),
        "--out",
        tmp_path / "html",
        "--no-allure",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"merged {len(serial)} results" in done.stdout
    assert (tmp_path / "html" / "summary.html").is_file()


def test_behave_picks_the_same_scenarios_for_a_shard(
    features: Path, serial: dict[tuple[str, str, str], str], tmp_path: Path
) -> None:
    runs = {}
    for runner in ("pytest-bdd", "behave"):
        done = run_cli(
            "run",
            "--features",
            features,
            "--tags",
            EVERYTHING,
            "--profile",
            "baseline",
            "--runner",
            runner,
            "--shard",
            f"2/{SHARDS}",
            "--results",
            tmp_path / runner,
            timeout=1200,
        )
        assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-2000:]
        runs[runner] = verdicts(tmp_path / runner)
    assert runs["pytest-bdd"] == runs["behave"]
    assert runs["behave"].items() <= serial.items()


def test_a_shard_with_nothing_in_it_is_not_an_error(tmp_path: Path) -> None:
    small = generated(tmp_path / "features", 2)
    empty = next(
        k
        for k in range(1, 50)
        if "holds no scenario"
        in run_cli(
            "run",
            "--features",
            small,
            "--tags",
            "@generated",
            "--shard",
            f"{k}/50",
            "--results",
            tmp_path / "r",
        ).stdout
    )
    done = run_cli(
        "run",
        "--features",
        small,
        "--tags",
        "@generated",
        "--shard",
        f"{empty}/50",
        "--results",
        tmp_path / "r",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_shard_spread_over_workers_is_the_same_shard(
    features: Path, serial: dict[tuple[str, str, str], str], tmp_path: Path
) -> None:
    found = {}
    for workers in ("0", "2"):
        done = run_cli(
            "run",
            "--features",
            features,
            "--tags",
            EVERYTHING,
            "--profile",
            "baseline",
            "--shard",
            f"1/{SHARDS}",
            "-n",
            workers,
            "--results",
            tmp_path / workers,
            timeout=1200,
        )
        assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-2000:]
        found[workers] = verdicts(tmp_path / workers)
    assert found["0"] == found["2"]
    assert found["2"].items() <= serial.items()
