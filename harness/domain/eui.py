"""EUI-64 identifiers (User IDs and Device IDs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.errors import InvalidValue

_HYPHENATED = re.compile(r"^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$")
_COMPACT = re.compile(r"^[0-9A-Fa-f]{16}$")


@dataclass(frozen=True, order=True)
class Eui64:
    """An 8-byte identifier, written ``90-B3-D5-1F-30-02-00-00``."""

    value: int

    def __post_init__(self) -> None:
        if not 0 <= self.value < 1 << 64:
            raise InvalidValue(f"EUI-64 out of range: {self.value}")

    @classmethod
    def parse(cls, text: str) -> Eui64:
        text = text.strip()
        if _HYPHENATED.match(text):
            return cls(int(text.replace("-", ""), 16))
        if _COMPACT.match(text):
            return cls(int(text, 16))
        raise InvalidValue(
            f"not an EUI-64: {text!r} (expected 8 hex bytes such as 90-B3-D5-1F-30-02-00-00)"
        )

    @property
    def compact(self) -> str:
        return f"{self.value:016X}"

    def to_bytes(self) -> bytes:
        return self.value.to_bytes(8, "big")

    def __str__(self) -> str:
        c = self.compact
        return "-".join(c[i : i + 2] for i in range(0, 16, 2))
