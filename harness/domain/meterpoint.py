"""Meter points: MPAN (electricity, 13-digit core with check digit) and MPRN (gas)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from harness.errors import InvalidValue

_MPAN_WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)


class Fuel(Enum):
    ELECTRICITY = "electricity"
    GAS = "gas"


def mpan_check_digit(first_twelve: str) -> int:
    """The MPAN core check digit: weighted sum of the first 12 digits, mod 11, mod 10."""
    total = sum(int(d) * w for d, w in zip(first_twelve, _MPAN_WEIGHTS, strict=True))
    return total % 11 % 10


@dataclass(frozen=True, order=True)
class MeterPoint:
    """An MPAN core (13 digits, valid check digit) or an MPRN (6 to 10 digits)."""

    fuel: Fuel
    number: str

    @classmethod
    def mpan(cls, text: str) -> MeterPoint:
        digits = text.replace(" ", "")
        if not re.fullmatch(r"[0-9]{13}", digits):
            raise InvalidValue(f"not an MPAN core: {text!r} (expected 13 digits)")
        expected = mpan_check_digit(digits[:12])
        if int(digits[12]) != expected:
            raise InvalidValue(f"MPAN {text!r} has check digit {digits[12]}, expected {expected}")
        return cls(Fuel.ELECTRICITY, digits)

    @classmethod
    def mprn(cls, text: str) -> MeterPoint:
        digits = text.replace(" ", "")
        if not re.fullmatch(r"[0-9]{6,10}", digits):
            raise InvalidValue(f"not an MPRN: {text!r} (expected 6 to 10 digits)")
        return cls(Fuel.GAS, digits)

    @classmethod
    def parse(cls, text: str) -> MeterPoint:
        """``MPAN 1200000000002`` or ``MPRN 1234567`` as a step writes it; bare digits are
        an MPAN when there are 13 of them, an MPRN otherwise."""
        if _WRITTEN.fullmatch(text.strip()):
            return cls.written(text)
        digits = text.replace(" ", "")
        return cls.mpan(digits) if len(digits) == 13 else cls.mprn(digits)

    @classmethod
    def written(cls, text: str) -> MeterPoint:
        """A meter point with its kind: ``MPAN 1200000000002``, ``MPRN 1234567``."""
        match = _WRITTEN.fullmatch(text.strip())
        if match is None:
            raise InvalidValue(
                f"not a meter point: {text!r} (write MPAN <digits> or MPRN <digits>)"
            )
        kind, number = match.group(1).upper(), match.group(2)
        if kind == "MPAN":
            return cls.mpan(number)
        if kind == "MPRN":
            return cls.mprn(number)
        raise InvalidValue(f"meter point kind {match.group(1)!r}: use MPAN or MPRN")

    @property
    def kind(self) -> str:
        return "MPAN" if self.fuel is Fuel.ELECTRICITY else "MPRN"

    def __str__(self) -> str:
        return self.number


_WRITTEN = re.compile(r"([A-Za-z]+)\s+([0-9][0-9 ]*)")


def make_mpan(first_twelve: str) -> MeterPoint:
    """An MPAN from its first 12 digits, with the check digit computed."""
    return MeterPoint.mpan(first_twelve + str(mpan_check_digit(first_twelve)))
