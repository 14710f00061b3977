"""Mutant DSPs: small, named, deliberate faults, to prove the scenarios catch broken DSPs.

Each mutant is the conforming reference DSP with one fault a real DSP build could have.
A fault in a rule is a transformation of the active Profile (a policy or a rule under one
requirement ID is wrapped, so the mutant composes with every profile and switch); a fault
in the engine's own flow (RequestID replay, the pre-command signer, the order in which the
DSP and S1SP copies are written) is an ``EngineFaults`` flag of the ``ReferenceDsp``.

``dsp-conformance selftest`` runs the scenarios against the reference and every mutant and
reports which scenarios catch (kill) each one; ``DSP_CONFORMANCE_MUTANT`` (read by
``harness/runtime.py``) and ``dsp-conformance serve --mutant NAME`` select one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from harness.domain.clock import Clock, ManualClock
from harness.domain.devices import Generation
from harness.domain.registration import RegistrationData
from harness.domain.requests import RequestBody
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval, Period
from harness.errors import UnknownName
from harness.reference.context import Check, PastExecution, Policy, Rejection, Rule
from harness.reference.dsp import CONFORMING, EngineFaults, ReferenceDsp
from harness.reference.ownership import OwnershipPolicy, SignedCommand
from harness.reference.profiles import Profile
from harness.reference.rules import RULES
from harness.srv import registry

ProfileTransform = Callable[[Profile], Profile]

BASELINE = ("baseline",)


def unchanged(profile: Profile) -> Profile:
    return profile


@dataclass(frozen=True)
class Mutant:
    """One broken DSP: the conforming reference with ``transform`` and ``faults`` applied.

    ``profiles`` are the profiles under which the fault can show (the selftest runs the
    mutant under these; ``why`` says why when it is not just baseline)."""

    name: str
    description: str
    violates: tuple[str, ...]
    transform: ProfileTransform = unchanged
    faults: EngineFaults = CONFORMING
    profiles: tuple[str, ...] = BASELINE
    why: str = "the fault shows under today's rules"

    def apply(self, profile: Profile) -> Profile:
        """The profile with the fault; its name is kept, so expectations stay per profile."""
        return replace(self.transform(profile), name=profile.name)


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
def _scope_smets2_critical_too(profile: Profile) -> Profile:
    inner: Policy = profile.rdp_scope

    def scope(check: Check) -> bool:
        return _smets_critical(check, Generation.SMETS2) or inner(check)

    return replace(profile, rdp_scope=scope)


def _scope_without_smets1_critical(profile: Profile) -> Profile:
    inner: Policy = profile.rdp_scope

    def scope(check: Check) -> bool:
        return not _smets_critical(check, Generation.SMETS1) and inner(check)

    return replace(profile, rdp_scope=scope)


def _range_start_only(inner: Rule, check: Check) -> Rejection | None:
    body, period = check.request.body, check.request.requested_period
    if period is None:
        return inner(check)
    start_only = registry.for_body(body).with_period(body, Period(period.start, period.start))
    return inner(replace(check, request=replace(check.request, body=start_only)))


def _receipt_time(inner: Rule, check: Check) -> Rejection | None:
    request = check.request
    if request.execution_time is None:
        return inner(check)
    at_receipt = replace(request, body=_without_execution_time(request.body))
    rejection = inner(replace(check, request=at_receipt))
    if rejection is not None and rejection.requirement == "SRPD-6.1f-iii":
        rejection = replace(rejection, requirement="SRPD-6.1f-ii")  # the limb it claims
    return rejection


def _future_registrations_ignored(inner: Rule, check: Check) -> Rejection | None:
    def begun(interval: Interval) -> Interval | None:
        return interval if interval.start is None or interval.start <= check.now else None

    return inner(_with_registrations(check, begun))


def _open_ended_expired(inner: Rule, check: Check) -> Rejection | None:
    return inner(_with_registrations(check, lambda i: i if i.end is not None else None))


def _end_inclusive(inner: Rule, check: Check) -> Rejection | None:
    def inclusive(interval: Interval) -> Interval:
        if interval.end is None:
            return interval
        return Interval(interval.start, interval.end + timedelta(microseconds=1))

    return inner(_with_registrations(check, inclusive))


def _e4_as_e2(inner: Rule, check: Check) -> Rejection | None:
    rejection = inner(check)
    if rejection is not None and rejection.code == "E4":
        return replace(rejection, code="E2")
    return rejection


def _mp063_for_every_sender(inner: Rule, check: Check) -> Rejection | None:
    """MP063 as written, then again for a NO's request as if a Supplier had sent it."""
    rejection = inner(check)
    user = check.user
    if rejection is not None or user is None or not user.role.is_network_operator:
        return rejection
    as_supplier = replace(user, role=UserRole.IMPORT_SUPPLIER)
    state = replace(check.state, users={**check.state.users, user.user_id: as_supplier})
    return inner(replace(check, state=state))


def _supplier_places_no_anywhere(inner: Rule, check: Check) -> Rejection | None:
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


def _dcc_control_per_device(inner: Rule, check: Check) -> Rejection | None:
    """DCC control as one flag per device: a device any of whose cells was handed over is
    no longer DCC-controlled at all."""
    device = check.device
    handover = check.request.srv == "6.21"
    if handover and device is not None and check.state.dcc_released.get(device.device_id):
        return Rejection("E062101", f"device {device.device_id} is not DCC-controlled")
    return inner(check)


def _skipped(inner: Rule, check: Check) -> Rejection | None:
    return None


def _cancellation_as_execution_time(inner: Rule, check: Check) -> Rejection | None:
    return inner(replace(check, recognise_cancellation=False))


def _past_execution_as_given(profile: Profile) -> Profile:
    return replace(profile, past_execution=PastExecution.AS_GIVEN)


def _accept_any_signer(command: SignedCommand) -> Rejection | None:
    return None


def _s1sp_unchecked(profile: Profile) -> Profile:
    return replace(profile, s1sp_ownership=_accept_any_signer)


def _device_unchecked(profile: Profile) -> Profile:
    return replace(profile, device_ownership=_accept_any_signer)


def _smets1_fix_on_smets2(profile: Profile) -> Profile:
    """The device accepts whatever the profile's S1SP accepts (its DP107 relaxation)."""
    s1sp: OwnershipPolicy = profile.s1sp_ownership
    device: OwnershipPolicy = profile.device_ownership

    def ownership(command: SignedCommand) -> Rejection | None:
        return None if s1sp(command) is None else device(command)

    return replace(profile, device_ownership=ownership)


# -- the catalogue --------------------------------------------------------------------------
MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "rdp-check-on-smets2-critical",
        "SRPD 6.1(f) is applied to SMETS2 Critical Service Requests too, so the owner of a "
        "SMETS2 device's certificate who is not the registered party is refused with E4.",
        ("SRPD-6.1f-scope", "DP107-smets2-contrast"),
        transform=_scope_smets2_critical_too,
    ),
    Mutant(
        "rdp-check-skipped-smets1-critical",
        "SRPD 6.1(f) is skipped for SMETS1 Critical Service Requests: a NO that owns the "
        "notified certificate but is not the registered NO gets through.",
        ("SRPD-6.1f-scope", "DP107-deadlock"),
        transform=_scope_without_smets1_critical,
    ),
    Mutant(
        "range-start-only",
        "A requested date range is checked against the Registration Data at its start only, "
        "not at every instant within it.",
        ("SRPD-6.1f-i",),
        transform=wrap_rule("SRPD-6.1f", _range_start_only),
    ),
    Mutant(
        "receipt-time-not-execution-time",
        "A future-dated request is judged against the Registration Data at the time it is "
        "received, not at its execution time.",
        ("SRPD-6.1f-ii", "SRPD-6.1f-will-be"),
        transform=wrap_rule("SRPD-6.1f", _receipt_time),
    ),
    Mutant(
        "future-registrations-ignored",
        "'Is or will be' loses 'will be': a registration that has not begun yet counts for "
        "nothing, even for an execution time or range inside it.",
        ("SRPD-6.1f-will-be", "SRPD-6.1f-ii"),
        transform=wrap_rule("SRPD-6.1f", _future_registrations_ignored),
    ),
    Mutant(
        "open-ended-registration-expired",
        "A registration with no end date is treated as expired, so the currently registered "
        "party is refused.",
        ("SRPD-6.1f-iii", "SRPD-6.1f-ii", "SRPD-6.1f-i"),
        transform=wrap_rule("SRPD-6.1f", _open_ended_expired),
    ),
    Mutant(
        "registration-end-inclusive",
        "The end of a registration is treated as inclusive: the losing party still counts "
        "at the very instant its registration ends.",
        ("SRPD-6.1f-ii", "SRPD-6.1f-i"),
        transform=wrap_rule("SRPD-6.1f", _end_inclusive),
    ),
    Mutant(
        "smets1-ownership-unchecked",
        "The S1SP executes a SMETS1 critical command without checking that its signer owns "
        "the notified certificate.",
        ("SEC-OWNERSHIP-SMETS1", "DP107-deadlock"),
        transform=_s1sp_unchecked,
    ),
    Mutant(
        "smets2-ownership-unchecked",
        "The SMETS2 device executes a critical command without checking that its signer "
        "owns the certificate in the trust anchor cell.",
        ("SEC-OWNERSHIP-SMETS2", "DP107-smets2-contrast"),
        transform=_device_unchecked,
    ),
    Mutant(
        "supplier-replaces-handed-over-no-cells",
        "A Supplier's SRV 6.15.1 replaces the network operator certificates on an ESME "
        "whoever holds them, not only while they are still the DCC's.",
        ("SRV-6.15.1-role",),
        transform=wrap_rule("SRV-6.15.1-role", _supplier_places_no_anywhere),
    ),
    Mutant(
        "dcc-control-per-device",
        "DCC control is one flag per device: handing over the supplier cells with SRV 6.21 "
        "releases the network operator cells too, so their handover is refused.",
        ("SRV-6.21-handover",),
        transform=wrap_rule("SRV-6.21-handover", _dcc_control_per_device),
    ),
    Mutant(
        "inventory-open-to-any-supplier",
        "SRV 8.2 Read Inventory has no eligibility check: any Supplier reads the inventory of "
        "any device, not only the current and future Suppliers of its meter point.",
        ("SRV-8.2-eligibility",),
        transform=wrap_rule("SRV-8.2-eligibility", _skipped),
    ),
    Mutant(
        "wrong-signer-accepted",
        "The DSP does not check that the signed pre-command (Command Variant 5) is signed "
        "with the sender's own digital-signing key.",
        ("CRIT-precommand",),
        faults=EngineFaults(skip_pre_command_signer_check=True),
    ),
    Mutant(
        "signed-pre-command-unchecked-access",
        "A signed pre-command (Command Variant 5) skips the User and web service checks: a "
        "User suspended after its CV 4 completes the command, and a CV 5 sent to the "
        "transform web service is executed.",
        ("CRIT-precommand-access",),
        faults=EngineFaults(skip_pre_command_access_checks=True),
    ),
    Mutant(
        "request-id-replay-accepted",
        "A RequestID counter the originator has already used is accepted again.",
        ("DUIS-request-id",),
        faults=EngineFaults(accept_replayed_request_id=True),
    ),
    Mutant(
        "backdated-execution-time-honoured",
        "An execution time already past is taken as given: a Supplier whose registration "
        "ended sends a request backdated into its registration, passes SRPD 6.1(f) and the "
        "DSP runs it now, while the current Supplier is refused the same request.",
        ("SRPD-6.1f-past-execution",),
        transform=_past_execution_as_given,
    ),
    Mutant(
        "future-dated-never-rechecked",
        "A future-dated command the DSP holds is judged on receipt only: when it falls due it "
        "runs even if the sender's registration was corrected to end before its execution time.",
        ("DUIS-future-dated-recheck", "SRPD-6.1f-ii", "SRPD-6.1f-i"),
        faults=EngineFaults(skip_recheck_when_due=True),
    ),
    Mutant(
        "future-dated-never-timed-out",
        "A future-dated command the DSP holds waits for its device however long it stays out "
        "of reach, and runs days late instead of timing out with E30.",
        ("DUIS-future-dated-timeout",),
        faults=EngineFaults(never_time_out=True),
    ),
    Mutant(
        "cancellation-judged-at-year-3000",
        "A cancellation (ExecutionDateTime 3000-12-31) is judged by SRPD 6.1(f)(ii) as an "
        "ordinary execution time, at the year 3000: a NO whose registration ends cannot "
        "cancel its own pending command.",
        ("DUIS-future-dated-cancellation", "SRPD-6.1f-ii"),
        transform=wrap_rule("SRPD-6.1f", _cancellation_as_execution_time),
    ),
    Mutant(
        "e4-answered-as-e2",
        "A Registration Data refusal is answered with E2 (role not allowed this SRV) "
        "instead of E4 (not authorised for the device at the required date and time).",
        ("SRPD-6.1f-i", "SRPD-6.1f-ii", "SRPD-6.1f-iii"),
        transform=wrap_rule("SRPD-6.1f", _e4_as_e2),
    ),
    Mutant(
        "dsp-s1sp-copies-updated-separately",
        "A SMETS1 certificate update writes the DSP copy before the S1SP's, so when the S1SP "
        "fails the DSP copy has changed and the S1SP's has not.",
        ("DSP-S1SP-consistency",),
        faults=EngineFaults(dsp_copy_before_s1sp=True),
    ),
    Mutant(
        "dp107-fix-applied-to-smets2",
        "The DP107 relaxation of the S1SP ownership check is applied to SMETS2 devices too: "
        "the registered NO replaces a SMETS2 device's NO certificate it does not own.",
        ("DP107-registered-path", "DP107-smets2-contrast", "SEC-OWNERSHIP-SMETS2"),
        transform=_smets1_fix_on_smets2,
        profiles=("dp107-registered-path",),
        why="only dp107-registered-path relaxes an ownership check; dp107-owner-path waives "
        "the RDP check, which SMETS2 critical SRs never get, so there it is equivalent",
    ),
    Mutant(
        "mp063-check-on-no-own-krp",
        "The MP063 check is applied to a Network Operator's own SRV 6.15.1, not only to "
        "Suppliers' requests: the check is silently widened.",
        ("MP063-check", "DP107-hazard"),
        transform=wrap_rule("MP063-check", _mp063_for_every_sender),
        profiles=("baseline+mp063-check",),
        why="the MP063 check exists only under the +mp063-check switch",
    ),
)

# -- code mutants: DSPs that number their private checks otherwise ---------------------------
# Not in the kill matrix: a DSP that rejects for the right reason with another code than one
# graded ``model`` conforms; the scenarios must give it deviations, not failures (and fail it
# only under --strict-codes). The second one adds a wrong outcome, which fails either way.
CODE_MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "model-codes-remapped",
        "Every rejection with a code graded model (meaning not public) is answered with "
        "another model-graded code; every outcome is unchanged.",
        ("DUIS-request-id", "CRIT-precommand"),
        faults=EngineFaults(remap_model_codes=True),
    ),
    Mutant(
        "model-codes-remapped-replay-accepted",
        "Model-graded codes are answered with others, and a RequestID counter the "
        "originator has already used is accepted again (a wrong outcome).",
        ("DUIS-request-id",),
        faults=EngineFaults(remap_model_codes=True, accept_replayed_request_id=True),
    ),
)

_BY_NAME = {m.name: m for m in (*MUTANTS, *CODE_MUTANTS)}


def mutant_names() -> list[str]:
    """The kill catalogue (code mutants are named by :data:`CODE_MUTANTS`)."""
    return [m.name for m in MUTANTS]


def mutant(name: str) -> Mutant:
    try:
        return _BY_NAME[name.strip()]
    except KeyError:
        raise UnknownName(
            f"unknown mutant {name!r}; known mutants: {', '.join(_BY_NAME)}"
        ) from None


def with_mutant(profile: Profile, name: str | None) -> tuple[Profile, EngineFaults]:
    """The profile and engine faults of a DSP with the named mutant (None: conforming)."""
    if not name:
        return profile, CONFORMING
    broken = mutant(name)
    return broken.apply(profile), broken.faults


def mutant_dsp(name: str, profile: Profile, clock: Clock | None = None) -> ReferenceDsp:
    """A reference DSP with the named mutant's fault, under ``profile``."""
    mutated, faults = with_mutant(profile, name)
    return ReferenceDsp(mutated, clock or ManualClock(), faults=faults)
