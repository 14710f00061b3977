"""Evidence: each exchange with a target, rendered for a person, never with key material."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import orjson

from harness.domain.certificates import OrgCertificate
from harness.domain.requests import Response, ServiceRequest
from harness.errors import InvalidValue
from harness.results.outcome import OUTCOME_ATTACHMENT, OUTCOME_SINK, ScenarioOutcome
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
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
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
    """A readable account of one request and its synchronous response: the text of
    ``json.dumps({"request": _plain(request), "response": _plain(response)}, indent=2,
    ensure_ascii=False)``, written by orjson from the dataclasses themselves (the standard
    encoder runs in pure Python when indenting: it was the dearest part of the evidence).
    What orjson cannot write so (an integer past 64 bits, a mapping keyed by other than
    text) goes to the standard encoder; a float JSON cannot hold (NaN, an infinity) is
    written ``null``, where the standard encoder writes ``NaN``, which JSON readers refuse."""
    document = {"request": request, "response": response}
    try:
        return orjson.dumps(document, default=_default, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:  # an integer past 64 bits, a mapping with other keys than text
        plain = {"request": _plain(request), "response": _plain(response)}
        return json.dumps(plain, indent=2, ensure_ascii=False)


def _default(value: Any) -> str:
    """What orjson does not write itself, as :func:`_plain` writes it."""
    if isinstance(value, bytes):
        return _bytes_text(value)
    return str(value)


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
    """Hand the scenario's outcome to the runner's Allure logger.

    When the harness's own logger writes the results (``dsp-conformance run``), the outcome
    goes to it in memory and lands in the result document (``harnessOutcome``): no file.
    Under a plain Allure logger it is attached as JSON, which ``enrich`` folds in afterwards
    (``harness/results/writer.py``). A no-op without a reporter."""
    import allure
    from allure_commons import plugin_manager

    def record(outcome: ScenarioOutcome) -> None:
        for plugin in plugin_manager.get_plugins():
            take = getattr(plugin, OUTCOME_SINK, None)
            if take is not None:
                take(outcome)
                return
        allure.attach(
            json.dumps(outcome.to_json(), ensure_ascii=False),
            name=OUTCOME_ATTACHMENT,
            attachment_type=allure.attachment_type.JSON,
        )

    return record
