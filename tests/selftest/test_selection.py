"""Mutants are selected where a profile is: the runtime's environment and ``serve --mutant``."""

from __future__ import annotations

import pytest

from harness.adapters.comparing import ComparingAdapter
from harness.adapters.reference import ReferenceAdapter
from harness.cli.main import main
from harness.errors import ConfigurationError, UnknownName
from harness.reference.dsp import CONFORMING
from harness.runtime import make_adapter
from harness.settings import ENV_COMPARE_WITH, ENV_MUTANT, RunSettings


def test_the_environment_selects_a_mutant_of_the_in_process_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_MUTANT, "request-id-replay-accepted")
    settings = RunSettings.from_environment()
    adapter = make_adapter(settings)
    assert isinstance(adapter, ReferenceAdapter)
    assert adapter.dsp.faults.accept_replayed_request_id
    assert adapter.dsp.profile.name == "baseline"


def test_without_the_variable_the_reference_conforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MUTANT, "")
    adapter = make_adapter(RunSettings.from_environment())
    assert isinstance(adapter, ReferenceAdapter)
    assert adapter.dsp.faults == CONFORMING


def test_a_runner_never_inherits_a_stray_mutant() -> None:
    """``dsp-conformance run`` writes the variable for every runner, empty unless chosen."""
    environment = RunSettings(profile="baseline").environment()
    assert environment[ENV_MUTANT] == ""
    assert environment[ENV_COMPARE_WITH] == ""
    chosen = RunSettings(mutant="range-start-only", compare_with="reference").environment()
    assert chosen[ENV_MUTANT] == "range-start-only"
    assert chosen[ENV_COMPARE_WITH] == "reference"


def test_a_mutant_with_a_remote_target_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="serve --mutant"):
        make_adapter(RunSettings(target="http://127.0.0.1:9", mutant="range-start-only"))


def test_an_unknown_mutant_is_refused_by_name() -> None:
    with pytest.raises(UnknownName, match="known mutants: rdp-check-on-smets2-critical"):
        make_adapter(RunSettings(mutant="no-such-mutant"))


def test_compare_with_wraps_the_target_in_a_comparing_adapter() -> None:
    adapter = make_adapter(RunSettings(compare_with="reference"))
    assert isinstance(adapter, ComparingAdapter)
    with pytest.raises(ConfigurationError, match="only 'reference'"):
        make_adapter(RunSettings(compare_with="production"))


def test_serve_refuses_an_unknown_mutant_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--no-schema", "--mutant", "no-such-mutant"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("dsp-conformance: error: unknown mutant 'no-such-mutant'")
    assert error.count("\n") == 1
