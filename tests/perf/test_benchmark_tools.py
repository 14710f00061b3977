"""The measurement tools work: ``serve --delay-ms`` delays DUIS answers (and only those), and
``benchmarks/run.py --self-check`` runs every part end to end and writes both files. No time
is asserted except the delay's lower bound, which a sleep guarantees."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.served import provision
from benchmarks.throughput import presign
from tests.blackbox.cli import REPO, run_cli
from tests.served.served import served

DELAY_MS = 300


def test_serve_answers_duis_requests_after_the_delay_and_nothing_else(tmp_path: Path) -> None:
    with served("baseline", "--delay-ms", str(DELAY_MS)) as url:
        began = time.perf_counter()
        assert httpx.get(f"{url}/health", timeout=10).status_code == 200
        health = time.perf_counter() - began
        cast = provision(url)
        ((path, body),) = presign(cast, 1, 1)
        began = time.perf_counter()
        answer = httpx.post(
            url + path, content=body, headers={"content-type": "application/xml"}, timeout=10
        )
        duis = time.perf_counter() - began
    assert answer.status_code == 200
    assert b">I99<" in answer.content
    assert duis >= DELAY_MS / 1000
    assert health < DELAY_MS / 1000 or health < duis  # test control is not delayed


def test_serve_refuses_a_negative_delay() -> None:
    done = run_cli("serve", "--port", "0", "--no-schema", "--delay-ms", "-5", timeout=60)
    assert done.returncode == 2
    assert "--delay-ms" in done.stderr


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_benchmark_runs_every_part(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--self-check", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    document = json.loads((tmp_path / "results.json").read_text())
    for key in (
        "overhead_ratio_pytest_bdd",
        "overhead_ratio_behave",
        "xdist_speedup",
        "served_rps_16",
        "served_p99_ms_16",
        "latency_efficiency",
        "render_10k_seconds",
        "scale_flatness",
    ):
        assert isinstance(document[key], float | int), key
        figure = document["figures"][key]
        assert figure["command"], key
        assert key in document["goals"]
    assert isinstance(document["latency_efficiency_one_clock"], float)
    assert "latency_efficiency_one_clock" not in document["goals"]  # a comparison, not a goal
    assert document["xdist_verdicts_identical"] == 1
    from benchmarks.suite_runs import ram_folder

    ram = ram_folder()
    if ram is not None:  # the Allure-on ratios again with the results in RAM, then removed
        ram.rmdir()
        for runner in ("pytest_bdd", "behave"):
            assert isinstance(document[f"overhead_ratio_{runner}_ram"], float)
            assert "$RAM/" in document["figures"][f"harness_{runner}_ram_seconds"]["command"]
        assert not list(ram.parent.glob("dsp-bench-ram-*"))
    assert document["environment"]["mode"] == "self-check"
    table = (tmp_path / "results.md").read_text()
    assert "overhead_ratio_pytest_bdd" in table
    assert "## Commands" in table


def test_a_checkout_is_compiled_as_an_install_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.common import compile_tree

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    (tmp_path / "harness" / "inner").mkdir(parents=True)
    (tmp_path / "harness" / "inner" / "module.py").write_text("VALUE = 1\n")
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "broken.py").write_text("def (\n")  # reported, not raised
    compile_tree(tmp_path)
    compiled = list((tmp_path / "harness" / "inner" / "__pycache__").glob("module.*.pyc"))
    assert len(compiled) == 1
