"""The faults mutant DSPs are made of (``harness/mutants.py`` names and describes them).

A fault in a rule is a transformation of the active Profile: a policy, or the rule under one
requirement ID, is wrapped (:func:`wrap_rule`), so a fault composes with every profile and
switch. Faults in the engine's own flow are ``EngineFaults`` flags of the ``ReferenceDsp``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from harness.domain.devices import Generation
from harness.domain.registration import RegistrationData
from harness.domain.requests import RequestBody
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval, Period
from harness.reference.context import Check, PastExecution, Policy, Rejection, Rule
from harness.reference.ownership import OwnershipPolicy, SignedCommand, Smets1OwnershipAt
from harness.reference.profiles import Profile
from harness.reference.rules import RULES
from harness.srv import registry

ProfileTransform = Callable[[Profile], Profile]


def unchanged(profile: Profile) -> Profile:
    return profile


# -- building blocks ------------------------------------------------------------------------
def _rule_under(profile: Profile, requirement: str) -> Rule:
    return profile.overrides.get(requirement) or RULES[requirement]


def wrap_rule(
    requirement: str, wrapper: Callable[[Rule, Check], Rejection | None]
) -> ProfileTransform:
    """Stand ``wrapper(original rule, check)`` under ``requirement`` in any profile."""

    def transform(profile: Profile) -> Profile:
        inner = _rule_under(profile, requirement)

        def mutated(check: Check) -> Rejection | None:
            return wrapper(inner, check)

        return replace(profile, overrides={**profile.overrides, requirement: mutated})

    return transform


def _with_registrations(check: Check, keep: Callable[[Interval], Interval | None]) -> Check:
    """The check as seen through altered Registration Data (the real data is untouched)."""
    entries = []
    for entry in check.state.registrations.entries:
        interval = keep(entry.interval)
        if interval is not None:
            entries.append(replace(entry, interval=interval))
    state = replace(check.state, registrations=RegistrationData(entries))
    return replace(check, state=state)


def _without_execution_time(body: RequestBody) -> RequestBody:
    without: RequestBody = registry.for_body(body).without_execution_time(body)
    return without


def _smets_critical(check: Check, generation: Generation) -> bool:
    variant, device = check.variant, check.device
    return (
        variant is not None
        and device is not None
        and variant.critical
        and device.generation is generation
    )


# -- rule faults ----------------------------------------------------------------------------
def scope_smets2_critical_too(profile: Profile) -> Profile:
    inner: Policy = profile.rdp_scope

    def scope(check: Check) -> bool:
        return _smets_critical(check, Generation.SMETS2) or inner(check)

    return replace(profile, rdp_scope=scope)


def scope_without_smets1_critical(profile: Profile) -> Profile:
    inner: Policy = profile.rdp_scope

    def scope(check: Check) -> bool:
        return not _smets_critical(check, Generation.SMETS1) and inner(check)

    return replace(profile, rdp_scope=scope)


def range_start_only(inner: Rule, check: Check) -> Rejection | None:
    body, period = check.request.body, check.request.requested_period
    if period is None:
        return inner(check)
    start_only = registry.for_body(body).with_period(body, Period(period.start, period.start))
    return inner(replace(check, request=replace(check.request, body=start_only)))


def receipt_time(inner: Rule, check: Check) -> Rejection | None:
    request = check.request
    if request.execution_time is None:
        return inner(check)
    at_receipt = replace(request, body=_without_execution_time(request.body))
    rejection = inner(replace(check, request=at_receipt))
    if rejection is not None and rejection.requirement == "SRPD-6.1f-iii":
        rejection = replace(rejection, requirement="SRPD-6.1f-ii")  # the limb it claims
    return rejection


def future_registrations_ignored(inner: Rule, check: Check) -> Rejection | None:
    def begun(interval: Interval) -> Interval | None:
        return interval if interval.start is None or interval.start <= check.now else None

    return inner(_with_registrations(check, begun))


def open_ended_expired(inner: Rule, check: Check) -> Rejection | None:
    return inner(_with_registrations(check, lambda i: i if i.end is not None else None))


def end_inclusive(inner: Rule, check: Check) -> Rejection | None:
    def inclusive(interval: Interval) -> Interval:
        if interval.end is None:
            return interval
        return Interval(interval.start, interval.end + timedelta(microseconds=1))

    return inner(_with_registrations(check, inclusive))


def e4_as_e2(inner: Rule, check: Check) -> Rejection | None:
    rejection = inner(check)
    if rejection is not None and rejection.code == "E4":
        return replace(rejection, code="E2")
    return rejection


def mp063_for_every_sender(inner: Rule, check: Check) -> Rejection | None:
    """MP063 as written, then again for a NO's request as if a Supplier had sent it."""
    rejection = inner(check)
    user = check.user
    if rejection is not None or user is None or not user.role.is_network_operator:
        return rejection
    as_supplier = replace(user, role=UserRole.IMPORT_SUPPLIER)
    state = replace(check.state, users={**check.state.users, user.user_id: as_supplier})
    return inner(replace(check, state=state))


def supplier_places_no_anywhere(inner: Rule, check: Check) -> Rejection | None:
    """The role rule without its DCC-control condition: a Supplier's 6.15.1 replaces the NO
    cells of an ESME whoever holds them."""
    device = check.device
    if device is None or not device.dcc_controlled:
        state = replace(check.state, dcc_released={})
        if device is not None:
            smi = {**state.smi, device.device_id: replace(device, dcc_controlled=True)}
            state = replace(state, smi=smi)
        return inner(replace(check, state=state))
    return inner(replace(check, state=replace(check.state, dcc_released={})))


def dcc_control_per_device(inner: Rule, check: Check) -> Rejection | None:
    """DCC control as one flag per device: a device any of whose cells was handed over is
    no longer DCC-controlled at all."""
    device = check.device
    handover = check.request.srv == "6.21"
    if handover and device is not None and check.state.dcc_released.get(device.device_id):
        return Rejection("E062101", f"device {device.device_id} is not DCC-controlled")
    return inner(check)


def skipped(inner: Rule, check: Check) -> Rejection | None:
    return None


def cancellation_as_execution_time(inner: Rule, check: Check) -> Rejection | None:
    return inner(replace(check, recognise_cancellation=False))


def past_execution_as_given(profile: Profile) -> Profile:
    return replace(profile, past_execution=PastExecution.AS_GIVEN)


def accept_any_signer(command: SignedCommand) -> Rejection | None:
    return None


def s1sp_unchecked(profile: Profile) -> Profile:
    return replace(profile, s1sp_ownership=accept_any_signer)


def device_unchecked(profile: Profile) -> Profile:
    return replace(profile, device_ownership=accept_any_signer)


def smets1_fix_on_smets2(profile: Profile) -> Profile:
    """The device accepts whatever the profile's S1SP accepts (its DP107 relaxation)."""
    s1sp: OwnershipPolicy = profile.s1sp_ownership
    device: OwnershipPolicy = profile.device_ownership

    def ownership(command: SignedCommand) -> Rejection | None:
        return None if s1sp(command) is None else device(command)

    return replace(profile, device_ownership=ownership)


def smets1_ownership_elsewhere(profile: Profile) -> Profile:
    """The SMETS1 signer checked by the other party than the profile says (the DSP at once
    instead of the S1SP after the I99, or the other way round)."""
    at = profile.smets1_ownership_at
    other = Smets1OwnershipAt.S1SP if at is Smets1OwnershipAt.DSP else Smets1OwnershipAt.DSP
    return replace(profile, smets1_ownership_at=other)
