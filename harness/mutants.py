"""Mutant DSPs: small, named, deliberate faults, to prove the scenarios catch broken DSPs.

Each mutant is the conforming reference DSP with one fault a real DSP build could have.
A fault in a rule is a transformation of the active Profile (a policy or a rule under one
requirement ID is wrapped, so the mutant composes with every profile and switch); a fault
in the engine's own flow (RequestID replay, the pre-command signer, the order in which the
DSP and S1SP copies are written) is an ``EngineFaults`` flag of the ``ReferenceDsp``.

The faults themselves are built in ``harness/mutant_faults.py``.
``dsp-conformance selftest`` runs the scenarios against the reference and every mutant and
reports which scenarios catch (kill) each one; ``DSP_CONFORMANCE_MUTANT`` (read by
``harness/runtime.py``) and ``dsp-conformance serve --mutant NAME`` select one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.domain.clock import Clock, ManualClock
from harness.errors import UnknownName
from harness.mutant_faults import (
    ProfileTransform,
    cancellation_as_execution_time,
    dcc_control_per_device,
    device_unchecked,
    e4_as_e2,
    end_inclusive,
    future_registrations_ignored,
    mp063_for_every_sender,
    open_ended_expired,
    past_execution_as_given,
    range_start_only,
    receipt_time,
    s1sp_unchecked,
    scope_smets2_critical_too,
    scope_without_smets1_critical,
    skipped,
    smets1_fix_on_smets2,
    smets1_ownership_elsewhere,
    supplier_places_no_anywhere,
    unchanged,
    wrap_rule,
)
from harness.reference.dsp import CONFORMING, EngineFaults, ReferenceDsp
from harness.reference.profiles import Profile

BASELINE = ("baseline",)


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


# -- the catalogue --------------------------------------------------------------------------
MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "rdp-check-on-smets2-critical",
        "SRPD 6.1(f) is applied to SMETS2 Critical Service Requests too, so the owner of a "
        "SMETS2 device's certificate who is not the registered party is refused with E4.",
        ("SRPD-6.1f-scope", "DP107-smets2-contrast"),
        transform=scope_smets2_critical_too,
    ),
    Mutant(
        "rdp-check-skipped-smets1-critical",
        "SRPD 6.1(f) is skipped for SMETS1 Critical Service Requests: a NO that owns the "
        "notified certificate but is not the registered NO gets through.",
        ("SRPD-6.1f-scope", "DP107-deadlock"),
        transform=scope_without_smets1_critical,
    ),
    Mutant(
        "range-start-only",
        "A requested date range is checked against the Registration Data at its start only, "
        "not at every instant within it.",
        ("SRPD-6.1f-i",),
        transform=wrap_rule("SRPD-6.1f", range_start_only),
    ),
    Mutant(
        "receipt-time-not-execution-time",
        "A future-dated request is judged against the Registration Data at the time it is "
        "received, not at its execution time.",
        ("SRPD-6.1f-ii", "SRPD-6.1f-will-be"),
        transform=wrap_rule("SRPD-6.1f", receipt_time),
    ),
    Mutant(
        "future-registrations-ignored",
        "'Is or will be' loses 'will be': a registration that has not begun yet counts for "
        "nothing, even for an execution time or range inside it.",
        ("SRPD-6.1f-will-be", "SRPD-6.1f-ii"),
        transform=wrap_rule("SRPD-6.1f", future_registrations_ignored),
    ),
    Mutant(
        "open-ended-registration-expired",
        "A registration with no end date is treated as expired, so the currently registered "
        "party is refused.",
        ("SRPD-6.1f-iii", "SRPD-6.1f-ii", "SRPD-6.1f-i"),
        transform=wrap_rule("SRPD-6.1f", open_ended_expired),
    ),
    Mutant(
        "registration-end-inclusive",
        "The end of a registration is treated as inclusive: the losing party still counts "
        "at the very instant its registration ends.",
        ("SRPD-6.1f-ii", "SRPD-6.1f-i"),
        transform=wrap_rule("SRPD-6.1f", end_inclusive),
    ),
    Mutant(
        "smets1-ownership-unchecked",
        "The S1SP executes a SMETS1 critical command without checking that its signer owns "
        "the notified certificate.",
        ("SEC-OWNERSHIP-SMETS1", "DP107-deadlock"),
        transform=s1sp_unchecked,
    ),
    Mutant(
        "smets2-ownership-unchecked",
        "The SMETS2 device executes a critical command without checking that its signer "
        "owns the certificate in the trust anchor cell.",
        ("SEC-OWNERSHIP-SMETS2", "DP107-smets2-contrast"),
        transform=device_unchecked,
    ),
    Mutant(
        "supplier-replaces-handed-over-no-cells",
        "A Supplier's SRV 6.15.1 replaces the network operator certificates on an ESME "
        "whoever holds them, not only while they are still the DCC's.",
        ("SRV-6.15.1-role",),
        transform=wrap_rule("SRV-6.15.1-role", supplier_places_no_anywhere),
    ),
    Mutant(
        "dcc-control-per-device",
        "DCC control is one flag per device: handing over the supplier cells with SRV 6.21 "
        "releases the network operator cells too, so their handover is refused.",
        ("SRV-6.21-handover",),
        transform=wrap_rule("SRV-6.21-handover", dcc_control_per_device),
    ),
    Mutant(
        "inventory-open-to-any-supplier",
        "SRV 8.2 Read Inventory has no eligibility check: any Supplier reads the inventory of "
        "any device, not only the current and future Suppliers of its meter point.",
        ("SRV-8.2-eligibility",),
        transform=wrap_rule("SRV-8.2-eligibility", skipped),
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
        transform=past_execution_as_given,
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
        transform=wrap_rule("SRPD-6.1f", cancellation_as_execution_time),
    ),
    Mutant(
        "e4-answered-as-e2",
        "A Registration Data refusal is answered with E2 (role not allowed this SRV) "
        "instead of E4 (not authorised for the device at the required date and time).",
        ("SRPD-6.1f-i", "SRPD-6.1f-ii", "SRPD-6.1f-iii"),
        transform=wrap_rule("SRPD-6.1f", e4_as_e2),
    ),
    Mutant(
        "dsp-s1sp-copies-updated-separately",
        "A SMETS1 certificate update writes the DSP copy before the S1SP's, so when the S1SP "
        "fails the DSP copy has changed and the S1SP's has not.",
        ("DSP-S1SP-consistency",),
        faults=EngineFaults(dsp_copy_before_s1sp=True),
    ),
    Mutant(
        "s1sp-failure-answered-e21",
        "An S1SP that fails part-way through an update is reported as E21 (no response from "
        "the device) from the DSP, not as the S1SP's own alert.",
        ("DSP-S1SP-consistency",),
        faults=EngineFaults(s1sp_failure_as_e21=True),
    ),
    Mutant(
        "smets1-ownership-checked-elsewhere",
        "A SMETS1 command's signer is checked by the other party than the profile says: the "
        "DSP refuses the signed pre-command at once (E51) where the S1SP should refuse it "
        "after the I99, and the other way round under +smets1-ownership-in-dsp.",
        ("SEC-OWNERSHIP-SMETS1-checker", "SEC-OWNERSHIP-SMETS1"),
        transform=smets1_ownership_elsewhere,
    ),
    Mutant(
        "dp107-fix-applied-to-smets2",
        "The DP107 relaxation of the S1SP ownership check is applied to SMETS2 devices too: "
        "the registered NO replaces a SMETS2 device's NO certificate it does not own.",
        ("DP107-registered-path", "DP107-smets2-contrast", "SEC-OWNERSHIP-SMETS2"),
        transform=smets1_fix_on_smets2,
        profiles=("dp107-registered-path",),
        why="only dp107-registered-path relaxes an ownership check; dp107-owner-path waives "
        "the RDP check, which SMETS2 critical SRs never get, so there it is equivalent",
    ),
    Mutant(
        "mp063-check-on-no-own-krp",
        "The MP063 check is applied to a Network Operator's own SRV 6.15.1, not only to "
        "Suppliers' requests: the check is silently widened.",
        ("MP063-check", "DP107-hazard"),
        transform=wrap_rule("MP063-check", mp063_for_every_sender),
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

# -- wire mutants: faults in the DUIS envelope of the served DSP -----------------------------
# Killed over DUIS only (``selftest --target-mode http``, which adds them to its catalogue):
# in process there is no envelope, so the in-process selftest leaves them out.
WIRE_MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "schema-version-not-checked",
        "A signed request declaring another DUIS schema version than 5.4 (5.3, 6.0) is read "
        "as a 5.4 request and acted on.",
        ("DUIS-schema-version",),
        faults=EngineFaults(accept_any_schema_version=True),
    ),
    Mutant(
        "bare-400-for-content",
        "A signed, schema-valid request the DSP cannot act on (a time of 24:00, an inverted "
        "read log period) is refused with a bare HTTP 400, not a signed DUIS error (E45).",
        ("DUIS-request-content",),
        faults=EngineFaults(bare_refusal_of_content=True),
    ),
)

_BY_NAME = {m.name: m for m in (*MUTANTS, *CODE_MUTANTS, *WIRE_MUTANTS)}


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
