"""Start behave with this project's steps wherever the feature files are:
``python -m harness.running.behave_main FEATURES [behave options]``.

behave looks for a ``steps`` folder beside or above the features; an absolute steps path
makes it use the project's step library for feature files kept anywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from harness.runtime import REPO_ROOT


def main(argv: Sequence[str] | None = None) -> int:
    from behave.__main__ import run_behave
    from behave.configuration import Configuration

    config = Configuration(list(argv) if argv is not None else sys.argv[1:])
    config.steps_dir = str(REPO_ROOT / "steps")
    code: int = run_behave(config)
    return code


if __name__ == "__main__":
    sys.exit(main())
