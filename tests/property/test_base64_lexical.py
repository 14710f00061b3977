"""``xs:base64Binary``'s lexical space (XML Schema 1.0 Part 2, §3.2.16), as
:func:`harness.duis.xsd_types.base64_lexical` decides it: the quick pattern for values with no
space left after the whitespace collapse says exactly what the general grammar says."""

from __future__ import annotations

import base64

from hypothesis import example, given
from hypothesis import strategies as st

from harness.duis.xsd_types import BASE64_LEXICAL, base64_lexical

# Every character class the grammar tells apart (B04 ⊂ B16 ⊂ B64), padding, a stray one.
ALPHABET = "AQgwEIMcz09+/=-"


@given(st.text(alphabet=ALPHABET, max_size=14))
@example("QQ==")
@example("QR==")  # a final B04 position holding a B64 that is not B04
@example("QUI=")
@example("QUJ=")
@example("QUJD")
@example("QQ=")
@example("")
def test_a_value_without_spaces_is_judged_as_the_general_grammar_judges_it(value: str) -> None:
    assert base64_lexical(value) == (BASE64_LEXICAL.fullmatch(value) is not None)


@given(st.binary(max_size=64), st.integers(min_value=0, max_value=80))
def test_encoded_bytes_are_lexical_with_or_without_a_line_break(data: bytes, cut: int) -> None:
    encoded = base64.b64encode(data).decode()
    assert base64_lexical(encoded)
    assert base64_lexical(encoded[:cut] + "\r\n" + encoded[cut:])


def test_padding_inside_a_value_and_a_wrong_final_character_are_refused() -> None:
    assert not base64_lexical("QQ==QUJD")
    assert not base64_lexical("QR==")
    assert not base64_lexical("QUJ=")
    assert base64_lexical("QUI=")
    assert base64_lexical("Q Q = =")
