"""How one scenario ended, as the World records it: the verdict, why, and the outcome it
expected and observed. Written into the Allure result as structured data, never as text to
be parsed back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from typing import Any

from harness.errors import NotApplicable
from harness.results.verdict import Verdict

OUTCOME_ATTACHMENT = "dsp-conformance outcome"
"""The name of the JSON attachment the World writes at the end of a scenario when the
runner's Allure logger is not the harness's (no :data:`OUTCOME_SINK`)."""

OUTCOME_SINK = "take_outcome"
"""The method by which an Allure logger in the runner process takes the current test's
outcome in memory, to write it into the result it writes next."""

OUTCOME_KEY = "harnessOutcome"
"""The key enrichment stores the outcome under in the Allure result document."""


@dataclass(frozen=True)
class StatedOutcome:
    """An outcome of one Service Request: expected by a scenario or observed from the target."""

    status: str  # "rejected" | "completed" | "pending" | "unread" (in GBCS) | "held" (a state)
    text: str  # as a tester writes it: "rejected by the DSP with E4", "applied"
    code: str | None = None
    answered_by: str | None = None
    _: KW_ONLY  # what the appraisal and the evidence grades add, always named
    effect: str | None = None  # its appraisal effect, as the scenario declares it
    grade: str | None = None  # of an expected code: "fact" or "model" (response_codes.yaml)
    source: str | None = None  # where a code's meaning is published (a fact cites it)

    @property
    def lets_it_through(self) -> bool:
        """The request is applied or on its way (not refused by anyone)."""
        return self.status in ("completed", "pending")

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "text": self.text,
            "code": self.code,
            "answeredBy": self.answered_by,
            "effect": self.effect,
            "grade": self.grade,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: object) -> StatedOutcome | None:
        if not isinstance(data, Mapping):
            return None
        return cls(
            status=str(data.get("status", "")),
            text=str(data.get("text", "")),
            code=_optional(data.get("code")),
            answered_by=_optional(data.get("answeredBy")),
            effect=_optional(data.get("effect")),
            grade=_optional(data.get("grade")),
            source=_optional(data.get("source")),
        )


@dataclass(frozen=True)
class ScenarioOutcome:
    verdict: Verdict
    reason: str = ""  # why it failed, broke or does not apply; empty for a pass
    reason_group: str = ""  # the reason without run-specific detail, to count by
    expected: StatedOutcome | None = None
    observed: StatedOutcome | None = None
    by_profile: bool = False  # the expected outcome is the profile's row of an outcome table
    scenario_name: str = ""  # an outline's own name, whatever the runner calls the example
    feature_file: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_name,
            "featureFile": self.feature_file,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "reasonGroup": self.reason_group,
            "expected": self.expected.to_json() if self.expected else None,
            "observed": self.observed.to_json() if self.observed else None,
            "expectedByProfile": self.by_profile,
        }

    @classmethod
    def from_json(cls, data: object) -> ScenarioOutcome:
        """Raises ValueError when ``data`` is not an outcome the harness wrote."""
        if not isinstance(data, Mapping):
            raise ValueError("the outcome is not a JSON object")
        verdict = Verdict.parse(str(data.get("verdict")))
        return cls(
            verdict=verdict,
            reason=str(data.get("reason") or ""),
            reason_group=str(data.get("reasonGroup") or ""),
            expected=StatedOutcome.from_json(data.get("expected")),
            observed=StatedOutcome.from_json(data.get("observed")),
            by_profile=data.get("expectedByProfile") is True,
            scenario_name=str(data.get("scenario") or ""),
            feature_file=str(data.get("featureFile") or ""),
        )


DEVIATION_GROUP = "code differs from the model"


def conclude(
    error: BaseException | None,
    expected: StatedOutcome | None = None,
    observed: StatedOutcome | None = None,
    deviations: tuple[str, ...] = (),
) -> ScenarioOutcome:
    """The verdict of a scenario that ended with ``error`` (None: every step passed).

    A broken rule (an AssertionError, as NonConformance is) fails; an excluded scenario is not
    applicable; anything else (the target could not be reached, a harness error) leaves the
    harness unable to decide. A scenario whose every step passed but whose codes deviated
    from model-graded ones (``deviations``) is a deviation."""
    if error is None:
        if deviations:
            reason = "; ".join(deviations)
            return ScenarioOutcome(Verdict.DEVIATION, reason, DEVIATION_GROUP, expected, observed)
        return ScenarioOutcome(Verdict.PASS, expected=expected, observed=observed)
    reason = str(error).strip() or type(error).__name__
    if isinstance(error, NotApplicable):
        return ScenarioOutcome(Verdict.NOT_APPLICABLE, reason, error.group, expected, observed)
    if isinstance(error, AssertionError):
        return ScenarioOutcome(Verdict.FAIL, reason, "", expected, observed)
    return ScenarioOutcome(Verdict.INCONCLUSIVE, reason, "", expected, observed)


def _optional(value: object) -> str | None:
    return None if value is None else str(value)
