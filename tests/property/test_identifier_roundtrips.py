"""Round trips and rejections for EUI-64, MPAN and RequestID, over random values."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan, mpan_check_digit
from harness.domain.requests import MAX_COUNTER, RequestId
from harness.errors import InvalidValue

euis = st.integers(0, (1 << 64) - 1).map(Eui64)
twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


@given(euis)
def test_eui64_prints_and_parses_back(eui: Eui64) -> None:
    text = str(eui)
    assert re.fullmatch(r"[0-9A-F]{2}(-[0-9A-F]{2}){7}", text)
    assert Eui64.parse(text) == eui
    assert Eui64.parse(text.lower()) == eui
    assert Eui64.parse(eui.compact) == eui
    assert Eui64(int.from_bytes(eui.to_bytes(), "big")) == eui


@given(st.text(max_size=30))
def test_eui64_parse_accepts_exactly_the_two_spellings(text: str) -> None:
    stripped = text.strip()
    hexdigits = "0123456789abcdefABCDEF"
    compact = len(stripped) == 16 and all(c in hexdigits for c in stripped)
    groups = stripped.split("-")
    hyphenated = len(groups) == 8 and all(
        len(g) == 2 and all(c in hexdigits for c in g) for g in groups
    )
    if compact or hyphenated:
        assert Eui64.parse(text).compact == stripped.replace("-", "").upper()
    else:
        with pytest.raises(InvalidValue):
            Eui64.parse(text)


@given(twelve_digits)
def test_mpan_round_trip(first_twelve: str) -> None:
    point = make_mpan(first_twelve)
    assert point.number[:12] == first_twelve
    assert MeterPoint.mpan(point.number) == point
    assert MeterPoint.parse(str(point)) == point


@given(twelve_digits, st.integers(1, 9))
def test_mpan_with_a_wrong_check_digit_is_rejected(first_twelve: str, shift: int) -> None:
    wrong = (mpan_check_digit(first_twelve) + shift) % 10
    with pytest.raises(InvalidValue, match="check digit"):
        MeterPoint.mpan(f"{first_twelve}{wrong}")


# The MPAN core weights (prime numbers 3 … 43, skipping 11).
WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)


@given(twelve_digits, st.integers(0, 11), st.sampled_from("123456789"))
def test_a_one_digit_error_is_caught_unless_mod_10_folds_it(
    first_twelve: str, position: int, delta: str
) -> None:
    """No weight is a multiple of 11, so changing one digit always changes the weighted sum
    mod 11; the final "mod 10" folds residues 0 and 10 together, and only that slips by."""
    changed = list(first_twelve)
    changed[position] = str((int(changed[position]) + int(delta)) % 10)
    mutated = "".join(changed)
    before = sum(int(d) * w for d, w in zip(first_twelve, WEIGHTS, strict=True)) % 11
    after = sum(int(d) * w for d, w in zip(mutated, WEIGHTS, strict=True)) % 11
    assert before != after
    written = mutated + make_mpan(first_twelve).number[12]
    if {before, after} == {0, 10}:
        assert MeterPoint.mpan(written).number == written
    else:
        with pytest.raises(InvalidValue, match="check digit"):
            MeterPoint.mpan(written)


@given(euis, euis, st.integers(0, MAX_COUNTER))
def test_request_id_round_trip(originator: Eui64, target: Eui64, counter: int) -> None:
    rid = RequestId(originator, target, counter)
    assert RequestId.parse(str(rid)) == rid
    swapped = RequestId.parse(rid.response_id())
    assert (swapped.originator, swapped.target, swapped.counter) == (target, originator, counter)
