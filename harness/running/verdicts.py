"""What a run found: the verdict of every scenario run, the gate's floor, the CLI's exit code."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from harness.errors import ConfigurationError
from harness.results.record import ResultRecord
from harness.results.tally import Tally
from harness.results.verdict import Verdict

EXIT_OK = 0
EXIT_NONCONFORMANCE = 1
EXIT_BAD_INPUT = 2
EXIT_INCONCLUSIVE = 3
EXIT_TOO_FEW_EXECUTED = 4

_SHARE = re.compile(r"^(?P<percent>\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class Floor:
    """How many scenario runs must have executed (passed or failed) for a run to count:
    a number, or a share of the scenario runs (``--min-executed 80%``)."""

    count: int = 1
    share: float | None = None  # 0 < share <= 1

    @classmethod
    def parse(cls, text: str) -> Floor:
        value = text.strip()
        if (match := _SHARE.match(value)) is not None:
            share = float(match["percent"]) / 100
            if not 0 < share <= 1:
                raise ConfigurationError(
                    f"--min-executed {text}: a share is more than 0% and at most 100%"
                )
            return cls(0, share)
        if not value.isdigit():
            raise ConfigurationError(
                f"--min-executed {text!r}: write a number of scenario runs (e.g. 10) "
                "or a share of them (e.g. 80%)"
            )
        return cls(int(value))

    def required(self, total: int) -> int:
        if self.share is None:
            return self.count
        return max(1, math.ceil(self.share * total - 1e-9))

    def describe(self) -> str:
        return f"{self.share * 100:g}%" if self.share is not None else str(self.count)


@dataclass
class RunSummary:
    records: list[ResultRecord] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)  # file → SHA-256, as the runner wrote it

    @property
    def tally(self) -> Tally:
        return Tally.of(self.records)

    @property
    def executed(self) -> int:
        return self.tally.executed

    def counts_line(self) -> str:
        """``328 scenario runs — 309 pass, 0 fail, 0 inconclusive, 19 not applicable``."""
        tally = self.tally
        return f"{tally.total} scenario runs — " + ", ".join(
            f"{n} {v.value}" for v, n in tally.by_verdict
        )

    def shortfall(self, floor: Floor) -> str | None:
        """One line when fewer scenario runs executed than the floor asks; else None."""
        tally = self.tally
        required = floor.required(tally.total)
        if tally.executed >= required:
            return None
        why = (
            f"{tally.count(Verdict.NOT_APPLICABLE)} not applicable, "
            f"{tally.count(Verdict.INCONCLUSIVE)} inconclusive"
        )
        if tally.executed == 0:
            return f"no scenario executed: {tally.total} scenario run(s), {why}"
        asked = f" ({floor.describe()} of {tally.total})" if floor.share else ""
        return (
            f"only {tally.executed} scenario run(s) executed, fewer than the "
            f"--min-executed {required}{asked}: {why}"
        )

    def exit_code(
        self,
        floor: Floor | None = None,
        *,
        inconclusive_fails: bool = False,
        strict_codes: bool = False,
    ) -> int:
        """A deviation (the right outcome with another code than a model-graded one) passes
        the gate unless ``strict_codes``."""
        tally = self.tally
        if tally.count(Verdict.FAIL) or (strict_codes and tally.count(Verdict.DEVIATION)):
            return EXIT_NONCONFORMANCE
        if tally.count(Verdict.INCONCLUSIVE):
            return EXIT_NONCONFORMANCE if inconclusive_fails else EXIT_INCONCLUSIVE
        if self.shortfall(floor or Floor()) is not None:
            return EXIT_TOO_FEW_EXECUTED
        return EXIT_OK
