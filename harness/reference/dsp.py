"""The reference DSP engine: runs a profile's pipeline, the critical flow and the clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from harness.catalogue.tables import response_codes
from harness.domain.certificates import KeyUsage
from harness.domain.clock import Clock, ManualClock, ScopedClocks
from harness.domain.devices import Generation
from harness.domain.requests import (
    Outcome,
    Response,
    ServiceRequest,
    SignedPreCommand,
)
from harness.domain.timeline import Period, format_instant
from harness.reference import when_due
from harness.reference.cells import Cell, S1spFailure
from harness.reference.context import Check, Rejection
from harness.reference.ownership import SignedCommand, Smets1OwnershipAt
from harness.reference.profiles import Profile
from harness.reference.state import DspState, PendingCommand, ScheduledCommand
from harness.signing import signed_by
from harness.srv import registry
from harness.srv.spec import Effect

# The requirements the engine's own flow enforces (the rule table holds the others).
REPLAY = "DUIS-request-id"
PRE_COMMAND = "CRIT-precommand"
CONSISTENCY = "DSP-S1SP-consistency"
# Values a request's schema allows but the DSP cannot act on (a ReadLogPeriod ending before
# it starts): the served DSP refuses them when it decodes the DUIS, with the same code.
CONTENT = "DUIS-request-content"
INVALID_CONTENT = "E45"
FLOW_REQUIREMENTS = (
    REPLAY,
    PRE_COMMAND,
    CONSISTENCY,
    CONTENT,
    when_due.RECHECK,
    when_due.TIMEOUT,
)

# The access checks a signed pre-command (Command Variant 5) passes before anything else
# [fact]: the DUIS 5.4 XSD's command-variant table puts CV 5 on Send Command, and E17's
# title names "Service Request or Signed Pre-Command", so the User checks (E1, E3) and the
# web service check (E13) reach a CV 5 as they reach the CV 4 it completes.
SIGNED_PRE_COMMAND_CHECKS = ("DUIS-E1", "DUIS-E3", "DUIS-E13")


def pre_command_for(request: ServiceRequest) -> bytes:
    """The GBCS payload the DSP returns for a critical request (a stable digest stands in
    for the GBCS encoding; what matters is that any alteration is detectable)."""
    digest = hashlib.sha256(repr((request.srv, request.body)).encode()).hexdigest()
    return f"GBCS|{request.request_id}|{request.srv}|{digest}".encode()


@dataclass(frozen=True)
class EngineFaults:
    """Deliberate faults in the engine itself, for mutant DSPs only (``harness/mutants.py``).
    Faults in rules are profile transformations; these live in the engine's flow.
    Every flag is off in a conforming DSP."""

    accept_replayed_request_id: bool = False  # DUIS-request-id: no counter reuse check
    skip_pre_command_signer_check: bool = False  # CRIT-precommand: any signer passes the DSP
    dsp_copy_before_s1sp: bool = False  # DSP-S1SP-consistency: DSP copy written first
    skip_pre_command_access_checks: bool = False  # E1/E3/E13 not run on a CV 5
    skip_recheck_when_due: bool = False  # DUIS-future-dated-recheck: judged on receipt only
    never_time_out: bool = False  # DUIS-future-dated-timeout: a held command waits forever
    s1sp_failure_as_e21: bool = False  # DSP-S1SP-consistency: "no response from device"
    # Read by the served DUIS envelope (harness/server/service.py), so they show over DUIS only.
    accept_any_schema_version: bool = False  # DUIS-schema-version: 5.3 or 6.0 read as 5.4
    bare_refusal_of_content: bool = False  # DUIS-request-content: HTTP 400, not a signed E45
    # Not a rule broken: every code graded ``model`` is answered with another model code,
    # the outcome unchanged (a DSP build that numbers its private checks otherwise).
    remap_model_codes: bool = False


CONFORMING = EngineFaults()


class ReferenceDsp:
    """Answers Service Requests the way the profile says the DSP, S1SP and devices do.

    ``submit`` returns the synchronous answer; acknowledged work ends in ``outbox`` as
    asynchronous responses, immediately or when the clock reaches an execution time.
    """

    def __init__(
        self,
        profile: Profile,
        clock: Clock | None = None,
        state: DspState | None = None,
        faults: EngineFaults = CONFORMING,
    ) -> None:
        self.profile = profile
        self.clock = clock or ManualClock()
        self.state = state or DspState()
        self.faults = faults

    # -- entry points ---------------------------------------------------------------
    def submit(self, request: ServiceRequest) -> Response:
        if request.command_variant == 5:
            return self._signed_pre_command(request)
        period = request.requested_period
        if period is not None and period.back_to_front:
            return self._reject(request, _back_to_front(period))
        used = self.state.used_counters.setdefault(request.sender, set())
        if request.request_id.counter in used and not self.faults.accept_replayed_request_id:
            return self._reject(request, self._replay(request))
        used.add(request.request_id.counter)

        check = Check(request, self.state, self.clock.now(), self.profile.past_execution)
        rejection = self.profile.run(check)
        if rejection is not None:
            return self._reject(request, rejection)
        variant = check.variant
        assert variant is not None  # the pipeline rejects unknown SRVs
        if variant.non_device:
            data = self._effect(check).data
            return Response(request.request_id, "I0", Outcome.COMPLETED, data=data)
        if variant.critical:
            pre_command = pre_command_for(request)
            self.state.pending[request.request_id] = PendingCommand(request, pre_command)
            return Response(request.request_id, "I0", Outcome.TRANSFORMED, pre_command=pre_command)
        self._execute_or_schedule(check, self._effect(check))
        return Response(request.request_id, "I99", Outcome.ACKNOWLEDGED)

    def advance_to(self, moment: datetime) -> None:
        """Move a manual clock (with scoped clocks, the clock of the scope entered) and run
        every command that has fallen due."""
        if isinstance(self.clock, ManualClock | ScopedClocks):
            self.clock.set(moment)
        self.run_due()

    def run_due(self) -> None:
        """Run the held commands that have fallen due; with scoped clocks, those of the
        scope entered, by its clock (another scope's commands wait for their own)."""
        now = self.clock.now()
        due = sorted(
            (c for c in self.state.scheduled if c.due <= now and self._in_scope(c)),
            key=lambda c: c.due,
        )
        faults = self.faults
        for command in due:
            rejection = None
            if not command.held_by_device:
                if not faults.skip_recheck_when_due:
                    rejection = when_due.recheck(command, self.profile, self.state)
                if rejection is None and not faults.never_time_out:
                    rejection = when_due.timed_out(command, self.state, now)
                if rejection is None and when_due.waiting(command, self.state, now):
                    continue  # the device cannot be reached yet: the DSP tries again
            self.state.scheduled.remove(command)
            if rejection is None:
                self._apply(command)
            else:
                self._post(command.request, rejection)

    def _in_scope(self, command: ScheduledCommand) -> bool:
        if not isinstance(self.clock, ScopedClocks):
            return True
        names = command.request.request_id
        return self.clock.owns(names.target, names.originator)

    def responses_for(self, request_id: object) -> list[Response]:
        return [r for r in self.state.outbox if r.request_id == request_id]

    # -- the critical flow ----------------------------------------------------------
    def _signed_pre_command(self, request: ServiceRequest) -> Response:
        if not self.faults.skip_pre_command_access_checks:
            access = Check(request, self.state, self.clock.now())
            for requirement in SIGNED_PRE_COMMAND_CHECKS:
                rejection = self.profile.apply(requirement, access)
                if rejection is not None:
                    return self._reject(request, rejection)
        pending = self.state.pending.get(request.request_id)
        if pending is None:
            used = self.state.used_counters.get(request.sender, set())
            if request.request_id.counter in used:
                return self._reject(request, self._replay(request))
            return self._reject(
                request,
                Rejection(
                    "E53", "no transformed request with this RequestID", requirement=PRE_COMMAND
                ),
            )
        body = request.body
        if not isinstance(body, SignedPreCommand) or body.pre_command != pending.pre_command:
            return self._reject(
                request,
                Rejection("E51", "the signed pre-command was altered", requirement=PRE_COMMAND),
            )
        # Only the sender's organisation digital-signing certificates (OU 02/03 for its
        # role) sign critical commands; its XML-signing certificate (OU 87) does not.
        sender = self.state.users.get(request.sender)
        cell_role = sender.role.remote_party_role if sender is not None else None
        own_keys = [
            c
            for c in self.state.repository.values()
            if c.owner == request.sender
            and c.usage is KeyUsage.DIGITAL_SIGNING
            and cell_role is not None
            and c.role_code == cell_role.ou_code
        ]
        signer_ok = self.faults.skip_pre_command_signer_check or any(
            signed_by(c, body.pre_command, body.signature) for c in own_keys
        )
        if not signer_ok:
            return self._reject(
                request,
                Rejection(
                    "E51",
                    "the pre-command is not signed by a digital-signing key of the sender",
                    requirement=PRE_COMMAND,
                ),
            )
        del self.state.pending[request.request_id]
        original = pending.request
        check = Check(original, self.state, self.clock.now(), self.profile.past_execution)
        rejection = self._ownership(check, body)
        device = check.device
        in_dsp = self.profile.smets1_ownership_at is Smets1OwnershipAt.DSP
        if rejection is not None and in_dsp and device and device.generation is Generation.SMETS1:
            return self._reject(
                request,
                Rejection(
                    "E51",
                    "the DSP refused the signed pre-command: "
                    + rejection.detail.split(": ", 1)[-1],
                    requirement=rejection.requirement,
                ),
            )
        if rejection is not None:
            self._post(original, rejection)
        else:
            self._execute_or_schedule(check, self._effect(check))
        return Response(request.request_id, "I99", Outcome.ACKNOWLEDGED)

    def _ownership(self, check: Check, signed: SignedPreCommand) -> Rejection | None:
        device, user = check.device, check.user
        assert device is not None
        assert user is not None
        own_role = user.role.remote_party_role
        assert own_role is not None  # only suppliers and NOs may send critical SRs
        cell = Cell(own_role, KeyUsage.DIGITAL_SIGNING)
        current = self.state.current_certificate(device.device_id, cell)
        command = SignedCommand(
            check=check,
            cell=cell,
            current=current,
            signed_by_current=current is not None
            and signed_by(current, signed.pre_command, signed.signature),
        )
        if device.generation is Generation.SMETS2:
            return self.profile.device_ownership(command)
        return self.profile.s1sp_ownership(command)

    # -- effects --------------------------------------------------------------------
    def _effect(self, check: Check) -> Effect:
        request = check.request
        return registry.for_body(request.body).effect(request.body, request.target, self.state)

    def _execute_or_schedule(
        self,
        check: Check,
        effect: Effect,
    ) -> None:
        if check.cancels:
            self._cancel(check)
            return
        command = ScheduledCommand(
            due=check.evaluation_time,
            request=check.request,
            updates=dict(effect.updates),
            result_data=effect.data,
        )
        if command.due > check.now:
            self.state.scheduled.append(command)
            if command.held_by_device:
                # The device (or the S1SP for it) accepts the future-dated command now and
                # reports how it went once it has run.
                accepted = Response(
                    check.request.request_id, "I0", Outcome.SCHEDULED, answered_by="device"
                )
                self.state.outbox.append(accepted)
        else:
            self._apply(command)

    def _cancel(self, check: Check) -> None:
        """A cancellation replaces the sender's pending future-dated command of the same
        SRV on the same device (held by the DSP or the device): nothing of it runs."""
        request = check.request
        for pending in list(self.state.scheduled):
            other = pending.request
            if (other.srv, other.target, other.sender) == (
                request.srv,
                request.target,
                request.sender,
            ):
                self.state.scheduled.remove(pending)
        self.state.outbox.append(
            Response(request.request_id, "I0", Outcome.COMPLETED, answered_by="device")
        )

    def _apply(self, command: ScheduledCommand) -> None:
        request = command.request
        if command.updates:
            if self.faults.dsp_copy_before_s1sp and request.target in self.state.dsp_notified:
                ids = {cell: cert.id for cell, cert in command.updates.items()}
                self.state.dsp_notified[request.target].update(ids)  # the fault: not atomic
            try:
                self.state.install(request.target, command.updates)
            except S1spFailure as exc:
                if self.faults.s1sp_failure_as_e21:
                    self._post(
                        request, Rejection("E21", f"no response ({exc})", requirement=CONSISTENCY)
                    )
                    return
                self._post(
                    request,
                    Rejection(
                        "S1SP02",
                        f"the S1SP failed while applying the update ({exc}); neither copy changed",
                        requirement=CONSISTENCY,
                        answered_by="S1SP",
                    ),
                )
                return
        self.state.outbox.append(
            Response(
                request.request_id,
                "I0",
                Outcome.COMPLETED,
                answered_by="device",
                data=command.result_data,
            )
        )

    # -- helpers --------------------------------------------------------------------
    @staticmethod
    def _replay(request: ServiceRequest) -> Rejection:
        return Rejection(
            "E44",
            f"counter {request.request_id.counter} already used by {request.sender}",
            requirement=REPLAY,
        )

    def _reject(self, request: ServiceRequest, rejection: Rejection) -> Response:
        code = rejection.code
        if self.faults.remap_model_codes:
            code = remapped_model_code(code)
        return Response(
            request.request_id,
            code,
            Outcome.REJECTED,
            answered_by=rejection.answered_by,
            requirement=rejection.requirement,
            detail=rejection.detail,
        )

    def _post(self, request: ServiceRequest, rejection: Rejection) -> None:
        self.state.outbox.append(self._reject(request, rejection))


def _back_to_front(period: Period) -> Rejection:
    return Rejection(
        INVALID_CONTENT,
        f"ReadLogPeriod ends ({format_instant(period.end)}) before it starts "
        f"({format_instant(period.start)})",
        requirement=CONTENT,
    )


def remapped_model_code(code: str) -> str:
    """Another code graded ``model`` for a model-graded DSP rejection code (the next one of
    the table, in turn); any other code unchanged."""
    table = response_codes()
    ring = [c for c, entry in table.items() if entry.confidence == "model" and c.startswith("E")]
    if code not in ring:
        return code
    return ring[(ring.index(code) + 1) % len(ring)]
