"""How many scenario runs executed, were not applicable (by reason) or inconclusive: what the
CLI, the JUnit file and the summary's header all report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from harness.results.record import ResultRecord
from harness.results.verdict import Verdict


@dataclass(frozen=True)
class Tally:
    total: int
    by_verdict: tuple[tuple[Verdict, int], ...]
    not_applicable_by_reason: tuple[tuple[str, int], ...]  # most frequent first

    @classmethod
    def of(cls, records: Iterable[ResultRecord]) -> Tally:
        found = list(records)
        verdicts = Counter(r.verdict for r in found)
        reasons = Counter(r.reason_group for r in found if r.verdict is Verdict.NOT_APPLICABLE)
        return cls(
            total=len(found),
            by_verdict=tuple((v, verdicts[v]) for v in Verdict),
            not_applicable_by_reason=tuple(
                sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
            ),
        )

    def count(self, verdict: Verdict) -> int:
        return dict(self.by_verdict)[verdict]

    @property
    def executed(self) -> int:
        return sum(n for v, n in self.by_verdict if v.executed)

    def describe(self) -> str:
        """``309 of 328 executed; 19 not applicable (the target cannot xml_envelope: 16; …);
        0 inconclusive``."""
        text = f"{self.executed} of {self.total} executed"
        text += f"; {self.count(Verdict.NOT_APPLICABLE)} not applicable"
        if self.not_applicable_by_reason:
            text += " (" + "; ".join(f"{r}: {n}" for r, n in self.not_applicable_by_reason) + ")"
        return text + f"; {self.count(Verdict.INCONCLUSIVE)} inconclusive"
