"""Evidence: each exchange with a target, rendered for a person, never with key material."""

from __future__ import annotations

import base64
import dataclasses
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
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            cert = OrgCertificate.from_der(value)
        except InvalidValue:
            return base64.b64encode(value).decode()[:80] + ("…" if len(value) > 60 else "")
        return f"certificate {cert.id} owner {cert.owner} role {cert.role_code} {cert.usage.value}"
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return str(value) if not isinstance(value, int | float | bool | type(None)) else value


def render(request: ServiceRequest, response: Response) -> str:
    """A readable account of one request and its synchronous response."""
    import json

    return json.dumps(
        {"request": _plain(request), "response": _plain(response)}, indent=2, ensure_ascii=False
    )


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
    import json

    import allure

    def record(outcome: ScenarioOutcome) -> None:
        allure.attach(
            json.dumps(outcome.to_json(), ensure_ascii=False),
            name=OUTCOME_ATTACHMENT,
            attachment_type=allure.attachment_type.JSON,
        )

    return record
