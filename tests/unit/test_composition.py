"""Settings apart from wiring: a target string is classified in one place, and every kind of
target is one row of the composition root's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import runtime, targets
from harness.errors import ConfigurationError
from harness.settings import RunSettings, TargetKind, target_kind


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("reference", TargetKind.REFERENCE),
        ("http://127.0.0.1:8080", TargetKind.HTTP),
        ("https://dsp.example", TargetKind.HTTP),
    ],
)
def test_a_target_string_names_one_kind(target: str, kind: TargetKind) -> None:
    assert target_kind(target) is kind
    assert RunSettings(target=target).kind is kind


@pytest.mark.parametrize("target", ["ftp://nowhere", "Reference", "", "http:/x"])
def test_anything_else_is_bad_input(target: str) -> None:
    with pytest.raises(ConfigurationError, match="unknown target"):
        target_kind(target)
    with pytest.raises(ConfigurationError, match="unknown target"):
        targets.check_target(target)


def test_every_kind_has_one_row() -> None:
    assert set(targets.TARGETS) == set(TargetKind)
    assert targets.TARGETS[TargetKind.REFERENCE].in_process
    assert not targets.TARGETS[TargetKind.HTTP].in_process


def test_a_bad_config_is_bad_input_whatever_the_target(tmp_path: Path) -> None:
    config = tmp_path / "target.toml"
    config.write_text("[target\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        targets.preflight("reference", config)
    assert targets.preflight("reference", None) is None


def test_the_in_process_reference_needs_no_salt() -> None:
    world = runtime.new_world(RunSettings())
    assert world.salt == 0
    assert world.adapter.name == "reference"
