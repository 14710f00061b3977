"""Splitting one run across N CI jobs by a stable key: ``dsp-conformance run --shard K/N``.

A scenario's key is its feature name, its scenario (or outline) name and, for an outline, its
example row; shard K of N runs the scenarios whose key hashes (SHA-256) to K-1 modulo N. The
key does not depend on file order, the runner, the profile, the machine or the Python hash
seed, so N jobs given 1/N … N/N run every scenario exactly once, and a scenario stays on the
same shard when others are added. Both runners read the shard from the environment.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from harness.errors import ConfigurationError

ENV_SHARD = "DSP_CONFORMANCE_SHARD"
_FORM = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # K, from 1
    count: int  # N

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _FORM.match(text)
        if match is None:
            raise ConfigurationError(f"--shard {text!r}: write K/N, e.g. 2/4")
        index, count = int(match[1]), int(match[2])
        if not 1 <= index <= count:
            raise ConfigurationError(f"--shard {text!r}: K must be between 1 and N")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def selects(self, key: str) -> bool:
        return bucket(key, self.count) == self.index - 1


def scenario_key(feature: str, scenario: str, example: Iterable[tuple[str, str]] = ()) -> str:
    """The stable identity of one runnable scenario (one example row of an outline)."""
    row = "\x1e".join(f"{name}={value}" for name, value in example)
    return "\x1f".join((feature.strip(), scenario.strip(), row))


def bucket(key: str, count: int) -> int:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def shard_from_environment() -> Shard | None:
    text = os.environ.get(ENV_SHARD)
    return Shard.parse(text) if text else None
