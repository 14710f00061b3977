"""Expected outcomes as testers write them, and how an observed attempt is judged."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.catalogue.tables import response_code
from harness.domain.requests import Outcome, Response
from harness.errors import Inconclusive, InvalidValue, NonConformance, UnknownName
from harness.results.outcome import StatedOutcome

ANSWERERS = ("DSP", "S1SP", "device")


@dataclass(frozen=True)
class Observed:
    """What one attempt came to, in the terms testers use."""

    status: str  # "rejected" | "completed" | "pending" | "unread" (outcome inside GBCS)
    code: str | None = None
    answered_by: str | None = None
    requirement: str | None = None
    detail: str = ""

    def describe(self) -> str:
        if self.status == "rejected":
            text = f"rejected by the {self.answered_by}"
            if self.answered_by == "DSP" or self.code not in (None, "I0"):
                text += f" with {self.code}"
            if self.requirement:
                text += f" [{self.requirement}]"
            return text + (f": {self.detail}" if self.detail else "")
        return {"completed": "applied", "pending": "pending", "unread": UNREAD}[self.status]

    def stated(self) -> StatedOutcome:
        return StatedOutcome(self.status, self.describe(), self.code, self.answered_by)


UNREAD = (
    "answered by the device in a GBCS payload, which the harness does not parse, so "
    "whether it was applied cannot be observed"
)


def observe(responses: Sequence[Response]) -> Observed:
    """Summarise the responses of one attempt (synchronous first, then asynchronous)."""
    for response in responses:
        if response.outcome is Outcome.REJECTED:
            return Observed(
                "rejected",
                response.code,
                response.answered_by,
                response.requirement,
                response.detail,
            )
    if any(r.outcome is Outcome.COMPLETED for r in responses):
        return Observed("completed")
    if any(r.outcome is Outcome.IN_GBCS for r in responses):
        return Observed("unread", answered_by="device")
    return Observed("pending")


@dataclass(frozen=True)
class Expectation:
    status: str
    code: str | None = None
    answered_by: str | None = None

    def judge(self, observed: Observed) -> str | None:
        """Raise NonConformance naming what was expected and what happened; Inconclusive
        when the outcome that would decide it travels only inside a GBCS payload.

        The right outcome (rejected, by the same party) with another code than an expected
        code graded ``model`` is not a non-conformance: the deviation is returned, to be
        shown apart (a DSP team may use another code for a check whose code is not public)."""
        if observed.status == "unread":
            if self.status == "rejected" and self.answered_by == "DSP":
                raise NonConformance(f"expected {self.describe()}, got {observed.describe()}")
            raise Inconclusive(f"expected {self.describe()}; the request was {observed.describe()}")
        ok = observed.status == self.status
        if ok and self.answered_by is not None:
            ok = observed.answered_by == self.answered_by
        if ok and self.code is not None and observed.code != self.code:
            if self.grade == "model":
                return (
                    f"expected {self.describe()} (a code graded model: its meaning is not "
                    f"public), got {observed.describe()}"
                )
            ok = False
        if not ok:
            raise NonConformance(f"expected {self.describe()}, got {observed.describe()}")
        return None

    @property
    def grade(self) -> str | None:
        """The evidence grade of the expected code (None when no code is asserted)."""
        return response_code(self.code).confidence if self.code else None

    @property
    def source(self) -> str | None:
        return response_code(self.code).source if self.code else None

    def describe(self) -> str:
        if self.status != "rejected":
            return {"completed": "applied", "pending": "pending"}[self.status]
        text = "rejected"
        if self.answered_by:
            text += f" by the {self.answered_by}"
        return text + (f" with {self.code}" if self.code else "")

    def stated(self) -> StatedOutcome:
        return StatedOutcome(
            self.status,
            self.describe(),
            self.code,
            self.answered_by,
            grade=self.grade,
            source=self.source,
        )


_REJECTED = re.compile(
    r"^rejected(?: by the (?P<by>DSP|S1SP|device))?(?: with (?P<code>(?:[EIW]|S1SP)\d+))?$",
    re.IGNORECASE,
)
_ALIASES = {
    "applied": "completed",
    "accepted": "completed",
    "completed": "completed",
    "pending": "pending",
    "scheduled": "pending",
    "acknowledged": "pending",
}
VOCABULARY = (
    "applied | pending | rejected by the DSP with <code> | rejected by the S1SP | "
    "rejected by the device | <code>"
)


def parse_expectation(text: str) -> Expectation:
    phrase = " ".join(text.strip().split())
    if phrase.lower() in _ALIASES:
        return Expectation(_ALIASES[phrase.lower()])
    if re.fullmatch(r"[EIW]\d+", phrase):
        phrase = f"rejected by the DSP with {phrase}"
    match = _REJECTED.match(phrase)
    if not match:
        raise InvalidValue(f"cannot read the outcome {text!r}; write one of: {VOCABULARY}")
    by = match["by"]
    if by:
        by = next(a for a in ANSWERERS if a.lower() == by.lower())
    code = match["code"]
    if code:
        response_code(code.upper())
        code = code.upper()
        by = by or "DSP"
    return Expectation("rejected", code, by)


ANY_OTHER = "any other profile"


def profile_row(keys: Sequence[str], profile: str) -> str | None:
    """The row of a per-profile table that speaks for ``profile``: its exact name; then a
    row for one of its switches (``+mp063-check`` stands for any profile with that switch);
    then its base profile; then a row ``any other profile``. None when no row does."""
    squashed = {" ".join(key.split()): key for key in keys}
    base, *switches = profile.split("+")
    for key in (profile, *(f"+{s}" for s in switches), base, ANY_OTHER):
        if key in squashed:
            return squashed[key]
    return None


def row_for_profile(rows: Sequence[tuple[str, str]], profile: str, what: str = "outcome") -> str:
    """The value of the row that speaks for the active profile (:func:`profile_row`)."""
    table = dict(rows)
    key = profile_row(list(table), profile)
    if key is not None:
        return table[key]
    names = ", ".join(" ".join(name.split()) for name in table)
    raise UnknownName(
        f"the {what} table has no row for profile {profile!r} (rows: {names}); "
        f"add one, or a row {ANY_OTHER!r}"
    )


def expectation_for_profile(rows: Sequence[tuple[str, str]], profile: str) -> Expectation:
    return parse_expectation(row_for_profile(rows, profile))
