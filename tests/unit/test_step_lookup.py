"""How a step's text finds its phrase (``find_step``, ``matching_steps``): the literal-prefix
filter before parsing never loses a phrase that parsing alone would match, and both binders
register one definition per keyword that runs the phrase the library picks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.features import read_features
from harness.settings import DEFAULT_FEATURES
from steps.library import STEPS, find_step, matching_steps


def _parsed(text: str, keyword: str | None) -> list[str]:
    """Every phrase that parses ``text``, no filter: what the look-up must agree with."""
    return [
        s.phrase
        for s in STEPS
        if (keyword is None or s.keyword == keyword) and s.match(text) is not None
    ]


def _texts() -> list[tuple[str, str]]:
    found = {(step.keyword, step.example) for step in STEPS}
    for scenario in read_features(DEFAULT_FEATURES):
        found |= {(step.keyword, step.text) for step in scenario.steps}
    return sorted(found)


TEXTS = _texts()


def test_the_texts_cover_every_phrase() -> None:
    assert len(TEXTS) > len(STEPS)
    assert {p for keyword, text in TEXTS for p in _parsed(text, keyword)} == {
        s.phrase for s in STEPS
    }


@pytest.mark.parametrize("case", [str, str.upper, str.lower, str.swapcase])
def test_the_filter_loses_no_phrase(case: object) -> None:
    for keyword, text in TEXTS:
        changed = case(text)  # type: ignore[operator]
        for kind in (keyword, None):
            assert [s.phrase for s in matching_steps(changed, kind)] == _parsed(changed, kind)
        found = find_step(changed, keyword)
        expected = _parsed(changed, keyword)
        assert (found[0].phrase if found else None) == (expected[0] if expected else None)
        if found:
            assert found[1] == found[0].match(changed)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TEXTS),
    st.integers(min_value=0, max_value=80),
    st.text(alphabet="aZ {}0-9\"'", max_size=6),
)
def test_an_edited_text_matches_as_parsing_says(
    picked: tuple[str, str], at: int, inserted: str
) -> None:
    keyword, text = picked
    edited = text[:at] + inserted + text[at:]
    assert [s.phrase for s in matching_steps(edited, keyword)] == _parsed(edited, keyword)


def test_no_phrase_no_step() -> None:
    assert find_step("nothing the library says", "given") is None
    assert matching_steps("nothing the library says") == []


def test_what_the_pytest_bdd_binder_gives_each_step_is_left_out_of_results() -> None:
    """The binder's one argument besides the World is named as enrichment drops it."""
    from harness.running.enrich import FIXTURE_PARAMETERS
    from steps.binders.pytest_bdd import BOUND, LibraryParser

    assert {BOUND, "world"} <= FIXTURE_PARAMETERS
    parser = LibraryParser("given")
    assert not parser.is_matching("")
    assert parser.parse_arguments("nothing the library says") is None
    (step,) = [s for s in STEPS if s.keyword == "given"][:1]
    bound = parser.parse_arguments(step.example)
    assert bound is not None
    assert bound[BOUND].step == step


def test_a_remembered_look_up_hands_out_fresh_arguments_and_follows_the_step_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``find_step`` remembers what it found per text; the arguments are the caller's to
    change, and a step declared afterwards (tests do) is found."""
    from steps.library import registry

    text = "the time is 2026-03-01 10:00"
    first = find_step(text, "given")
    assert first is not None
    first[1]["when"] = "changed by a caller"
    again = find_step(text, "given")
    assert again is not None
    assert again[0] is first[0]
    assert "changed by a caller" not in again[1].values()
    assert find_step("a phrase nobody declared yet", "given") is None
    monkeypatch.setattr(registry, "STEPS", list(registry.STEPS))
    registry.given("a phrase nobody declared {what}", "a phrase nobody declared yet")(
        lambda world, what: None
    )
    found = find_step("a phrase nobody declared yet", "given")
    assert found is not None
    assert found[1] == {"what": "yet"}
