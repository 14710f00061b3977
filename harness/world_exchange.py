"""Sending a scenario's Service Requests: the World's When half.

Builds each request from the SRV body registry (``harness/srv/``), runs the critical flow
(transform, sign, send signed) through the adapter and keeps every exchange as an Attempt.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from cryptography.hazmat.primitives.serialization import Encoding

from harness.adapters.base import EnvelopeFault
from harness.adapters.provisioning import (
    AddUser,
)
from harness.catalogue.tables import service_request, service_requests
from harness.domain.certificates import KeyUsage
from harness.domain.parties import DCC_ID, UserStatus
from harness.domain.requests import (
    CertificatePair,
    Outcome,
    RequestBody,
    RequestId,
    Response,
    ServiceRequest,
    SignedPreCommand,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Period, parse_instant
from harness.errors import HarnessError, InvalidValue, NotApplicable, UnknownName
from harness.signing import sign_payload
from harness.srv import registry
from harness.srv.spec import BodyArgs
from harness.world_cast import ScenarioCast
from harness.world_values import Attempt, PreCommandStep, endpoint_named


class ScenarioExchange(ScenarioCast):
    """A scenario's cast, able to send Service Requests and collect their answers."""

    def _instant(self, text: str | None) -> datetime | None:
        return parse_instant(text) if text else None

    def send_krp(
        self,
        sender: str,
        device_name: str,
        remote_role: str,
        certificates_of: str,
        execution: str | None = None,
        signer: str | None = None,
        alter_pre_command: bool = False,
        pre_command: PreCommandStep | None = None,
    ) -> Attempt:
        """SRV 6.15.1, the whole critical flow."""
        self.ics.srv("6.15.1")
        role = RemotePartyRole.parse(remote_role)
        body = UpdateSecurityCredentialsKRP(
            remote_party_role=role,
            replacement=self._own_pair(self.party(certificates_of)),
            certification_path=self._path(),
            execution_time=self._instant(execution),
        )
        return self._critical(
            sender, device_name, "6.15.1", body, signer, alter_pre_command, pre_command
        )

    def send(
        self,
        sender: str,
        srv: str,
        device_name: str,
        *,
        execution: str | None = None,
        period: tuple[str, str] | None = None,
        back_to_front: bool = False,
        command_variant: int | None = None,
        endpoint: str | None = None,
        meter_point: str | None = None,
        certificates_of: str | None = None,
        fault: EnvelopeFault | None = None,
        options: dict[str, str] | None = None,
    ) -> Attempt:
        """Any SRV in scope; ``options`` carries what only that SRV's steps say;
        ``back_to_front``: the period ends before it starts, on purpose."""
        variant = service_request(srv)
        self.ics.srv(srv)
        args = BodyArgs(
            device=device_name,
            execution_time=self._instant(execution),
            period=Period(
                parse_instant(period[0]), parse_instant(period[1]), back_to_front=back_to_front
            )
            if period
            else None,
            meter_point=meter_point,
            certificates_of=certificates_of,
            options=tuple(sorted((options or {}).items())),
        )
        body = self._body(srv, args)
        if fault is not None:
            self.require("xml_envelope")
        if variant.critical and command_variant is None and endpoint is None and fault is None:
            return self._critical(sender, device_name, srv, body, None, False)
        cv = command_variant or min(variant.command_variants)
        request = self._request(sender, device_name, srv, cv, body, endpoint)
        attempt = Attempt(f"{sender} → SRV {srv} → {device_name}", request.request_id)
        self._exchange(attempt, request, fault)
        return self._finish(attempt)

    def _body(self, srv: str, args: BodyArgs) -> RequestBody:
        spec = registry.for_srv(srv)
        if spec.build is None:
            raise UnknownName(f"the World cannot build a body for SRV {srv}")
        body: RequestBody = spec.build(self, args)
        return body

    # -- what a body builder asks of the scenario (harness.srv.spec.Scene) ---------------
    def remote_role_of(self, party: str) -> RemotePartyRole | None:
        return self.party(party).user.role.remote_party_role

    def certificates(self, party: str, role: RemotePartyRole) -> CertificatePair:
        return self._pair(self.party(party), role)

    def certification_path(self) -> tuple[bytes, ...]:
        return self._path()

    def _request(
        self,
        sender: str,
        device_name: str,
        srv: str,
        command_variant: int,
        body: RequestBody,
        endpoint: str | None,
        request_id: RequestId | None = None,
    ) -> ServiceRequest:
        originator = self.party(sender).user.user_id
        # A non-device request is addressed to the DCC, the device named in its body.
        non_device = service_request(srv).non_device if srv in service_requests() else False
        target = DCC_ID if non_device else self.device(device_name).device_id
        return ServiceRequest(
            request_id=request_id or RequestId(originator, target, self.counters.next(originator)),
            srv=srv,
            command_variant=command_variant,
            body=body,
            endpoint=endpoint_named(endpoint) if endpoint else None,
        )

    def _critical(
        self,
        sender: str,
        device_name: str,
        srv: str,
        body: RequestBody,
        signer: str | None,
        alter_pre_command: bool,
        step: PreCommandStep | None = None,
    ) -> Attempt:
        key_holder = self.party(signer or sender)
        if self._bound() is not None and KeyUsage.DIGITAL_SIGNING not in key_holder.credentials:
            raise NotApplicable(
                f"the binding gives no digital-signing key for {key_holder.name}, who signs "
                "the pre-command",
                group="a bound User's digitalSigning certificate not given",
            )
        step = step or PreCommandStep()
        request = self._request(sender, device_name, srv, 4, body, None)
        attempt = Attempt(f"{sender} → SRV {srv} → {device_name}", request.request_id)
        transformed = self._exchange(attempt, request)
        if transformed.outcome is not Outcome.TRANSFORMED or transformed.pre_command is None:
            return self._finish(attempt)
        if step.sign_at is not None:  # the User signs and sends it later
            self.reach_time(step.sign_at)
        key_holder = self.party(signer or sender)
        if KeyUsage.DIGITAL_SIGNING not in key_holder.credentials:
            raise InvalidValue(f"{key_holder.name} holds no digital-signing key")
        pre_command = transformed.pre_command
        signature = sign_payload(
            key_holder.credentials[KeyUsage.DIGITAL_SIGNING].private_key, pre_command
        )
        if alter_pre_command:
            pre_command = pre_command + b"|altered"
        if step.suspend_sender:
            party = self.party(sender)
            self.adapter.provision(AddUser(replace(party.user, status=UserStatus.SUSPENDED)))
        signed = ServiceRequest(
            request.request_id,
            srv,
            5,
            SignedPreCommand(pre_command, signature),
            endpoint_named(step.endpoint) if step.endpoint else None,
        )
        self._exchange(attempt, signed)
        return self._finish(attempt)

    def send_orphan_signed_pre_command(self, sender: str, device_name: str) -> Attempt:
        """A CV 5 signed pre-command for a RequestID the DSP never transformed."""
        party = self.party(sender)
        if KeyUsage.DIGITAL_SIGNING not in party.credentials:
            raise InvalidValue(f"{sender} holds no digital-signing key")
        payload = b"GBCS|never transformed"
        signature = sign_payload(party.credentials[KeyUsage.DIGITAL_SIGNING].private_key, payload)
        request = self._request(
            sender, device_name, "6.15.1", 5, SignedPreCommand(payload, signature), None
        )
        attempt = Attempt(
            f"{sender} → orphan signed pre-command → {device_name}", request.request_id
        )
        self._exchange(attempt, request)
        return self._finish(attempt)

    def resend_last(self) -> Attempt:
        """Send the last request again, unchanged (same RequestID)."""
        last = self.last_attempt()
        request, _ = last.exchanges[0]
        attempt = Attempt(f"replay of {last.label}", request.request_id)
        self._exchange(attempt, request)
        return self._finish(attempt)

    def _exchange(
        self, attempt: Attempt, request: ServiceRequest, fault: EnvelopeFault | None = None
    ) -> Response:
        response = self.adapter.submit(request, fault)
        attempt.exchanges.append((request, response))
        raw = self.adapter.last_raw
        raw_request, raw_response = raw if raw is not None else (None, None)
        for observer in self.observers:
            observer(request, response, raw_request, raw_response)
        if raw_request is not None and self.captures:
            sender = next(
                (p for p in self.parties.values() if p.user.user_id == request.sender), None
            )
            signer = None
            if sender is not None:
                signer = sender.xml_signing.certificate.certificate.public_bytes(Encoding.PEM)
            for capture in self.captures:
                capture(request, fault, raw_request, raw_response, signer)
        return response

    def _finish(self, attempt: Attempt) -> Attempt:
        attempt.asynchronous = self.adapter.collect(attempt.request_id)
        self.attempts.append(attempt)
        return attempt

    def reach_time(self, text: str) -> None:
        self.require("move_clock")
        self.set_time(text)
        for attempt in self.attempts:
            attempt.asynchronous = self.adapter.collect(attempt.request_id)

    def last_attempt(self) -> Attempt:
        if not self.attempts:
            raise HarnessError("no Service Request has been sent yet in this scenario")
        return self.attempts[-1]
