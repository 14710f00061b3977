"""Injectable clocks: scenarios set and move time; nothing reads the wall clock directly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        self._now = self._now + delta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ScopedClocks:
    """A clock per scope, for a DSP that serves many scenarios at once (a test build's
    ``scoped_clock`` capability, docs/test-control.md).

    A scope is a name the harness gives a scenario; Users and devices provisioned under it
    belong to it (``assign``). ``now`` and ``set`` act on the clock of the scope entered
    with ``within`` (a context variable, so concurrent callers never see each other's), or
    on the unscoped clock outside any scope. A scope's clock starts at the unscoped clock's
    time when first set; until then it reads the unscoped one. Without scopes this is one
    ManualClock.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self.base = ManualClock(start)
        self._clocks: dict[str, ManualClock] = {}
        self._owners: dict[object, str] = {}  # a User or device ID → its scope

    def now(self) -> datetime:
        return self._clock().now()

    def set(self, moment: datetime) -> None:
        scope = _SCOPE.get()
        if scope is None:
            self.base.set(moment)
        else:
            self._clocks.setdefault(scope, ManualClock(moment)).set(moment)

    def _clock(self) -> ManualClock:
        scope = _SCOPE.get()
        return self.base if scope is None else self._clocks.get(scope, self.base)

    @property
    def scopes(self) -> dict[str, datetime]:
        """Each scope whose clock was set, with its time."""
        return {name: clock.now() for name, clock in self._clocks.items()}

    def assign(self, owner: object, scope: str) -> None:
        """``owner`` (a User or device ID) belongs to ``scope`` from now on."""
        self._owners[owner] = scope

    def scope_of(self, *owners: object) -> str | None:
        """The scope of the first of ``owners`` that belongs to one (a request's target
        device, then its originator), or None: unscoped."""
        for owner in owners:
            scope = self._owners.get(owner)
            if scope is not None:
                return scope
        return None

    def owns(self, *owners: object) -> bool:
        """Is the first of ``owners`` that belongs to a scope in the one entered (or,
        outside every scope, does none belong to one)?"""
        return self.scope_of(*owners) == _SCOPE.get()

    @contextmanager
    def within(self, scope: str | None) -> Iterator[None]:
        """Act in ``scope`` (None: unscoped) until the block ends."""
        token = _SCOPE.set(scope)
        try:
            yield
        finally:
            _SCOPE.reset(token)


_SCOPE: ContextVar[str | None] = ContextVar("dsp_clock_scope", default=None)
