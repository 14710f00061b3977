"""Start behave with this project's steps wherever the feature files are:
``python -m harness.running.behave_main FEATURES [behave options]``.

behave looks for a ``steps`` folder beside or above the features; an absolute steps path
makes it use the project's step library for feature files kept anywhere. With
``$DSP_CONFORMANCE_SHARD`` set (``K/N``) only that shard's scenarios run: behave's own
select-by-name test is narrowed, so the others are excluded exactly as ``--name`` would.
"""

from __future__ import annotations

import sys
import traceback
import types
from collections.abc import Sequence
from typing import Any

from harness.running.shard import Shard, scenario_key, shard_from_environment
from harness.settings import REPO_ROOT


def behave_key(scenario: Any) -> str:
    """The shard key of a behave scenario (an outline's row: its template's name and row)."""
    row = getattr(scenario, "_row", None)
    if row is None:
        return scenario_key(scenario.feature.name, scenario.name)
    outline = getattr(scenario, "parent", None)
    name = outline.name if outline is not None else scenario.name
    return scenario_key(scenario.feature.name, name, zip(row.headings, row.cells, strict=True))


def select_shard(shard: Shard) -> None:
    from behave.model import Scenario

    by_name = Scenario.should_run_with_name_select

    def should_run_with_name_select(self: Any, config: Any) -> bool:
        return bool(by_name(self, config)) and shard.selects(behave_key(self))

    Scenario.should_run_with_name_select = should_run_with_name_select


def _frames_unread(f: types.FrameType | None = None, limit: int | None = None) -> Any:
    """``traceback.extract_stack`` without reading each frame's source line until asked.

    behave's ``Context.__setattr__`` records where every attribute was set (for its warning
    when user code masks one of behave's), and behave sets two at each step: the standard
    ``extract_stack`` looks the lines up at once, a ``stat`` of each file per frame, a sixth
    of a behave run's time. The frames here are the same, their lines read when the warning
    reads them."""
    if f is not None or limit is None or limit < 0:
        return traceback.extract_stack(f, limit)
    frame: types.FrameType | None = sys._getframe(1)
    frames: list[traceback.FrameSummary] = []
    while frame is not None and len(frames) < limit:
        code = frame.f_code
        frames.append(
            traceback.FrameSummary(
                code.co_filename, frame.f_lineno, code.co_name, lookup_line=False
            )
        )
        frame = frame.f_back
    frames.reverse()
    return traceback.StackSummary.from_list(frames)


class _RunnerTraceback(types.ModuleType):
    """What ``behave.runner`` sees as ``traceback``: the module, with :func:`_frames_unread`."""

    extract_stack = staticmethod(_frames_unread)

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)


def lazy_setter_frames() -> None:
    import behave.runner

    behave.runner.traceback = _RunnerTraceback("traceback")


def main(argv: Sequence[str] | None = None) -> int:
    from behave.__main__ import run_behave
    from behave.configuration import Configuration

    lazy_setter_frames()

    config = Configuration(list(argv) if argv is not None else sys.argv[1:])
    config.steps_dir = str(REPO_ROOT / "steps")
    shard = shard_from_environment()
    if shard is not None:
        select_shard(shard)
    code: int = run_behave(config)
    return code


if __name__ == "__main__":
    sys.exit(main())
