"""benchmarks/before_after.py: the bare runners timed in the same rounds, and the overhead
benchmark's protocol (a results folder of its own per run, none deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.before_after import AGAIN, workloads

pytestmark = pytest.mark.slow  # generates 2,000 scenarios and 10,000 results (~20 s)


def test_bare_runners_and_own_folders(tmp_path: Path) -> None:
    chosen = workloads(tmp_path, bare=True, own_folders=True)
    bare = [name for name in chosen if name.startswith("bare ")]
    assert len(bare) == 2
    assert AGAIN not in chosen  # it needs the first run's folder, kept apart here
    tree = Path("/before")
    first, _ = chosen[bare[0]](tree, "before")
    again, _ = chosen[bare[0]](tree, "before")
    assert first != again  # a new results folder for every run
    assert any("bare-pytest-bdd" in part for part in first)
    assert (tmp_path / "bare-pytest-bdd" / "features").is_dir()


def test_by_default_a_run_empties_its_folder_and_runs_again_into_it(tmp_path: Path) -> None:
    chosen = workloads(tmp_path)
    assert AGAIN in chosen
    assert not any(name.startswith("bare ") for name in chosen)
    name = "run, 2,000 generated, pytest-bdd"
    (tmp_path / "r-after").mkdir()
    first, _ = chosen[name](Path("/after"), "after")
    assert not (tmp_path / "r-after").exists()  # emptied before the run
    assert first == chosen[name](Path("/after"), "after")[0]
