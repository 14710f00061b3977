"""YAML read by libyaml where PyYAML has it, with the pure-Python reader's errors.

The catalogues are read by every ``run`` and every runner process: PyYAML's Python parser took
~30 ms for the requirements catalogue alone, libyaml ~3 ms, for the same values. A document
libyaml refuses is read again by the Python parser, so that an error names the line, column and
problem exactly as it always did."""

from __future__ import annotations

from typing import Any

import yaml

_FAST: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, faster; raises what ``yaml.safe_load`` raises."""
    try:
        return yaml.load(text, Loader=_FAST)
    except yaml.YAMLError:
        return yaml.safe_load(text)  # the error, as the Python parser words it
