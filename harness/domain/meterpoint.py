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
        """An MPAN when it has 13 digits, an MPRN otherwise."""
        digits = text.replace(" ", "")
        return cls.mpan(digits) if len(digits) == 13 else cls.mprn(digits)

    @property
    def kind(self) -> str:
        return "MPAN" if self.fuel is Fuel.ELECTRICITY else "MPRN"

    def __str__(self) -> str:
        return self.number


def make_mpan(first_twelve: str) -> MeterPoint:
    """An MPAN from its first 12 digits, with the check digit computed."""
    return MeterPoint.mpan(first_twelve + str(mpan_check_digit(first_twelve)))
