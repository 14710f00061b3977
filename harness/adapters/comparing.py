"""Differential runs: every exchange goes to the target and to the in-process reference.

``ComparingAdapter`` wraps the target's adapter (the *primary*, whose answers the scenario
judges) and a *shadow* reference DSP under the same profile. Provisioning goes to both; each
Service Request goes to both and the two answers are compared (response code, outcome, who
answered); so are the asynchronous responses and the certificates a device holds. Every
difference is reported (as Allure evidence in a run) and never changes the verdict: the
scenario still judges the target alone.

The critical flow needs care: the User signs the *target's* pre-command (CV 4's answer), and
the shadow's pre-command differs for any DSP that is not the reference. So the World enrols
each party's digital-signing credential (``enrol_command_signer``), and the shadow receives
its own pre-command signed by the same key (altered the same way when a scenario alters it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from harness.adapters.base import Adapter, Capabilities, EnvelopeFault, HeldCertificates
from harness.adapters.provisioning import Provision
from harness.adapters.reference import ReferenceAdapter
from harness.domain.eui import Eui64
from harness.domain.requests import RequestId, Response, ServiceRequest, SignedPreCommand
from harness.errors import HarnessError
from harness.pki import Credential
from harness.signing import sign_payload, signed_by


@dataclass(frozen=True)
class Answer:
    """What a comparison looks at in one response."""

    code: str
    outcome: str
    answered_by: str

    @classmethod
    def of(cls, response: Response) -> Answer:
        return cls(response.code, response.outcome.value, response.answered_by)

    def __str__(self) -> str:
        return f"{self.code} {self.outcome} (by the {self.answered_by})"


@dataclass(frozen=True)
class Difference:
    """One place where the target departs from the reference."""

    where: str
    target: str
    reference: str
    request_id: str = ""

    @property
    def title(self) -> str:
        return (
            f"Departs from the reference: {self.where}: "
            f"target {self.target}, reference {self.reference}"
        )

    def render(self) -> str:
        return json.dumps(
            {
                "where": self.where,
                "request_id": self.request_id,
                "target": self.target,
                "reference": self.reference,
            },
            indent=2,
            ensure_ascii=False,
        )


Report = Callable[[Difference], None]


def _answers(responses: Sequence[Response]) -> str:
    return "; ".join(str(Answer.of(r)) for r in responses) or "(none yet)"


def _cells(held: dict[str, object] | None) -> str:
    if held is None:
        return "(no S1SP copy)"
    return "; ".join(f"{cell} {held[cell]}" for cell in sorted(held)) or "(nothing)"


class ComparingAdapter:
    """The primary adapter, shadowed by a reference DSP; see the module docstring."""

    def __init__(
        self, primary: Adapter, shadow: ReferenceAdapter, report: Report | None = None
    ) -> None:
        self.primary = primary
        self.shadow = shadow
        self.name: str = primary.name
        self.capabilities: Capabilities = primary.capabilities
        self.differences: list[Difference] = []
        self._report = report
        self._signers: dict[Eui64, Credential] = {}
        self._target_pre: dict[RequestId, bytes] = {}
        self._shadow_pre: dict[RequestId, bytes] = {}
        self._last_reported: dict[str, Difference] = {}

    @property
    def last_raw(self) -> tuple[bytes, bytes] | None:
        """The primary's raw DUIS exchange, for the World's evidence."""
        return self.primary.last_raw

    # -- reporting --------------------------------------------------------------------------
    def _differ(self, difference: Difference, key: str | None = None) -> None:
        if key is not None:
            if self._last_reported.get(key) == difference:
                return  # the same difference seen again (collect is called repeatedly)
            self._last_reported[key] = difference
        self.differences.append(difference)
        if self._report is not None:
            self._report(difference)

    # -- provisioning -----------------------------------------------------------------------
    def provision(self, command: Provision) -> None:
        self.primary.provision(command)
        try:
            self.shadow.provision(command)
        except HarnessError as exc:
            self._differ(Difference(f"provisioning {type(command).__name__}", "done", str(exc)))

    def enrol_signer(self, user_id: Eui64, credential: Credential) -> None:
        self.primary.enrol_signer(user_id, credential)
        self.shadow.enrol_signer(user_id, credential)

    def enrol_command_signer(self, user_id: Eui64, credential: Credential) -> None:
        """The digital-signing credential ``user_id`` signs pre-commands with."""
        self._signers[user_id] = credential

    # -- Service Requests -------------------------------------------------------------------
    def submit(self, request: ServiceRequest, fault: EnvelopeFault | None = None) -> Response:
        response = self.primary.submit(request, fault)
        if fault is not None:
            return response  # the reference has no DUIS envelope to corrupt: not compared
        try:
            reference = self.shadow.submit(self._for_shadow(request))
        except HarnessError as exc:
            self._differ(Difference(_label(request), str(Answer.of(response)), f"error: {exc}"))
            return response
        rid = request.request_id
        if response.pre_command is not None:
            self._target_pre[rid] = response.pre_command
        if reference.pre_command is not None:
            self._shadow_pre[rid] = reference.pre_command
        target, shadow = Answer.of(response), Answer.of(reference)
        if target != shadow:
            where = f"{_label(request)}, synchronous response"
            self._differ(Difference(where, str(target), str(shadow), str(rid)))
        return response

    def _for_shadow(self, request: ServiceRequest) -> ServiceRequest:
        """A CV 5 for the shadow: its own pre-command, signed by the same key, altered the
        same way. Unchanged when both DSPs issued the same pre-command."""
        body = request.body
        rid = request.request_id
        target_pre, shadow_pre = self._target_pre.get(rid), self._shadow_pre.get(rid)
        if (
            not isinstance(body, SignedPreCommand)
            or target_pre is None
            or shadow_pre is None
            or target_pre == shadow_pre
        ):
            return request
        sent = body.pre_command
        mirrored = shadow_pre + sent[len(target_pre) :] if sent.startswith(target_pre) else sent
        signature = body.signature
        for original, counterpart in ((target_pre, shadow_pre), (sent, mirrored)):
            signer = self._signer_of(original, body.signature)
            if signer is not None:
                signature = sign_payload(signer.private_key, counterpart)
                break
        return replace(request, body=SignedPreCommand(mirrored, signature))

    def _signer_of(self, payload: bytes, signature: bytes) -> Credential | None:
        return next(
            (c for c in self._signers.values() if signed_by(c.certificate, payload, signature)),
            None,
        )

    def collect(self, request_id: RequestId) -> list[Response]:
        responses = self.primary.collect(request_id)
        try:
            reference = self.shadow.collect(request_id)
        except HarnessError as exc:
            self._differ(Difference("asynchronous responses", _answers(responses), str(exc)))
            return responses
        target, shadow = _answers(responses), _answers(reference)
        if target != shadow:
            where = f"asynchronous responses to {request_id}"
            self._differ(Difference(where, target, shadow, str(request_id)), key=where)
        return responses

    def held_certificates(self, device_id: Eui64) -> HeldCertificates:
        held = self.primary.held_certificates(device_id)
        try:
            reference = self.shadow.held_certificates(device_id)
        except HarnessError as exc:
            self._differ(Difference(f"certificates held for {device_id}", "reported", str(exc)))
            return held
        for copy, mine, theirs in (
            ("DSP", held.dsp, reference.dsp),
            ("S1SP", held.s1sp, reference.s1sp),
        ):
            target = _cells(dict(mine) if mine is not None else None)
            shadow = _cells(dict(theirs) if theirs is not None else None)
            if target != shadow:
                where = f"certificates held for {device_id} ({copy} copy)"
                self._differ(Difference(where, target, shadow), key=where)
        return held

    def close(self) -> None:
        try:
            self.primary.close()
        finally:
            self.shadow.close()


def _label(request: ServiceRequest) -> str:
    return f"SRV {request.srv} CV{request.command_variant}"


def allure_reporter() -> Report:
    """Attach each difference to the running Allure test (a no-op without a reporter)."""
    import allure

    def attach(difference: Difference) -> None:
        allure.attach(
            difference.render(),
            name=difference.title,
            attachment_type=allure.attachment_type.JSON,
        )

    return attach
