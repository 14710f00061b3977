"""Reading one section of a target configuration file (TOML), with one clear error."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from harness.errors import ConfigurationError


def config_section(path: Path, name: str) -> Any | None:
    """The ``[name]`` section of the TOML file at ``path``; None when it has none. An
    unreadable or malformed file is a ConfigurationError naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"config {path}: {exc}") from None
    return data.get(name)
