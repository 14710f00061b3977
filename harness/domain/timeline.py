"""Instants and half-open intervals [start, end) with open ends, in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from harness.errors import InvalidValue

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_instant(text: str) -> datetime:
    """``2026-06-01``, ``2026-06-01 10:00`` or ISO 8601; naive times are UTC."""
    raw = text.strip()
    candidate = raw + "T00:00:00" if _DATE_ONLY.match(raw) else raw.replace(" ", "T", 1)
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: e.g. 0001-01-01T00:00+01:00 in UTC
        raise InvalidValue(
            f"not a date or time: {text!r} (expected e.g. 2026-06-01 or 2026-06-01 10:00)"
        ) from None


def format_instant(moment: datetime) -> str:
    # isoformat, not strftime("%Y"): that writes the year 999 as "999", which reads back
    # as no date at all.
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Interval:
    """Half-open [start, end); ``None`` means open at that side."""

    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise InvalidValue(
                f"interval ends ({format_instant(self.end)}) before or when it starts "
                f"({format_instant(self.start)})"
            )

    def contains(self, moment: datetime) -> bool:
        after_start = self.start is None or self.start <= moment
        before_end = self.end is None or moment < self.end
        return after_start and before_end

    def __str__(self) -> str:
        start = format_instant(self.start) if self.start else "(open)"
        end = format_instant(self.end) if self.end else "(open)"
        return f"[{start}, {end})"


@dataclass(frozen=True)
class Period:
    """A requested closed range [start, end], e.g. a ``ReadLogPeriod``.

    ``back_to_front``: a range sent ending before it starts on purpose, to see a DSP refuse
    it; only such a period may be inverted, and it must be."""

    start: datetime
    end: datetime
    back_to_front: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        if self.end < self.start and not self.back_to_front:
            raise InvalidValue(
                f"period ends ({format_instant(self.end)}) before it starts "
                f"({format_instant(self.start)})"
            )
        if self.back_to_front and not self.end < self.start:
            raise InvalidValue(
                f"period {format_instant(self.start)} to {format_instant(self.end)} is not "
                "back to front"
            )


def covers_period(intervals: list[Interval], period: Period) -> bool:
    """True when every instant of the closed period lies in the union of the intervals.

    Walk from the period's start: repeatedly find an interval containing the current
    instant and jump to its end; the period is covered once an interval runs past its end.
    """
    cursor = period.start
    remaining = list(intervals)
    while True:
        holder = next((i for i in remaining if i.contains(cursor)), None)
        if holder is None:
            return False
        if holder.end is None or holder.end > period.end:
            return True
        cursor = holder.end
        remaining.remove(holder)
