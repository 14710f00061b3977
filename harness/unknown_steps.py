"""The error a tester sees for a step the library does not know (or knows twice)."""

from __future__ import annotations

from harness.errors import HarnessError


class UnknownStep(HarnessError):
    def __init__(self, keyword: str, text: str, where: str, nearest: list[str]) -> None:
        self.keyword, self.text, self.where, self.nearest = keyword, text, where, nearest
        hint = "; ".join(nearest) if nearest else "none"
        super().__init__(
            f'unknown step "{keyword.capitalize()} {text}" at {where}; nearest known: {hint} '
            "(run `dsp-conformance steps` for the catalogue)"
        )


class AmbiguousStep(HarnessError):
    def __init__(self, keyword: str, text: str, where: str, phrases: list[str]) -> None:
        super().__init__(
            f'ambiguous step "{keyword.capitalize()} {text}" at {where}: it matches '
            + " and ".join(phrases)
        )
