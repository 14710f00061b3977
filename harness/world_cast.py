"""A scenario's cast and the state it starts from: the World's Given half.

Testers name parties ("NO-A") and devices ("meter-1"); the cast gives them User IDs,
Device IDs and real certificates and provisions the target with them (or, for a target
that cannot be provisioned, checks them against its binding). ``harness/world.py`` says
how the halves fit together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from harness.adapters.base import Adapter
from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    CutOffDevice,
    InjectS1spFault,
    PlaceCertificates,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.binding import Binding, Cast
from harness.capture import Capture
from harness.counters import OriginatorCounters, shared_counters
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan
from harness.domain.parties import User, UserStatus
from harness.domain.registration import Registration, load_registrations
from harness.domain.requests import (
    CertificatePair,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval, parse_instant
from harness.errors import InvalidValue, NotApplicable, UnknownName
from harness.evidence import Observer
from harness.ics import Ics
from harness.pki import Credential, TestPki, shared_pki
from harness.results.recording import Recording
from harness.tags import CAPABILITIES, ScenarioTags, profile_selects
from harness.world_values import Attempt, Party


class ScenarioCast:
    """The scenario's parties, devices, Registration Data and clock, and the target they are
    provisioned on."""

    def __init__(
        self,
        adapter: Adapter,
        profile: str,
        *,
        pki: TestPki | None = None,
        salt: int = 0,
        identities: Mapping[UserRole, Credential] | None = None,
        binding: Binding | None = None,
        ics: Ics | None = None,
        counters: OriginatorCounters | None = None,
    ) -> None:
        self.adapter = adapter
        # RequestID counters: on disk, shared with every process signing as the same Users
        # (harness/counters.py), unless the target lives in this process alone
        self.counters = counters or shared_counters()
        self.ics = ics or Ics()  # what the target claims to support (harness/ics.py)
        # The target's own cast and state (harness/binding.py), for a target that cannot be
        # provisioned: Givens are satisfied by what it declares, or the scenario does not apply.
        self.cast = Cast(binding) if binding is not None else None
        # Users the target already knows, by role, with their XML-signing credentials (e.g.
        # DCC Boxed's ZAZ1 Users): each scenario's first party in such a role is that User.
        self.identities = dict(identities or {})
        self.profile = profile
        self.pki = pki or shared_pki()
        self.salt = salt
        self.parties: dict[str, Party] = {}
        self.devices: dict[str, Device] = {}
        self.registered: dict[tuple[str, str], Registration] = {}
        self.attempts: list[Attempt] = []
        self.now: datetime | None = None
        self.observers: list[Observer] = []
        self.recording = Recording()  # what the scenario expected, observed, came to
        self.captures: list[Capture] = []  # the exact bytes of each exchange (harness/capture.py)

    # -- capabilities and profiles ------------------------------------------------------
    def require(self, *capabilities: str) -> None:
        missing = self.adapter.capabilities.missing(set(capabilities))
        if missing:
            raise NotApplicable(
                f"target {self.adapter.name!r} cannot {', '.join(missing)} (the scenario needs it)",
                group=f"the target cannot {', '.join(missing)}",
            )

    def only_under(self, profiles: Sequence[str]) -> None:
        if not any(profile_selects(tag, self.profile) for tag in profiles):
            raise NotApplicable(
                f"scenario applies to profile(s) {', '.join(profiles)}; running {self.profile}",
                group="the scenario does not apply under this profile",
            )

    def begin(self, tags: ScenarioTags) -> None:
        """Called before the first step: excludes scenarios the run cannot apply."""
        if tags.profiles:
            self.only_under(tags.profiles)
        if tags.needs:
            unknown = [n for n in tags.needs if n not in CAPABILITIES]
            if unknown:
                raise UnknownName(
                    f"unknown capability tag @needs:{unknown[0]}; known: {', '.join(CAPABILITIES)}"
                )
            self.require(*tags.needs)

    def _bound(self) -> Cast | None:
        """The binding, when the target cannot be provisioned and one is given."""
        if self.cast is None or self.adapter.capabilities.provision:
            return None
        return self.cast

    # -- identities -----------------------------------------------------------------
    def _eui(self, kind: str, name: str) -> Eui64:
        digest = hashlib.sha256(f"{self.salt}:{kind}:{name}".encode()).digest()
        return Eui64(int.from_bytes(digest[:8], "big"))

    def meter_point(self, text: str) -> MeterPoint:
        """Validate a meter point as written; under a salt, map it to a private one."""
        written = MeterPoint.parse(text)
        cast = self._bound()
        if cast is not None:
            return cast.meter_point(written)
        if not self.salt:
            return written
        digits = hashlib.sha256(f"{self.salt}:{written}".encode()).hexdigest()
        numeric = str(int(digits, 16))
        if written.kind == "MPAN":
            return make_mpan(written.number[:2] + numeric[:10])
        return MeterPoint.mprn(numeric[: len(written.number)])

    def party(self, name: str) -> Party:
        try:
            return self.parties[name]
        except KeyError:
            known = ", ".join(self.parties) or "none yet"
            raise UnknownName(
                f"no party called {name!r} in this scenario (known: {known})"
            ) from None

    def device(self, name: str) -> Device:
        try:
            return self.devices[name]
        except KeyError:
            known = ", ".join(self.devices) or "none yet"
            raise UnknownName(
                f"no device called {name!r} in this scenario (known: {known})"
            ) from None

    # -- Given ----------------------------------------------------------------------
    def set_time(self, text: str) -> None:
        moment = parse_instant(text)
        cast = self._bound()
        if cast is not None and not self.adapter.capabilities.move_clock:
            cast.time(moment)
            self.now = moment
            return
        self.now = moment
        self.adapter.provision(SetTime(self.now))

    def add_party(self, name: str, role: str, status: str = "active") -> Party:
        user_role = UserRole.parse(role)
        try:
            user_status = UserStatus(status.strip().lower())
        except ValueError:
            raise InvalidValue(f"unknown User status {status!r}; use active or suspended") from None
        cast = self._bound()
        if cast is not None:
            return self._bound_party(cast, name, user_role, user_status)
        known = self.identities.get(user_role)
        taken = {p.user.user_id for p in self.parties.values()}
        if known is not None and known.certificate.owner not in taken:
            user_id, xml = known.certificate.owner, known
        else:
            user_id = self._eui("user", f"{name}/{user_role.value}")
            xml = self.pki.issue(user_id, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
        user = User(user_id, user_role, name, user_status)
        credentials: dict[KeyUsage, Credential] = {}
        remote_role = user_role.remote_party_role
        if remote_role is not None:
            for usage in KeyUsage:
                credentials[usage] = self.pki.issue(user.user_id, remote_role.ou_code, usage)
        party = Party(name, user, credentials, xml)
        self.parties[name] = party
        self.adapter.enrol_signer(user.user_id, xml)
        if KeyUsage.DIGITAL_SIGNING in credentials:
            # a differential run re-signs the reference's own pre-command with this key
            self.adapter.enrol_command_signer(user.user_id, credentials[KeyUsage.DIGITAL_SIGNING])
        self.adapter.provision(AddUser(user))
        for credential in (*credentials.values(), xml):
            self.adapter.provision(PublishCertificate(credential.der))
        return party

    def _bound_party(self, cast: Cast, name: str, role: UserRole, status: UserStatus) -> Party:
        bound = cast.user(name, role, status.value)
        party = Party(
            name,
            User(bound.user_id, role, name, status),
            dict(bound.credentials),
            bound.xml_signing,
        )
        self.parties[name] = party
        self.adapter.enrol_signer(bound.user_id, bound.xml_signing)
        return party

    def add_unknown_party(self, name: str, role: str) -> Party:
        """A party the harness knows but the target was never told about (for E1)."""
        user_role = UserRole.parse(role)
        if self._bound() is not None:
            raise NotApplicable(
                f"{name}'s certificate would have to be lodged in the target's SMKI repository, "
                "which the binding cannot do",
                group="an unknown User's certificate cannot be lodged",
            )
        user = User(self._eui("user", f"{name}/{user_role.value}"), user_role, name)
        xml = self.pki.issue(user.user_id, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
        party = Party(name, user, {}, xml)
        self.parties[name] = party
        self.adapter.enrol_signer(user.user_id, xml)
        # Its certificate is in the SMKI repository; it is just not a DCC User.
        self.adapter.provision(PublishCertificate(xml.der))
        return party

    def add_device(
        self,
        name: str,
        device_type: str,
        generation: str,
        meter_point: str | None,
        status: str = "Commissioned",
        dcc_controlled: bool = False,
    ) -> Device:
        wanted = Device(
            device_id=self._eui("device", name),
            device_type=DeviceType.parse(device_type),
            generation=Generation.parse(generation),
            status=DeviceStatus.parse(status),
            meter_point=self.meter_point(meter_point) if meter_point else None,
            dcc_controlled=dcc_controlled,
        )
        self.ics.device(wanted.device_type, wanted.generation)
        cast = self._bound()
        if cast is not None:
            written = MeterPoint.parse(meter_point) if meter_point else None
            self.devices[name] = cast.device(name, replace(wanted, meter_point=written))
            return self.devices[name]
        self.devices[name] = wanted
        self.adapter.provision(AddDevice(wanted))
        return wanted

    def add_unknown_device(self, name: str, device_type: str) -> None:
        """A device the target's SMI does not hold (for E19)."""
        self.devices[name] = Device(
            self._eui("device", name),
            DeviceType.parse(device_type),
            Generation.SMETS2,
            DeviceStatus.COMMISSIONED,
            None,
        )

    def register(
        self,
        party_name: str,
        meter_point: str,
        start: str | None,
        end: str | None,
        role: str | None = None,
    ) -> None:
        party = self.party(party_name)
        registration = Registration(
            meter_point=self.meter_point(meter_point),
            role=UserRole.parse(role) if role else party.user.role,
            party=party.user.user_id,
            interval=Interval(
                parse_instant(start) if start else None, parse_instant(end) if end else None
            ),
        )
        self.registered[(party_name, meter_point)] = registration
        cast = self._bound()
        if cast is not None:
            cast.registration(registration, party_name)
            return
        self.adapter.provision(Register(registration))

    def end_registration(self, party_name: str, meter_point: str, end: str) -> None:
        """The RDP corrects ``party_name``'s registration for ``meter_point``: it now ends at
        ``end`` (exclusive)."""
        held = self.registered.get((party_name, meter_point))
        if held is None:
            raise UnknownName(f"{party_name} is not registered for {meter_point} in this scenario")
        ended = replace(held, interval=Interval(held.interval.start, parse_instant(end)))
        self.registered[(party_name, meter_point)] = ended
        self.adapter.provision(Register(ended, replacing=True))

    def load_registrations(self, path: Path) -> None:
        """Registrations from a YAML file (see harness.domain.registration); parties are
        named as in the scenario."""
        names = {name: party.user.user_id for name, party in self.parties.items()}
        for registration in load_registrations(path, names):
            point = self.meter_point(str(registration.meter_point))
            bound = replace(registration, meter_point=point)
            cast = self._bound()
            if cast is not None:
                who = next((n for n, i in names.items() if i == registration.party), "a party")
                cast.registration(bound, who)
                continue
            self.adapter.provision(Register(bound))

    def place_certificates(self, device_name: str, remote_role: str, owner_name: str) -> None:
        device, owner = self.device(device_name), self.party(owner_name)
        role = RemotePartyRole.parse(remote_role)
        cast = self._bound()
        if cast is not None:
            cast.holds(device.device_id, role, owner.user.user_id, owner_name)
            return
        pair = self._pair(owner, role)
        self.adapter.provision(
            PlaceCertificates(
                device.device_id, role.value, pair.digital_signing, pair.key_agreement
            )
        )

    def inject_s1sp_fault(self) -> None:
        self.require("inject_faults")
        self.adapter.provision(InjectS1spFault())

    def cut_off_device(self, device_name: str, start: str, end: str | None) -> None:
        """The DSP cannot reach the device from ``start`` until ``end`` (a WAN outage)."""
        self.require("inject_faults")
        device = self.device(device_name)
        self.adapter.provision(
            CutOffDevice(
                device.device_id, parse_instant(start), parse_instant(end) if end else None
            )
        )

    # -- the parties' certificates ----------------------------------------------------
    def _pair(self, owner: Party, role: RemotePartyRole) -> CertificatePair:
        if owner.user.role.remote_party_role is not role:
            raise InvalidValue(
                f"{owner.name} is {owner.user.role.with_article} and holds no "
                f"{role.value} certificates"
            )
        return self._own_pair(owner)

    def _own_pair(self, owner: Party) -> CertificatePair:
        """The owner's own organisation certificates, whatever cell they are sent for
        (a tester may send the wrong ones on purpose)."""
        missing = [u for u in KeyUsage if u not in owner.credentials]
        if self._bound() is not None and missing:
            raise NotApplicable(
                f"the binding gives no {missing[0].value} certificate for {owner.name}",
                group=f"a bound User's {missing[0].value} certificate not given",
            )
        if KeyUsage.DIGITAL_SIGNING not in owner.credentials:
            raise InvalidValue(f"{owner.name} holds no organisation certificates")
        return CertificatePair(
            owner.credentials[KeyUsage.DIGITAL_SIGNING].der,
            owner.credentials[KeyUsage.KEY_AGREEMENT].der,
        )

    def _path(self) -> tuple[bytes, ...]:
        """The certification path of the harness's certificates: its issuing CA."""
        return (self.pki.issuing_ca.public_bytes(Encoding.DER),)
