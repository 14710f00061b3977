"""The harness's behave entry point: behave's Context records the same setter frames."""

from __future__ import annotations

import traceback
import warnings
from types import SimpleNamespace

from harness.running.behave_main import _frames_unread, lazy_setter_frames


def _both(limit: int) -> tuple[list[tuple[str, int | None, str]], list[traceback.FrameSummary]]:
    standard, unread = traceback.extract_stack(limit=limit), _frames_unread(limit=limit)
    return [(f.filename, f.lineno, f.name) for f in standard], unread


def test_the_frames_are_the_standard_ones_with_their_lines_read_when_asked() -> None:
    for limit in (1, 2, 5):
        standard, unread = _both(limit)
        assert [(f.filename, f.lineno, f.name) for f in unread] == standard
    *_, last = _frames_unread(limit=2)
    assert "_frames_unread(limit=2)" in last.line  # read now, from the file
    assert len(_frames_unread(limit=10_000)) == len(traceback.extract_stack())


class _Runner:  # what behave's Context reads of its runner
    config = SimpleNamespace(verbose=True)


def test_behave_still_names_where_a_masked_attribute_was_set() -> None:
    lazy_setter_frames()
    from behave.runner import Context, ContextMaskWarning, ContextMode

    runner = _Runner()
    context = Context(runner)
    context._mode = ContextMode.USER
    context.thing = 1  # set by user code, here
    line = traceback.extract_stack(limit=1)[0].lineno - 1
    context._push(layer="scenario")
    context._mode = ContextMode.BEHAVE
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        context.thing = 2  # behave masks it
    messages = [str(w.message) for w in caught if issubclass(w.category, ContextMaskWarning)]
    assert messages == [
        "behave runner is masking context attribute 'thing' originally set in "
        f"context.thing = 1  # set by user code, here ({__file__}:{line})"
    ]
