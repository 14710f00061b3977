"""The types of step parameters and data tables: one declaration per type serves the runners
(the text a phrase field matches) and the lint (what makes a value valid).

A phrase writes ``{when:When}``; both runners match the field with ``When.pattern`` (parse's
``extra_types``, used by pytest-bdd's ``parsers.parse`` and behave's ``register_type``) and
the lint validates the text with ``When.check``, whatever the parameter is called. A step
that takes a data table declares its ``TableType``: the headings it needs, a check per
column and, where the rows only make sense together, a check of the whole table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from harness.adapters.base import envelope_fault
from harness.appraisal_roles import EFFECT_COLUMN, parse_effect
from harness.catalogue.tables import response_code, service_request
from harness.domain.choices import parse_choice
from harness.domain.devices import DeviceStatus, DeviceType, Generation
from harness.domain.meterpoint import MeterPoint
from harness.domain.parties import UserStatus
from harness.domain.requests import Endpoint
from harness.domain.roles import RemotePartyRole, UserRole
from harness.domain.timeline import parse_instant
from harness.errors import HarnessError, InvalidValue
from harness.expectations import ANSWERERS, ANY_OTHER, parse_expectation, row_for_profile
from harness.reference.profiles import SWITCHES, profile_names, resolve

ValueCheck = Callable[[str], object]  # raises HarnessError when the text is not a valid value

_INSTANT = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?Z?)?"
_NAME = r"[^\s,\"]+"
_WORDS = r"[A-Za-z][A-Za-z ]*?"


@dataclass(frozen=True)
class ParameterType:
    """A phrase field type: the text it matches and what makes that text a valid value."""

    name: str
    pattern: str
    check: ValueCheck | None = None

    def converter(self) -> Callable[[str], str]:
        """The parse field type: matches ``pattern``, keeps the text as it is (steps hand
        text to the World, which parses it into domain values)."""

        def convert(text: str) -> str:
            return text

        convert.pattern = self.pattern  # type: ignore[attr-defined]
        convert.__name__ = self.name
        return convert

    def problem(self, text: str) -> str | None:
        """Why ``text`` is not a valid value of this type, or None."""
        if self.check is None:
            return None
        try:
            self.check(text)
        except HarnessError as exc:
            return str(exc)
        return None


def split_span(text: str, separator: str) -> tuple[str, str]:
    """``2026-05-01 to 2026-05-31`` → (``2026-05-01``, ``2026-05-31``)."""
    start, _, end = text.partition(f" {separator} ")
    return start.strip(), end.strip()


def _span(separator: str) -> ValueCheck:
    def check(text: str) -> None:
        start, end = split_span(text, separator)
        if parse_instant(end) < parse_instant(start):
            hint = ""
            if separator == "to":
                hint = (
                    f"; to send it back to front on purpose, write 'with the read-log period "
                    f"from {start} to {end}, back to front on purpose'"
                )
            raise InvalidValue(f"{end} is before {start}{hint}")

    return check


def _back_to_front(text: str) -> None:
    """A period written back to front on purpose: it must end before it starts."""
    start, end = split_span(text, "to")
    if not parse_instant(end) < parse_instant(start):
        raise InvalidValue(
            f"the period {start} to {end} is not back to front; write 'for the period "
            f"{start} to {end}' (or swap the dates if it is meant to be inverted)"
        )


def _endpoint(text: str) -> None:
    squashed = text.strip().lower()
    if not any(squashed in (e.name.lower().replace("_", " "), e.value.lower()) for e in Endpoint):
        names = ", ".join(e.name.lower().replace("_", " ") for e in Endpoint)
        raise InvalidValue(f"unknown web service {text!r}; known: {names}")


def _user_status(text: str) -> None:
    parse_choice(UserStatus, text, "User status")


def _answerer(text: str) -> None:
    if text.strip().lower() not in (a.lower() for a in ANSWERERS):
        raise InvalidValue(f"unknown answerer {text!r}; known: {', '.join(ANSWERERS)}")


def _optional(check: ValueCheck) -> ValueCheck:
    def optional(text: str) -> object:
        return check(text) if text.strip() else None

    return optional


def _types(*types: ParameterType) -> dict[str, ParameterType]:
    return {t.name: t for t in types}


PARAMETER_TYPES: dict[str, ParameterType] = _types(
    ParameterType("Name", _NAME),
    ParameterType("NewUser", _NAME),  # a User the scenario declares
    ParameterType("Party", _NAME),  # a User the scenario declared before this step
    ParameterType("Registrant", _NAME),  # a declared User, registered by this step
    ParameterType("NewDevice", r"[^\"]+"),  # a device the scenario declares
    ParameterType("Device", r"[^\"]+"),  # a device the scenario declared before this step
    ParameterType("Clock", _INSTANT, parse_instant),
    ParameterType(
        "RegistrationEnd", _INSTANT, parse_instant
    ),  # a registration ends then  # the scenario's clock, never backwards
    ParameterType("Answerer", _NAME, _answerer),
    ParameterType("Words", _WORDS),
    ParameterType("Digits", r"\d+"),
    ParameterType("When", _INSTANT, parse_instant),
    ParameterType("Period", f"{_INSTANT} to {_INSTANT}", _span("to")),
    ParameterType("Interval", f"{_INSTANT} until {_INSTANT}", _span("until")),
    # a requested range sent ending before it starts, on purpose (to test the DSP's answer)
    ParameterType("BackToFrontPeriod", f"{_INSTANT} to {_INSTANT}", _back_to_front),
    ParameterType("Srv", r"\d+(?:\.\d+)+", service_request),
    ParameterType("Code", r"(?:[EIW]|S1SP)\d+", response_code),
    ParameterType("Role", _NAME, UserRole.parse),
    ParameterType("Generation", _NAME, Generation.parse),
    ParameterType("DeviceType", _NAME, DeviceType.parse),
    ParameterType("DeviceStatus", _NAME, DeviceStatus.parse),
    ParameterType("RemoteRole", _WORDS, RemotePartyRole.parse),
    ParameterType("Endpoint", _WORDS, _endpoint),
    ParameterType("MeterPoint", r"[A-Za-z]+ \d+", MeterPoint.written),
    ParameterType("Outcome", r"[^\"]+", parse_expectation),
    ParameterType("EnvelopeFault", r".+", envelope_fault),
    ParameterType("RegistrationFile", r"[^\"]+"),  # checked beside the feature (the lint)
)


# -- data tables -----------------------------------------------------------------------------
TableCheck = Callable[[Sequence[Mapping[str, str]]], list[str]]


@dataclass(frozen=True)
class TableType:
    """The data table a step takes: its headings, a check per column, a whole-table check."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    cells: Mapping[str, ValueCheck] = field(default_factory=dict)
    whole: TableCheck | None = None
    new_users: str | None = None  # the column naming Users the scenario declares
    parties: str | None = None  # the column naming Users the scenario declared before

    def problems(self, table: Sequence[Sequence[str]]) -> list[str]:
        if not table:
            return [f"the {self.name} table is empty"]
        heading, *body = table
        columns = [" ".join(h.split()) for h in heading]
        allowed = (*self.required, *self.optional)
        if any(c not in allowed for c in columns) or any(c not in columns for c in self.required):
            shown = " | ".join(self.required) + "".join(f" [| {o}]" for o in self.optional)
            return [f"the {self.name} table needs the columns | {shown} |"]
        rows = [dict(zip(columns, row, strict=False)) for row in body]
        found = []
        for row in rows:
            for column, check in self.cells.items():
                if column in row:
                    try:
                        check(row[column])
                    except HarnessError as exc:
                        found.append(str(exc))
        if not found and self.whole is not None:
            found = self.whole(rows)
        return found


def _profile_rows(column: str) -> TableCheck:
    def check(rows: Sequence[Mapping[str, str]]) -> list[str]:
        return _outcome_rows(rows, column)

    return check


def _outcome_rows(rows: Sequence[Mapping[str, str]], column: str = "outcome") -> list[str]:
    """Every profile named is known, and every profile has a row (its own, a switch's, its
    base profile's or ``any other profile``)."""
    valid = set(profile_names()) | {f"+{s}" for s in SWITCHES} | {ANY_OTHER}
    found = []
    for row in rows:
        squashed = " ".join(row["profile"].split())
        if squashed in valid:
            continue
        try:
            resolve(squashed)
        except HarnessError:
            known = ", ".join(sorted(valid))
            found.append(f"unknown profile {row['profile']!r} in the outcome table; known: {known}")
    if found:
        return found
    pairs = [(row["profile"], row[column]) for row in rows]
    what = "outcome" if column == "outcome" else f"{column} per profile"
    for profile in profile_names():
        try:
            row_for_profile(pairs, resolve(profile).name, what)
        except HarnessError as exc:
            return [str(exc)]
    return []


OUTCOME_TABLE = TableType(
    "outcome",
    required=("profile", "outcome"),
    optional=(EFFECT_COLUMN,),
    cells={"outcome": parse_expectation, EFFECT_COLUMN: parse_effect},
    whole=_outcome_rows,
)
NOBODY = "nobody"  # a holder column's word for cells that hold no certificate
DCC_HOLDER = "the DCC"  # a holder column's words for cells still DCC-controlled (reads only)
HOLDERS_TABLE = TableType(
    "holder",
    required=("profile", "holder"),
    whole=_profile_rows("holder"),
    parties="holder",
)
USERS_TABLE = TableType(
    "Users",
    required=("name", "role"),
    optional=("status",),
    cells={"role": UserRole.parse, "status": _optional(_user_status)},
    new_users="name",
)
REGISTRATIONS_TABLE = TableType(
    "Registration Data",
    required=("party", "from"),
    optional=("until",),
    cells={"from": _optional(parse_instant), "until": _optional(parse_instant)},
    parties="party",
)


_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")


def field_types(phrase: str) -> dict[str, ParameterType | None]:
    """Each named field of a phrase and its declared type (None: any text)."""
    return {
        name: PARAMETER_TYPES.get(kind) if kind else None for name, kind in _FIELD.findall(phrase)
    }
