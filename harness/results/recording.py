"""What one scenario is coming to, kept while it runs: the outcome it expected and the one it
observed, then, once, how it ended. The World owns one; the binders tell it when a step
passed or raised; recorders (the Allure attachment) receive the conclusion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from harness.results.outcome import ScenarioOutcome, StatedOutcome, conclude

Recorder = Callable[[ScenarioOutcome], None]


class Recording:
    def __init__(self) -> None:
        self.recorders: list[Recorder] = []
        self.scenario_name = ""
        self.feature_file = ""
        self.steps_done = 0
        self.expected: StatedOutcome | None = None
        self.by_profile = False
        self.observed: StatedOutcome | None = None
        self.deviations: list[str] = []  # model-graded codes the target answered otherwise
        self.outcome: ScenarioOutcome | None = None

    def identify(self, scenario_name: str, feature_file: str) -> None:
        """Which scenario this is (an outline's name, without the runner's decorations)."""
        self.scenario_name, self.feature_file = scenario_name, feature_file

    def expect(self, expected: StatedOutcome, *, by_profile: bool) -> None:
        self.expected, self.by_profile = expected, by_profile

    def observe(self, observed: StatedOutcome) -> None:
        self.observed = observed

    def deviate(self, what: str) -> None:
        """The outcome was right but the code differs from a model-graded one."""
        self.deviations.append(what)

    def conclude(self, error: BaseException | None) -> ScenarioOutcome:
        """Record how the scenario ended (``None``: every step passed). The first
        conclusion stands: a later error (a cleanup) does not rewrite the verdict."""
        if self.outcome is None:
            self.outcome = replace(
                conclude(error, self.expected, self.observed, tuple(self.deviations)),
                by_profile=self.by_profile,
                scenario_name=self.scenario_name,
                feature_file=self.feature_file,
            )
            for record in self.recorders:
                record(self.outcome)
        return self.outcome

    def step_passed(self, steps_in_scenario: int) -> None:
        """Count a passed step; after the scenario's last one, the scenario passed."""
        self.steps_done += 1
        if self.steps_done >= steps_in_scenario:
            self.conclude(None)
