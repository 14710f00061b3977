"""Rule profiles: named, versioned tables of rules. Adding a profile touches this file only.

A profile says which function stands under each requirement ID in the DSP's pipeline, which
requests SRPD 6.1(f) reaches (``rdp_scope``), what an execution time already past means
(``past_execution``), who checks a SMETS1 command's signer (``smets1_ownership_at``) and
what the S1SP accepts as proof of certificate ownership (``s1sp_ownership``). A *switch*
(``+mp063-check``) adds rules, or sets a parameter, on top of any profile.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from harness.domain.certificates import KeyUsage
from harness.domain.devices import Generation
from harness.domain.roles import RemotePartyRole
from harness.errors import UnknownName
from harness.reference import ownership
from harness.reference.cells import Cell
from harness.reference.context import Check, PastExecution, Policy, Rejection, Rule
from harness.reference.rules import RULES, authorisation, bodies, device, dp107, srpd, stamp

# The registering modules must be imported for RULES to be complete.
_ = (authorisation, bodies, device, dp107, srpd)

PIPELINE: tuple[str, ...] = (
    # 2. the User
    "DUIS-E1",
    "DUIS-E3",
    "DUIS-E2",
    "DUIS-E12",
    "DUIS-E13",
    # 3. the device
    "DUIS-E19",
    "DUIS-E11",
    "DUIS-E5",
    # 4. Registration Data
    "SRPD-6.1f",
    # 5. the body
    "SRV-6.15.1-role",
    "SRV-6.15.1-certificates",
    "SRV-6.15.1-execution-time",
    "SRV-6.21-handover",
    "SRV-6.23-cos",
    "SRV-6.24.2-device-certificate",
    "SRV-8.2-eligibility",
)


@dataclass(frozen=True)
class Profile:
    name: str
    version: str
    summary: str
    requirement: str | None
    rdp_scope: Policy = srpd.baseline_scope
    past_execution: PastExecution = PastExecution.NOW  # an execution time already past
    smets1_ownership_at: ownership.Smets1OwnershipAt = ownership.Smets1OwnershipAt.S1SP
    s1sp_ownership: ownership.OwnershipPolicy = ownership.s1sp_owner_signed
    device_ownership: ownership.OwnershipPolicy = ownership.device_ownership
    pipeline: tuple[str, ...] = PIPELINE
    overrides: Mapping[str, Rule] = field(default_factory=dict)
    switches: tuple[str, ...] = ()
    # For the options appraisal: the SEC/DUIS text the option would change, and whether its
    # rules are published text ("fact") or the harness's reading of a candidate ("model").
    touches: tuple[str, ...] = ()
    grade: str = "model"

    def rules(self) -> list[tuple[str, Rule]]:
        return [(rid, self.overrides.get(rid) or RULES[rid]) for rid in self.pipeline]

    def scopes(self) -> Mapping[str, Policy]:
        """The requirements whose reach is a policy of the profile: which requests each
        applies to. A rule sees only the requests its requirement reaches."""
        return {"SRPD-6.1f": self.rdp_scope}

    def apply(self, requirement: str, check: Check) -> Rejection | None:
        """The rule standing under ``requirement``, as the pipeline runs it: only if the
        requirement reaches the request, its rejection stamped with the requirement ID."""
        scope = self.scopes().get(requirement)
        if scope is not None and not scope(check):
            return None
        rejection = (self.overrides.get(requirement) or RULES[requirement])(check)
        return None if rejection is None else stamp(requirement, rejection)

    def run(self, check: Check) -> Rejection | None:
        """The first rule of the pipeline that rejects the request decides."""
        for rid in self.pipeline:
            rejection = self.apply(rid, check)
            if rejection is not None:
                return rejection
        return None


# -- DP107 candidate: the owner of the current NO certificate may replace it -------------
def sender_owns_notified_no_certificate(check: Check) -> bool:
    device = check.device
    if device is None:
        return False
    current = check.state.current_certificate(
        device.device_id, Cell(RemotePartyRole.NETWORK_OPERATOR, KeyUsage.DIGITAL_SIGNING)
    )
    return current is not None and current.owner == check.request.sender


def owner_path_scope(check: Check) -> bool:
    device = check.device
    waived = (
        device is not None
        and device.generation is Generation.SMETS1
        and ownership.replaces_network_operator(check)
        and sender_owns_notified_no_certificate(check)
    )
    return False if waived else srpd.baseline_scope(check)


# -- DP107 candidate: the registered NO may replace it; the DCC countersigns -------------
def registered_path_s1sp(command: ownership.SignedCommand) -> Rejection | None:
    """Waive the signer check for the registered *network operator* only: a Supplier
    placing NO certificates still signs as Supplier and is checked as one."""
    check = command.check
    sender_is_no = check.user is not None and check.user.role.is_network_operator
    if (
        sender_is_no
        and ownership.replaces_network_operator(check)
        and ownership.sender_is_registered(check)
    ):
        return None
    return ownership.s1sp_owner_signed(command)


BASELINE = Profile(
    name="baseline",
    version="2020.1",
    summary="Today's rules: SRPD 6.1(f) for non-critical and SMETS1 critical SRs; "
    "certificate ownership checked by the SMETS2 device or the S1SP.",
    requirement=None,
    grade="fact",
)

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        BASELINE,
        replace(
            BASELINE,
            name="dp107-owner-path",
            version="dp107-a",
            summary="SMETS1 6.15.1 replacing the NO certificate: the RDP check is waived "
            "when the sender owns the currently notified NO certificate.",
            requirement="DP107-owner-path",
            grade="model",
            rdp_scope=owner_path_scope,
            touches=(
                "SEC Appendix AB (SRPD) 6.1(f): an exception for SMETS1 SRV 6.15.1 sent by "
                "the owner of the notified NO certificate",
            ),
        ),
        replace(
            BASELINE,
            name="dp107-registered-path",
            version="dp107-b",
            summary="SMETS1 6.15.1 replacing the NO certificate: the registered NO may "
            "replace it without owning it (the DCC countersigns).",
            requirement="DP107-registered-path",
            grade="model",
            s1sp_ownership=registered_path_s1sp,
            touches=(
                "the S1SP ownership rule for SMETS1 Critical Commands: the registered NO may "
                "replace the notified NO certificate without proof of possession of its key",
                "the DCC countersigning SMETS1 SRV 6.15.1 on the registered NO's behalf",
            ),
        ),
        replace(
            BASELINE,
            name="dp107-owner-to-registered",
            version="dp107-c",
            summary="SMETS1 6.15.1 replacing the NO certificate: its owner may replace it "
            "(the RDP check is waived), but only with certificates of the registered NO.",
            requirement="DP107-owner-to-registered",
            grade="model",
            rdp_scope=owner_path_scope,
            pipeline=(*PIPELINE, "DP107-owner-to-registered"),
            touches=(
                "SEC Appendix AB (SRPD) 6.1(f): an exception for SMETS1 SRV 6.15.1 sent by "
                "the owner of the notified NO certificate",
                "a new DSP validation of SMETS1 SRV 6.15.1: the replacement NO certificates "
                "must be owned by the registered NO (refused with E061504)",
            ),
        ),
    )
}


@dataclass(frozen=True)
class Switch:
    """Rules added on top of any profile (``baseline+mp063-check``)."""

    name: str
    summary: str
    apply: Callable[[Profile], Profile]
    standard_on: tuple[str, ...] = ("baseline",)  # the runs ``--all-profiles`` adds
    touches: tuple[str, ...] = ()  # as a profile's


def _with_mp063(profile: Profile) -> Profile:
    return replace(
        profile,
        pipeline=(*profile.pipeline, "MP063-check"),
        touches=(*profile.touches, *SWITCHES["mp063-check"].touches),
        grade="model",
    )


def _smets1_ownership_in_dsp(profile: Profile) -> Profile:
    return replace(profile, smets1_ownership_at=ownership.Smets1OwnershipAt.DSP)


SWITCHES: dict[str, Switch] = {
    s.name: s
    for s in (
        Switch(
            "mp063-check",
            "adds the MP063 check to any profile, e.g. baseline+mp063-check",
            _with_mp063,
            touches=(
                "DUIS: a new DSP validation of SRV 6.15.1 and 6.21 sent by a Supplier (the "
                "placed NO certificate must be the registered NO's)",
                "DUIS response codes E061505 and E062105 for that validation",
            ),
        ),
        Switch(
            "smets1-ownership-in-dsp",
            "the DSP, not the S1SP, checks a SMETS1 command's signer, refusing the signed "
            "pre-command at once (E51), e.g. baseline+smets1-ownership-in-dsp",
            _smets1_ownership_in_dsp,
            standard_on=(),
        ),
    )
}


def profile_names() -> list[str]:
    """Every base profile, and every base profile with each switch."""
    names = list(PROFILES)
    names += [f"{p}+{s}" for p in PROFILES for s in SWITCHES]
    return names


def standard_profiles() -> list[str]:
    """What ``--all-profiles`` runs (``run`` and ``selftest``): every base profile, then each
    switch on the profiles it is standard on."""
    names = list(PROFILES)
    names += [f"{p}+{s.name}" for s in SWITCHES.values() for p in s.standard_on if p in PROFILES]
    return names


@functools.cache  # a scenario's World resolves its profile; profiles are frozen values
def resolve(name: str) -> Profile:
    """``baseline``, ``dp107-owner-path+mp063-check``, … (a bare switch means baseline+it)."""
    base_name, *switch_names = [part.strip() for part in name.split("+")]
    if base_name in SWITCHES and not switch_names:
        base_name, switch_names = "baseline", [base_name]
    if base_name not in PROFILES:
        raise UnknownName(
            f"unknown profile {name!r}; known profiles: {', '.join(PROFILES)}; "
            f"switches (add with +): {', '.join(SWITCHES)}"
        )
    profile = PROFILES[base_name]
    switches = sorted(set(switch_names))  # a switch named twice is applied once
    for switch in switches:
        if switch not in SWITCHES:
            raise UnknownName(
                f"unknown switch {switch!r} in profile {name!r}; known: {', '.join(SWITCHES)}"
            )
        profile = SWITCHES[switch].apply(profile)
    canonical = "+".join([base_name, *switches])
    return replace(profile, name=canonical, switches=tuple(switches))
