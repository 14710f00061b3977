"""The test-control API's JSON form of provisioning commands (docs/test-control.md)."""

from __future__ import annotations

import base64
import re
from typing import Any

from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    CutOffDevice,
    InjectS1spFault,
    PlaceCertificates,
    Provision,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.parties import User, UserStatus
from harness.domain.registration import Registration
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval, format_instant, parse_instant
from harness.errors import HarnessError, InvalidValue

# A scope (docs/test-control.md, "Scoped clocks"): a short name the harness gives a scenario.
_SCOPE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode() if data is not None else None


def _unb64(text: object) -> bytes | None:
    if text is None:
        return None
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise InvalidValue("not base64") from None


def to_json(
    command: Provision, response_url: str | None = None, scope: str | None = None
) -> dict[str, Any]:
    """The JSON form of ``command``; with ``scope``, provisioned in that scope (for a
    target that keeps a clock per scope)."""
    body = _json(command, response_url)
    if scope is not None:
        body["scope"] = scope
    return body


def scope_in(body: object) -> str | None:
    """The scope a provisioning command names, if any (validated)."""
    if not isinstance(body, dict) or body.get("scope") is None:
        return None
    scope = body["scope"]
    if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
        raise InvalidValue(f"scope {str(scope)[:80]!r}: 1 to 64 letters, digits, '.', '_' or '-'")
    return scope


def _json(command: Provision, response_url: str | None) -> dict[str, Any]:
    match command:
        case AddUser(user=user):
            body: dict[str, Any] = {
                "kind": "user",
                "user_id": str(user.user_id),
                "role": user.role.value,
                "name": user.name,
                "status": user.status.value,
            }
            if response_url:
                body["response_url"] = response_url
            return body
        case PublishCertificate(der=der):
            return {"kind": "certificate", "der": _b64(der)}
        case AddDevice(device=device):
            return {
                "kind": "device",
                "device_id": str(device.device_id),
                "device_type": device.device_type.value,
                "generation": device.generation.value,
                "status": device.status.value,
                "meter_point": str(device.meter_point) if device.meter_point else None,
                "dcc_controlled": device.dcc_controlled,
            }
        case Register(registration=r, replacing=replacing):
            return {
                "kind": "registration",
                "meter_point": str(r.meter_point),
                "role": r.role.value,
                "party": str(r.party),
                "from": format_instant(r.interval.start) if r.interval.start else None,
                "until": format_instant(r.interval.end) if r.interval.end else None,
                "replacing": replacing,
            }
        case PlaceCertificates():
            return {
                "kind": "placement",
                "device_id": str(command.device_id),
                "remote_party_role": command.remote_party_role,
                "digital_signing": _b64(command.digital_signing),
                "key_agreement": _b64(command.key_agreement),
            }
        case SetTime(moment=moment):
            return {"kind": "clock", "now": format_instant(moment)}
        case InjectS1spFault(after_entries=after):
            return {"kind": "s1sp-fault", "after_entries": after}
        case CutOffDevice(device_id=device_id, start=start, end=end):
            return {
                "kind": "outage",
                "device_id": str(device_id),
                "from": format_instant(start),
                "until": format_instant(end) if end else None,
            }
    raise InvalidValue(f"cannot encode {command!r}")


def from_json(body: object) -> tuple[Provision, str | None]:
    """A provisioning command (and, for users, their response URL) from JSON."""
    if not isinstance(body, dict):
        raise InvalidValue("expected a JSON object")
    kind = body.get("kind")
    try:
        if kind == "user":
            user = User(
                Eui64.parse(str(body["user_id"])),
                UserRole.parse(str(body["role"])),
                str(body.get("name", body["user_id"])),
                UserStatus(str(body.get("status", "active"))),
            )
            url = body.get("response_url")
            return AddUser(user), str(url) if url else None
        if kind == "certificate":
            der = _unb64(body["der"])
            if der is None:
                raise InvalidValue("'der' is required")
            return PublishCertificate(der), None
        if kind == "device":
            point = body.get("meter_point")
            return AddDevice(
                Device(
                    Eui64.parse(str(body["device_id"])),
                    DeviceType.parse(str(body["device_type"])),
                    Generation.parse(str(body["generation"])),
                    DeviceStatus.parse(str(body.get("status", "Commissioned"))),
                    MeterPoint.parse(str(point)) if point else None,
                    bool(body.get("dcc_controlled", False)),
                )
            ), None
        if kind == "registration":
            start, end = body.get("from"), body.get("until")
            return Register(
                Registration(
                    MeterPoint.parse(str(body["meter_point"])),
                    UserRole.parse(str(body["role"])),
                    Eui64.parse(str(body["party"])),
                    Interval(
                        parse_instant(str(start)) if start else None,
                        parse_instant(str(end)) if end else None,
                    ),
                ),
                bool(body.get("replacing", False)),
            ), None
        if kind == "placement":
            return PlaceCertificates(
                Eui64.parse(str(body["device_id"])),
                str(body["remote_party_role"]),
                _unb64(body.get("digital_signing")),
                _unb64(body.get("key_agreement")),
            ), None
        if kind == "clock":
            return SetTime(parse_instant(str(body["now"]))), None
        if kind == "s1sp-fault":
            return InjectS1spFault(int(body.get("after_entries", 1))), None
        if kind == "outage":
            end = body.get("until")
            return CutOffDevice(
                Eui64.parse(str(body["device_id"])),
                parse_instant(str(body["from"])),
                parse_instant(str(end)) if end else None,
            ), None
    except KeyError as exc:
        raise InvalidValue(f"{kind}: missing field {exc.args[0]!r}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        if isinstance(exc, HarnessError):
            raise
        raise InvalidValue(f"{kind}: {exc}") from None
    raise InvalidValue(
        f"unknown kind {kind!r}; known: user, certificate, device, registration, placement, "
        "clock, s1sp-fault, outage"
    )
