"""XSD lexical forms of the simple values DUIS carries: dateTime, boolean, base64, integers.

Writers produce the canonical form the harness emits; readers accept what the XSD allows
(within what Python can hold) and raise :class:`DuisSchemaError` naming the path otherwise.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta, timezone

from harness.duis.errors import DuisSchemaError

_DATE_TIME = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?$"
)
_WHITESPACE = re.compile(r"\s+")


def write_datetime(moment: datetime) -> str:
    """UTC with a ``Z``; microseconds only when there are some. Naive times are UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def read_datetime(text: str, path: str) -> datetime:
    """An aware UTC datetime; a time without a zone is taken as UTC (DUIS times are UTC).

    Fractions finer than a microsecond are truncated.
    """
    match = _DATE_TIME.match(text.strip())
    if not match:
        raise DuisSchemaError(f"{path}: {text!r} is not an xs:dateTime the harness can read")
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=_zone(match["zone"]),
        )
    except ValueError as exc:
        raise DuisSchemaError(f"{path}: {text!r} is not a valid date and time ({exc})") from None
    return moment.astimezone(UTC)


def _zone(text: str | None) -> timezone:
    if text is None or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def write_bool(value: bool) -> str:
    return "true" if value else "false"


def read_bool(text: str, path: str) -> bool:
    value = text.strip()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise DuisSchemaError(f"{path}: {text!r} is not an xs:boolean")


def write_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def read_base64(text: str, path: str) -> bytes:
    try:
        return base64.b64decode(_WHITESPACE.sub("", text), validate=True)
    except (binascii.Error, ValueError):
        raise DuisSchemaError(f"{path}: not xs:base64Binary") from None


def read_int(text: str, path: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[+-]?\d{1,30}", value):
        raise DuisSchemaError(f"{path}: {text!r} is not an integer")
    return int(value)


# Characters XML 1.0 cannot carry (C0 controls but tab, LF and CR; surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def write_free_text(text: str, max_length: int) -> str:
    """Free text for an ``xs:string`` element of at most ``max_length`` characters: what
    XML cannot carry becomes U+FFFD, and what is too long is cut, ending in an ellipsis."""
    clean = _NOT_XML.sub("\ufffd", text)
    return clean if len(clean) <= max_length else clean[: max_length - 1] + "…"
