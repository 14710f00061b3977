"""Evidence: each exchange with a target, rendered for a person, never with key material."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import math
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

from harness.domain.certificates import OrgCertificate
from harness.domain.requests import Response, ServiceRequest
from harness.errors import InvalidValue
from harness.results.outcome import OUTCOME_ATTACHMENT, ScenarioOutcome
from harness.results.recording import Recorder

Observer = Callable[[ServiceRequest, Response, bytes | None, bytes | None], None]


def _plain(value: Any) -> Any:
    """The exchange as plain JSON values: what :func:`render` writes (and the reference a
    test holds :func:`render` to)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return _bytes_text(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return str(value) if not isinstance(value, int | float | bool | type(None)) else value


@functools.lru_cache(maxsize=4096)
def _bytes_text(value: bytes) -> str:
    """A certificate by its name, anything else as the start of its base64; once per process
    for each value (every scenario sends the same parties' certificates and CA path)."""
    try:
        cert = OrgCertificate.from_der(value)
    except InvalidValue:
        return base64.b64encode(value).decode()[:80] + ("…" if len(value) > 60 else "")
    return f"certificate {cert.id} owner {cert.owner} role {cert.role_code} {cert.usage.value}"


def render(request: ServiceRequest, response: Response) -> str:
    """A readable account of one request and its synchronous response: exactly
    ``json.dumps({"request": _plain(request), "response": _plain(response)}, indent=2,
    ensure_ascii=False)``, written in one pass (the standard encoder runs in pure Python
    when indenting: the dearest part of the evidence)."""
    out: list[str] = ['{\n  "request": ']
    try:
        _emit(request, 1, out)
        out.append(',\n  "response": ')
        _emit(response, 1, out)
    except _Unusual:  # a value the one-pass writer does not know: the standard encoder
        return json.dumps(
            {"request": _plain(request), "response": _plain(response)},
            indent=2,
            ensure_ascii=False,
        )
    out.append("\n}")
    return "".join(out)


class _Unusual(Exception):
    """A value :func:`_emit` leaves to the standard encoder."""


_encode = json.encoder.encode_basestring  # as json.dumps with ensure_ascii=False
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _emit(value: Any, level: int, out: list[str]) -> None:
    """``value`` as :func:`_plain` then ``json.dumps(indent=2)`` would write it, at ``level``."""
    kind = type(value)
    if kind is str:
        out.append(_encode(value))
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _field_names(kind)
        if not names:
            out.append("{}")
            return
        inner = "\n" + "  " * (level + 1)
        separator = "{" + inner
        for name in names:
            out.append(separator + _encode(name) + ": ")
            _emit(getattr(value, name), level + 1, out)
            separator = "," + inner
        out.append("\n" + "  " * level + "}")
    elif isinstance(value, Enum):
        plain = value.value
        if type(plain) not in (str, int, bool, float, type(None)):
            raise _Unusual
        _emit_scalar(plain, out)
    elif isinstance(value, datetime):
        out.append(_encode(value.isoformat()))
    elif isinstance(value, bytes):
        out.append(_encode(_bytes_text(value)))
    elif isinstance(value, tuple | list):
        if not value:
            out.append("[]")
            return
        inner = "\n" + "  " * (level + 1)
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _emit(item, level + 1, out)
            separator = "," + inner
        out.append("\n" + "  " * level + "]")
    elif isinstance(value, int | float | bool):
        _emit_scalar(value, out)
    else:
        out.append(_encode(str(value)))


def _emit_scalar(value: str | int | float | bool | None, out: list[str]) -> None:
    if value is None or isinstance(value, bool):
        out.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, str):
        out.append(_encode(value))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    else:
        out.append(_float(value))


def allure_observer() -> Observer:
    """Attach every exchange to the running Allure test (a no-op without a reporter).

    The DUIS documents are attached indented, for reading: the bytes that travelled (and
    were signed) carry no indentation, so an attachment is not the signed form.
    """
    import allure

    from harness.duis.tree import readable

    def attach(
        request: ServiceRequest,
        response: Response,
        raw_request: bytes | None,
        raw_response: bytes | None,
    ) -> None:
        label = f"SRV {request.srv} CV{request.command_variant} → {response.code}"
        allure.attach(
            render(request, response), name=label, attachment_type=allure.attachment_type.JSON
        )
        if raw_request is not None:
            allure.attach(
                readable(raw_request),
                name=f"{label}: DUIS request",
                attachment_type=allure.attachment_type.XML,
            )
        if raw_response is not None:
            allure.attach(
                readable(raw_response),
                name=f"{label}: DUIS response",
                attachment_type=allure.attachment_type.XML,
            )

    return attach


def allure_recorder() -> Recorder:
    """Attach the scenario's outcome to the running Allure test, as JSON enrichment reads
    (``harness/results/writer.py``); a no-op without a reporter."""
    import allure

    def record(outcome: ScenarioOutcome) -> None:
        allure.attach(
            json.dumps(outcome.to_json(), ensure_ascii=False),
            name=OUTCOME_ATTACHMENT,
            attachment_type=allure.attachment_type.JSON,
        )

    return record
