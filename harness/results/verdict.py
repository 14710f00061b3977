"""The harness's verdicts and the Allure statuses they are shown as."""

from __future__ import annotations

from enum import Enum


class Verdict(Enum):
    """The harness's verdicts (DESIGN.md), in the order reports list them."""

    PASS = "pass"
    # The target answered with the outcome required (rejected, by the same party) but with
    # another code than the one the harness's model expects, where that code is graded
    # ``model`` in response_codes.yaml: not a failure unless the run asks --strict-codes.
    DEVIATION = "deviation"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    NOT_APPLICABLE = "not applicable"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def description(self) -> str:
        """The verdict as reports name it (a deviation says what deviated)."""
        if self is Verdict.DEVIATION:
            return "deviation: code differs from the model"
        return str(self.value)

    @property
    def allure_status(self) -> str:
        return _ALLURE_STATUS[self]

    @property
    def executed(self) -> bool:
        """The scenario ran against the target and came to a decision."""
        return self in (Verdict.PASS, Verdict.DEVIATION, Verdict.FAIL)

    @classmethod
    def from_status(cls, status: str) -> Verdict:
        """Map an Allure status; an unknown status is something the harness could not decide.
        Only for results the harness did not write itself (no recorded outcome)."""
        return _VERDICT_OF_STATUS.get(status, cls.INCONCLUSIVE)

    @classmethod
    def parse(cls, value: str) -> Verdict:
        for verdict in cls:
            if verdict.value == value:
                return verdict
        raise ValueError(f"unknown verdict {value!r}")


_ALLURE_STATUS = {
    Verdict.PASS: "passed",
    Verdict.DEVIATION: "passed",  # shown apart by its own Allure category (its message)
    Verdict.FAIL: "failed",
    Verdict.INCONCLUSIVE: "broken",
    Verdict.NOT_APPLICABLE: "skipped",
}
_VERDICT_OF_STATUS = {
    status: verdict
    for verdict, status in _ALLURE_STATUS.items()
    if verdict is not Verdict.DEVIATION
}
ALLURE_STATUSES = frozenset({*_VERDICT_OF_STATUS, "unknown"})
