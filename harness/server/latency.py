"""A latency model for the served DSP (``serve --sync-delay … --device-delay …``).

A real DSP answers a DUIS request synchronously after some hundreds of milliseconds, and a
device's answer (the outcome after an I99 acknowledgement) arrives asynchronously seconds
later. The model draws each synchronous answer's delay and each asynchronous delivery's
delay uniformly from a range; two seeded generators (one per kind) make the sequence of
delays reproducible: the k-th synchronous answer of a run gets the k-th synchronous draw, so
a serial run gets the same delays request by request, and a concurrent one the same delays
in the order its requests arrive. Test control is never delayed.

Every delay served can be written to a log (one JSON object per line: kind, seconds,
RequestID, when it started), from which a benchmark computes the waiting a run was made to do.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harness.errors import ConfigurationError

_RANGE = re.compile(
    r"^\s*(?P<low>\d+(?:\.\d+)?)\s*(?:-\s*(?P<high>\d+(?:\.\d+)?)\s*)?(?P<unit>ms|s)?\s*$"
)
_REQUEST_ID = re.compile(rb"<(?:[\w.-]+:)?RequestID>\s*([^<\s]+)\s*</")
SYNC = "sync"
DEVICE = "device"


@dataclass(frozen=True)
class DelayRange:
    """Seconds, drawn uniformly from ``[low, high]`` (a fixed delay when they are equal)."""

    low: float = 0.0
    high: float = 0.0

    @classmethod
    def parse(cls, text: str, option: str) -> DelayRange:
        """``200-500ms``, ``2-8s``, ``300ms``, ``1.5s``, ``0`` (a bare number is seconds)."""
        found = _RANGE.match(text)
        if found is None:
            raise ConfigurationError(
                f"{option} {text!r}: write a delay or a range with its unit, e.g. 300ms, "
                "200-500ms, 2-8s"
            )
        scale = 0.001 if found["unit"] == "ms" else 1.0
        low = float(found["low"]) * scale
        high = float(found["high"]) * scale if found["high"] is not None else low
        if high < low:
            raise ConfigurationError(f"{option} {text!r}: the range ends before it starts")
        if high > 3600:
            raise ConfigurationError(f"{option} {text!r}: more than an hour")
        return cls(low, high)

    @classmethod
    def fixed_ms(cls, milliseconds: float, option: str) -> DelayRange:
        if milliseconds < 0:
            raise ConfigurationError(f"{option} {milliseconds:g}: a delay cannot be negative")
        return cls(milliseconds / 1000, milliseconds / 1000)

    @property
    def zero(self) -> bool:
        return self.high <= 0

    def describe(self) -> str:
        def ms(seconds: float) -> str:
            return f"{seconds * 1000:g}"

        if self.low == self.high:
            return f"{ms(self.low)} ms"
        return f"{ms(self.low)}-{ms(self.high)} ms"


@dataclass(frozen=True)
class LatencyModel:
    sync: DelayRange = DelayRange()
    device: DelayRange = DelayRange()
    seed: int = 0

    @property
    def zero(self) -> bool:
        return self.sync.zero and self.device.zero

    def describe(self) -> str:
        return (
            f"synchronous answers {self.sync.describe()}, device answers "
            f"{self.device.describe()} later (seed {self.seed})"
        )


class Latency:
    """The model in use: draws delays in order and logs what it served (thread-safe)."""

    def __init__(self, model: LatencyModel, log: Path | None = None) -> None:
        self.model = model
        self._generators = {
            SYNC: random.Random(f"{model.seed}:{SYNC}"),
            DEVICE: random.Random(f"{model.seed}:{DEVICE}"),
        }
        self._lock = threading.Lock()
        self._log: IO[str] | None = None
        if log is not None:
            try:
                self._log = log.open("a", encoding="utf-8", buffering=1)
            except OSError as exc:
                raise ConfigurationError(f"--latency-log {log}: {exc.strerror or exc}") from None
        self.served = {SYNC: 0.0, DEVICE: 0.0}
        self.count = {SYNC: 0, DEVICE: 0}

    def sync_delay(self, response: bytes) -> float:
        """The delay of the next synchronous answer (``response``, for the log)."""
        if self.model.sync.zero:
            return 0.0
        return self._draw(SYNC, self.model.sync, lambda: request_id_in(response))

    def device_delay(self, request_id: str) -> float:
        """The delay of the next batch of asynchronous answers, after the synchronous one."""
        if self.model.device.zero:
            return 0.0
        return self._draw(DEVICE, self.model.device, lambda: request_id)

    def _draw(self, kind: str, span: DelayRange, name: Callable[[], str | None]) -> float:
        with self._lock:
            seconds = self._generators[kind].uniform(span.low, span.high)
            self.served[kind] += seconds
            self.count[kind] += 1
            if self._log is not None:
                entry = {
                    "kind": kind,
                    "seconds": round(seconds, 6),
                    "at": round(time.time(), 6),
                    "request_id": name(),
                }
                self._log.write(json.dumps(entry) + "\n")
        return seconds

    def close(self) -> None:
        with self._lock:
            if self._log is not None:
                self._log.close()
                self._log = None


def request_id_in(xml: bytes) -> str | None:
    """The RequestID a DUIS document names (first occurrence; nothing is verified)."""
    found = _REQUEST_ID.search(xml)
    return found.group(1).decode("ascii", "replace") if found else None


def read_log(path: Path) -> list[dict[str, object]]:
    """The entries of a latency log (for benchmarks and tests)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
