"""Registration Data: who is registered in which role for a meter point, from when to when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from harness import yaml_text
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval, Period, covers_period, parse_instant
from harness.errors import ConfigurationError, HarnessError


@dataclass(frozen=True)
class Registration:
    """One dated registration: ``party`` (a User ID) holds ``role`` at ``meter_point``."""

    meter_point: MeterPoint
    role: UserRole
    party: Eui64
    interval: Interval


@dataclass
class RegistrationData:
    """The RDPs' data as the DSP holds it. Time-indexed; lookups never mutate."""

    entries: list[Registration] = field(default_factory=list)

    def add(self, registration: Registration) -> None:
        self.entries.append(registration)

    def withdraw(self, meter_point: MeterPoint, role: UserRole, party: Eui64) -> None:
        """Forget every registration of ``party`` in ``role`` for ``meter_point`` (the RDP
        sends a corrected one in its place)."""
        self.entries = [
            r
            for r in self.entries
            if (r.meter_point, r.role, r.party) != (meter_point, role, party)
        ]

    def intervals_for(
        self, meter_point: MeterPoint, role: UserRole, party: Eui64
    ) -> list[Interval]:
        return [
            r.interval
            for r in self.entries
            if r.meter_point == meter_point and r.role == role and r.party == party
        ]

    def registered_at(
        self, meter_point: MeterPoint, role: UserRole, moment: datetime
    ) -> set[Eui64]:
        return {
            r.party
            for r in self.entries
            if r.meter_point == meter_point and r.role == role and r.interval.contains(moment)
        }

    def is_registered_at(
        self, meter_point: MeterPoint, role: UserRole, party: Eui64, moment: datetime
    ) -> bool:
        return any(i.contains(moment) for i in self.intervals_for(meter_point, role, party))

    def is_registered_from(
        self, meter_point: MeterPoint, role: UserRole, party: Eui64, moment: datetime
    ) -> bool:
        """Is ``party`` registered at ``moment`` or at any time after it (current or future)?"""
        return any(
            i.end is None or i.end > moment for i in self.intervals_for(meter_point, role, party)
        )

    def is_registered_throughout(
        self, meter_point: MeterPoint, role: UserRole, party: Eui64, period: Period
    ) -> bool:
        return covers_period(self.intervals_for(meter_point, role, party), period)


def load_registrations(path: Path, parties: dict[str, Eui64]) -> list[Registration]:
    """Read a YAML file of registrations. ``party`` is a name from ``parties`` or a User ID.

    ```yaml
    registrations:
      - meter_point: "1200000000012"
        role: ED
        party: NO-A
        from: 2026-01-01
        to: 2026-06-01      # optional: open-ended when absent
    ```
    """
    try:
        document: Any = yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read registrations: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"{path}: cannot read registrations: not UTF-8 text (byte {exc.start})"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConfigurationError(f"{path}: not valid YAML{where} ({problem})") from None
    rows = document.get("registrations") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ConfigurationError(f"{path}: expected a top-level 'registrations' list")
    result = []
    for index, row in enumerate(rows, start=1):
        where = f"{path}: registration {index}"
        if not isinstance(row, dict):
            raise ConfigurationError(f"{where}: expected a mapping")
        try:
            name = str(row["party"])
            party = parties[name] if name in parties else Eui64.parse(name)
            start = row.get("from")
            end = row.get("to")
            result.append(
                Registration(
                    meter_point=MeterPoint.parse(str(row["meter_point"])),
                    role=UserRole.parse(str(row["role"])),
                    party=party,
                    interval=Interval(
                        parse_instant(str(start)) if start is not None else None,
                        parse_instant(str(end)) if end is not None else None,
                    ),
                )
            )
        except KeyError as exc:
            raise ConfigurationError(f"{where}: missing field {exc.args[0]!r}") from None
        except HarnessError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
    return result
