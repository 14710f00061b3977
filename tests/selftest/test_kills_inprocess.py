"""The mutant catalogue against the hand-written scenarios, in this process: the conforming
reference passes (or is not applicable) everywhere, and every mutant is killed, under the
profiles it declares, by a scenario that passes on the reference and fails on the mutant.
``dsp-conformance selftest`` (``make selftest``, in ``make test-slow``) checks the same through
runner processes and writes the kill matrix; ``test_selftest_inprocess.py`` ties the two."""

from __future__ import annotations

from functools import cache

from harness.adapters.reference import ReferenceAdapter
from harness.features import read_features
from harness.mutants import MUTANTS, mutant, mutant_dsp
from harness.reference.profiles import resolve
from harness.settings import DEFAULT_FEATURES
from harness.world import World
from tests.inprocess import Verdict, WorldFactory, run_all


def mutant_world(name: str) -> WorldFactory:
    def new_world(profile: str) -> World:
        resolved = resolve(profile)
        return World(ReferenceAdapter(resolved, mutant_dsp(name, resolved)), resolved.name)

    return new_world


@cache
def _reference(profile: str) -> dict[tuple[str, str], str]:
    return {v.key: v.status for v in run_all(_scenarios(), [profile])}


@cache
def _scenarios() -> tuple:  # type: ignore[type-arg]
    return tuple(s for s in read_features(DEFAULT_FEATURES) if "generated" not in s.tags)


def kills_in_process(name: str) -> dict[str, set[str]]:
    """Profile → names of the scenarios that kill the mutant under it."""
    killed: dict[str, set[str]] = {}
    for profile in mutant(name).profiles:
        reference = _reference(profile)
        runs: list[Verdict] = run_all(_scenarios(), [profile], mutant_world(name))
        broken = [f"{v.scenario.name}: {v.message}" for v in runs if v.status == "broken"]
        assert not broken, broken[:3]
        killed[profile] = {
            v.scenario.name for v in runs if v.status == "failed" and reference[v.key] == "passed"
        }
    return killed


def test_the_reference_passes_under_every_profile_a_mutant_runs_under() -> None:
    for profile in sorted({p for m in MUTANTS for p in m.profiles}):
        statuses = set(_reference(profile).values())
        assert statuses <= {"passed", "skipped"}, (profile, statuses)
        assert "passed" in statuses


def test_every_mutant_is_killed() -> None:
    survivors = [m.name for m in MUTANTS if not any(kills_in_process(m.name).values())]
    assert not survivors, f"survived: {', '.join(survivors)}"


def test_a_mutant_equivalent_under_a_profile_survives_there() -> None:
    """Under baseline the registered-path relaxation does not exist: nothing can kill it."""
    runs = run_all(_scenarios(), ["baseline"], mutant_world("dp107-fix-applied-to-smets2"))
    reference = _reference("baseline")
    assert not [v for v in runs if v.status == "failed" and reference[v.key] == "passed"]
