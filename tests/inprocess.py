"""Scenarios run in this process: the same feature files, step library and World as the
runners, on the embedded reference DSP, without a runner process or result files. For the
tests that check what a whole suite does (hundreds or thousands of scenarios) in seconds;
the runner paths themselves are covered end to end by the black-box tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness.adapters.reference import ReferenceAdapter
from harness.errors import NotApplicable
from harness.features import ScenarioInfo
from harness.reference.profiles import resolve
from harness.tags import read_tags
from harness.world import World
from steps.library import Table, call, matching_steps


@dataclass(frozen=True)
class Verdict:
    scenario: ScenarioInfo
    profile: str
    status: str  # passed | failed | broken | skipped, as the runners report them
    message: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.scenario.feature, self.scenario.name


def _table(rows: tuple[tuple[str, ...], ...] | None) -> Table | None:
    if rows is None:
        return None
    head, *body = rows
    return [dict(zip(head, row, strict=True)) for row in body]


WorldFactory = Callable[[str], World]


def reference_world(profile: str) -> World:
    resolved = resolve(profile)
    return World(ReferenceAdapter(resolved), resolved.name)


def run_scenario(
    scenario: ScenarioInfo, profile: str, new_world: WorldFactory = reference_world
) -> Verdict:
    world = new_world(profile)
    try:
        world.begin(read_tags(scenario.tags))
        for line in scenario.steps:
            found = matching_steps(line.text, line.keyword)
            if len(found) != 1:
                return Verdict(
                    scenario, profile, "broken", f"{len(found)} steps match {line.text!r}"
                )
            step = found[0]
            arguments = step.match(line.text)
            assert arguments is not None
            call(step, world, arguments, _table(line.table))
    except NotApplicable as exc:
        return Verdict(scenario, profile, "skipped", str(exc))
    except AssertionError as exc:  # NonConformance: the target broke a rule
        return Verdict(scenario, profile, "failed", str(exc))
    except Exception as exc:
        return Verdict(scenario, profile, "broken", f"{type(exc).__name__}: {exc}")
    finally:
        world.adapter.close()
    return Verdict(scenario, profile, "passed")


def run_all(
    scenarios: Iterable[ScenarioInfo],
    profiles: Iterable[str],
    new_world: WorldFactory = reference_world,
) -> list[Verdict]:
    chosen = list(scenarios)
    return [run_scenario(s, p, new_world) for p in profiles for s in chosen]
