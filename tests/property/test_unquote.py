"""Parameter values read back as allure-python wrote them (``repr``), fast path or not."""

from __future__ import annotations

import ast

from hypothesis import example, given
from hypothesis import strategies as st

from harness.results.record import unquote


def _by_the_parser(raw: str) -> str:
    """What ``unquote`` answered before its fast path: Python's parser alone."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return raw
        if isinstance(value, str):
            return value
    return raw


@given(st.text())
@example("baseline")
@example("it's")
@example('say "hi"')
@example("a\\nb")
def test_a_repr_reads_back_as_its_text(text: str) -> None:
    assert unquote(repr(text)) == text


@given(st.text(alphabet=st.sampled_from("ab'\\\"\\\\\n\r \t0"), max_size=8))
@example("'a\nb'")
@example("'''x'''")
@example("'\\'")
@example("''")
def test_any_text_reads_as_the_parser_reads_it(raw: str) -> None:
    assert unquote(raw) == _by_the_parser(raw)
    assert unquote(f"'{raw}'") == _by_the_parser(f"'{raw}'")
    assert unquote(f'"{raw}"') == _by_the_parser(f'"{raw}"')
