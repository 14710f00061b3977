"""The target binding (a PIXIT): a scenario's cast mapped onto a target the harness cannot
provision, and the preconditions that target already holds.

A DSP build under test, or DCC Boxed, has its own Users, devices, Registration Data and
notified certificates. The binding names them, in ``[binding]`` tables of the target
configuration file (``--config``; docs/binding.md)::

    [binding]
    now = "2026-05-15T12:00:00Z"     # the time the target can be tested at (its clock)

    [[binding.users]]
    user_id = "90-B3-D5-1F-30-02-00-00"
    role = "ED"
    xml_signing_certificate = "zaz1/xml-sign-90B3D51F30020000-ds.pem"
    xml_signing_key = "zaz1/xml-sign-90B3D51F30020000-ds.key"
    digital_signing_certificate = "zaz1/Z1-networkOperator-ds.pem"   # optional
    digital_signing_key = "zaz1/Z1-networkOperator-ds.key"           # optional
    key_agreement_certificate = "…"                                   # optional

    [[binding.devices]]
    device_id = "00-DB-12-34-56-78-90-A2"
    device_type = "ESME"
    generation = "SMETS2"
    mpxn = "1200000000002"
    status = "Commissioned"
    dcc_controlled = false

    [[binding.registrations]]
    mpxn = "1200000000002"
    user_id = "90-B3-D5-1F-30-02-00-00"
    role = "ED"                        # optional: the User's own role
    from = "2025-01-01"
    until = ""                         # open

    [[binding.certificates]]           # what a device holds (notified certificates)
    device_id = "00-DB-12-34-56-78-90-A2"
    remote_party_role = "NetworkOperator"
    owner = "90-B3-D5-1F-30-02-00-00"

A Given that would need provisioning is satisfied when the binding declares it holds, and
makes the scenario not applicable, naming the missing fact, when it does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    PlaceCertificates,
    Provision,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.config_file import config_section
from harness.domain.certificates import KeyUsage, OrgCertificate
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.parties import User, UserStatus
from harness.domain.registration import Registration
from harness.domain.roles import RemotePartyRole, UserRole
from harness.domain.timeline import Interval, parse_instant
from harness.errors import ConfigurationError, HarnessError, NotApplicable
from harness.pki import Credential


@dataclass(frozen=True)
class BoundUser:
    user_id: Eui64
    role: UserRole
    xml_signing: Credential
    credentials: dict[KeyUsage, Credential] = field(default_factory=dict)
    status: str = "active"


@dataclass(frozen=True)
class Held:
    device_id: Eui64
    remote_party_role: RemotePartyRole
    owner: Eui64


@dataclass(frozen=True)
class Binding:
    users: tuple[BoundUser, ...] = ()
    devices: tuple[Device, ...] = ()
    registrations: tuple[Registration, ...] = ()
    held: tuple[Held, ...] = ()
    now: datetime | None = None

    @property
    def empty(self) -> bool:
        return not (self.users or self.devices or self.registrations or self.held or self.now)


class Cast:
    """One scenario's parties and devices as bound to the target (one per World)."""

    def __init__(self, binding: Binding) -> None:
        self.binding = binding
        self.users: dict[str, BoundUser] = {}
        self.devices: dict[str, Device] = {}
        self.meter_points: dict[MeterPoint, MeterPoint] = {}  # as written → the target's

    def time(self, moment: datetime) -> None:
        now = self.binding.now
        if now != moment:
            held = f"is at {now:%Y-%m-%d %H:%M}" if now else "is not declared"
            raise NotApplicable(
                f"the target's clock {held} (binding) and cannot be moved; the scenario needs "
                f"{moment:%Y-%m-%d %H:%M}",
                group="the target's clock cannot be set to the scenario's time",
            )

    def user(self, name: str, role: UserRole, status: str) -> BoundUser:
        taken = {u.user_id for u in self.users.values()}
        for user in self.binding.users:
            if user.role is role and user.status == status and user.user_id not in taken:
                self.users[name] = user
                return user
        other = " other" if any(u.role is role for u in self.users.values()) else ""
        raise NotApplicable(
            f"the binding declares no{other} {status} User in role {role.value} for {name}",
            group=f"no bound User for a party in role {role.value}",
        )

    def device(self, name: str, wanted: Device) -> Device:
        taken = {d.device_id for d in self.devices.values()}
        for device in self.binding.devices:
            if device.device_id in taken:
                continue
            if (
                device.device_type,
                device.generation,
                device.status,
                device.dcc_controlled,
            ) == (wanted.device_type, wanted.generation, wanted.status, wanted.dcc_controlled):
                if wanted.meter_point is not None and device.meter_point is not None:
                    known = self.meter_points.get(wanted.meter_point)
                    if known is not None and known != device.meter_point:
                        continue
                    self.meter_points[wanted.meter_point] = device.meter_point
                self.devices[name] = device
                return device
        cell = " DCC-controlled" if wanted.dcc_controlled else ""
        what = f"{wanted.status.value} {wanted.generation.value} {wanted.device_type.value}{cell}"
        raise NotApplicable(
            f"the binding declares no {'other ' if self.devices else ''}{what} device for {name!r}",
            group=f"no bound {wanted.generation.value} {wanted.device_type.value}{cell} device",
        )

    def meter_point(self, written: MeterPoint) -> MeterPoint:
        return self.meter_points.get(written, written)

    def registration(self, registration: Registration, who: str) -> None:
        if registration not in self.binding.registrations:
            interval = registration.interval
            since = f"{interval.start:%Y-%m-%d %H:%M}" if interval.start else "ever"
            until = f"{interval.end:%Y-%m-%d %H:%M}" if interval.end else "open"
            raise NotApplicable(
                f"the binding declares no registration of {who} ({registration.party}) as "
                f"{registration.role.value} for {registration.meter_point} from {since} "
                f"until {until}",
                group="a registration the binding does not declare",
            )

    def holds(self, device_id: Eui64, role: RemotePartyRole, owner: Eui64, who: str) -> None:
        if Held(device_id, role, owner) not in self.binding.held:
            raise NotApplicable(
                f"the binding does not declare that {device_id} holds {who}'s ({owner}) "
                f"{role.value} certificates",
                group="certificates held that the binding does not declare",
            )


# -- loading ------------------------------------------------------------------------------
_USER_KEYS = {
    "user_id",
    "role",
    "status",
    "xml_signing_certificate",
    "xml_signing_key",
    "digital_signing_certificate",
    "digital_signing_key",
    "key_agreement_certificate",
    "key_agreement_key",
}
_DEVICE_KEYS = {"device_id", "device_type", "generation", "mpxn", "status", "dcc_controlled"}
_REGISTRATION_KEYS = {"mpxn", "user_id", "role", "from", "until"}
_HELD_KEYS = {"device_id", "remote_party_role", "owner"}
BINDING_KEYS = {"now", "users", "devices", "registrations", "certificates"}


def _rows(table: dict[str, Any], key: str, known: set[str]) -> list[dict[str, Any]]:
    rows = table.get(key, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ConfigurationError(f"binding {key} must be tables: [[binding.{key}]]")
    for row in rows:
        unknown = sorted(set(row) - known)
        if unknown:
            raise ConfigurationError(
                f"unknown setting {unknown[0]!r} in [[binding.{key}]]; "
                f"known: {', '.join(sorted(known))}"
            )
    return rows


def _read(base: Path, name: object, what: str) -> bytes:
    path = Path(str(name))
    full = path if path.is_absolute() else base / path
    try:
        return full.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"{what} {full}: {exc.strerror or exc}") from None


def _credential(row: dict[str, Any], prefix: str, base: Path, owner: Eui64) -> Credential | None:
    cert_name, key_name = row.get(f"{prefix}_certificate"), row.get(f"{prefix}_key")
    if cert_name is None:
        return None
    # the configuration's readers (and their TLS and XML-signing imports) only for a binding
    from harness.adapters.target_config import load_certificate, load_private_key

    where = f"binding user {owner} {prefix.replace('_', '-')}"
    certificate = load_certificate(_read(base, cert_name, where), where)
    org = OrgCertificate.from_x509(certificate)
    if org.owner != owner:
        raise ConfigurationError(f"{where}: the certificate belongs to {org.owner}")
    if key_name is None:
        if prefix == "xml_signing":
            raise ConfigurationError(f"{where}: xml_signing_key missing")
        return Credential(org, ec.generate_private_key(ec.SECP256R1()))  # certificate only
    key = load_private_key(_read(base, key_name, where), where)
    if key.public_key() != certificate.public_key():
        raise ConfigurationError(f"{where}: the key does not belong to the certificate")
    return Credential(org, key)


def _user(row: dict[str, Any], base: Path) -> BoundUser:
    try:
        user_id = Eui64.parse(str(row["user_id"]))
        role = UserRole.parse(str(row["role"]))
    except KeyError as exc:
        raise ConfigurationError(f"[[binding.users]]: missing {exc.args[0]!r}") from None
    xml = _credential(row, "xml_signing", base, user_id)
    if xml is None:
        raise ConfigurationError(f"binding user {user_id}: xml_signing_certificate missing")
    credentials: dict[KeyUsage, Credential] = {}
    for prefix, usage in (
        ("digital_signing", KeyUsage.DIGITAL_SIGNING),
        ("key_agreement", KeyUsage.KEY_AGREEMENT),
    ):
        credential = _credential(row, prefix, base, user_id)
        if credential is not None:
            credentials[usage] = credential
    return BoundUser(user_id, role, xml, credentials, str(row.get("status", "active")).lower())


def _device(row: dict[str, Any]) -> Device:
    try:
        return Device(
            device_id=Eui64.parse(str(row["device_id"])),
            device_type=DeviceType.parse(str(row["device_type"])),
            generation=Generation.parse(str(row["generation"])),
            status=DeviceStatus.parse(str(row.get("status", "Commissioned"))),
            meter_point=MeterPoint.parse(str(row["mpxn"])) if row.get("mpxn") else None,
            dcc_controlled=bool(row.get("dcc_controlled", False)),
        )
    except KeyError as exc:
        raise ConfigurationError(f"[[binding.devices]]: missing {exc.args[0]!r}") from None


def _instant(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return parse_instant(value.isoformat())
    return parse_instant(str(value))


def _registration(row: dict[str, Any], users: dict[Eui64, BoundUser]) -> Registration:
    try:
        party = Eui64.parse(str(row["user_id"]))
        point = MeterPoint.parse(str(row["mpxn"]))
    except KeyError as exc:
        raise ConfigurationError(f"[[binding.registrations]]: missing {exc.args[0]!r}") from None
    if "role" in row:
        role = UserRole.parse(str(row["role"]))
    elif party in users:
        role = users[party].role
    else:
        raise ConfigurationError(f"binding registration of {party}: give its role")
    return Registration(
        point, role, party, Interval(_instant(row.get("from")), _instant(row.get("until")))
    )


def _held(row: dict[str, Any]) -> Held:
    try:
        return Held(
            Eui64.parse(str(row["device_id"])),
            RemotePartyRole.parse(str(row["remote_party_role"])),
            Eui64.parse(str(row["owner"])),
        )
    except KeyError as exc:
        raise ConfigurationError(f"[[binding.certificates]]: missing {exc.args[0]!r}") from None


def parse_binding(table: object, base: Path) -> Binding:
    if not isinstance(table, dict):
        raise ConfigurationError("binding must be a table: [binding]")
    unknown = sorted(set(table) - BINDING_KEYS)
    if unknown:
        raise ConfigurationError(
            f"unknown setting {unknown[0]!r} in [binding]; known: {', '.join(sorted(BINDING_KEYS))}"
        )
    try:
        users = tuple(_user(r, base) for r in _rows(table, "users", _USER_KEYS))
        by_id = {u.user_id: u for u in users}
        return Binding(
            users=users,
            devices=tuple(_device(r) for r in _rows(table, "devices", _DEVICE_KEYS)),
            registrations=tuple(
                _registration(r, by_id) for r in _rows(table, "registrations", _REGISTRATION_KEYS)
            ),
            held=tuple(_held(r) for r in _rows(table, "certificates", _HELD_KEYS)),
            now=_instant(table.get("now")),
        )
    except ConfigurationError:
        raise
    except HarnessError as exc:
        raise ConfigurationError(f"[binding]: {exc}") from None


def load_binding(path: Path | None) -> Binding | None:
    """The ``[binding]`` of a target configuration file; None when it has none."""
    if path is None:
        return None
    section = config_section(path, "binding")
    if section is None:
        return None
    try:
        return parse_binding(section, path.resolve().parent)
    except ConfigurationError as exc:
        raise ConfigurationError(f"config {path}: {exc}") from None


def provisioning(binding: Binding) -> list[Provision]:
    """What a target must already hold for ``binding`` to be true, as provider states: how
    ``dsp-conformance serve --binding FILE`` sets itself up like a DSP build with its own
    Users, devices and Registration Data (test control can then be switched off)."""
    commands: list[Provision] = []
    for user in binding.users:
        status = UserStatus(user.status)
        commands.append(AddUser(User(user.user_id, user.role, str(user.user_id), status)))
        for credential in (user.xml_signing, *user.credentials.values()):
            commands.append(PublishCertificate(credential.certificate.der))
    commands += [AddDevice(device) for device in binding.devices]
    commands += [Register(registration) for registration in binding.registrations]
    by_id = {user.user_id: user for user in binding.users}
    for held in binding.held:
        owner = by_id.get(held.owner)
        if owner is None:
            raise ConfigurationError(f"binding certificates of {held.owner}: not a bound User")
        pair = [
            owner.credentials.get(u) for u in (KeyUsage.DIGITAL_SIGNING, KeyUsage.KEY_AGREEMENT)
        ]
        ders = [c.certificate.der if c is not None else None for c in pair]
        commands.append(
            PlaceCertificates(held.device_id, held.remote_party_role.value, ders[0], ders[1])
        )
    if binding.now is not None:
        commands.append(SetTime(binding.now))
    return commands
