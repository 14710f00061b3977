"""Every rule the reference DSP registers, shown both accepting and rejecting.

Each row builds one Service Request against the standard cast and says what the rule
registered under ``rule`` must make of it: ``ACCEPT`` (the rule passes it, and so does the
whole DSP) or a (code, requirement) pair (the rule rejects it, and the DSP answers with
exactly that, since the row is built so no earlier check fails first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import yaml
from dsp_scene import KA, MPAN_B, Scene, standard_cast

from harness.domain.parties import UserStatus
from harness.domain.requests import (
    CertificatePair,
    Endpoint,
    Outcome,
    ReadInstantaneousImportRegisters,
    ReadInventory,
    ReadProfileData,
    RequestHandover,
    ServiceRequest,
    UpdateSecurityCredentialsCoS,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Period, parse_instant
from harness.reference import ownership
from harness.reference.context import Check, Rejection
from harness.reference.dsp import FLOW_REQUIREMENTS
from harness.reference.profiles import Profile, profile_names, resolve
from harness.reference.rules import LIMBS, RULES, RuleTableError
from harness.srv.retrieval import RetrieveDeviceSecurityCredentialsDevice

ACCEPT = None
Build = Callable[[Scene], ServiceRequest]


@dataclass(frozen=True)
class Row:
    rule: str
    label: str
    build: Build
    expected: tuple[str, str] | None  # (code, requirement) or ACCEPT
    profile: str = "baseline"

    @property
    def id(self) -> str:
        verdict = "accepts" if self.expected is None else f"rejects-{self.expected[0]}"
        return f"{self.rule}:{verdict}:{self.label}"


# -- request builders ---------------------------------------------------------------------
def read_registers(
    sender: str,
    device: str = "esme2",
    *,
    command_variant: int | None = None,
    endpoint: Endpoint | None = None,
) -> Build:
    def build(scene: Scene) -> ServiceRequest:
        body = ReadInstantaneousImportRegisters()
        return scene.request(
            sender, device, "4.1.1", body, command_variant=command_variant, endpoint=endpoint
        )

    return build


def read_profile(sender: str, device: str = "esme2") -> Build:
    period = Period(parse_instant("2026-02-01"), parse_instant("2026-02-02"))
    return lambda scene: scene.request(sender, device, "4.8.1", ReadProfileData(period))


def read_inventory(sender: str, device: str, endpoint: Endpoint | None = None) -> Build:
    def build(scene: Scene) -> ServiceRequest:
        body = ReadInventory(device_id=scene.eui("device", device))
        return scene.request(sender, device, "8.2", body, endpoint=endpoint)

    return build


def device_credentials(sender: str, device: str) -> Build:
    body = RetrieveDeviceSecurityCredentialsDevice()
    return lambda scene: scene.request(sender, device, "6.24.2", body, command_variant=4)


def krp(
    sender: str,
    device: str,
    certificates_of: str,
    *,
    role: RemotePartyRole | None = None,
    generation: int = 0,
    execution: str | None = None,
    replacement: Callable[[Scene], CertificatePair] | None = None,
    command_variant: int = 4,
) -> Build:
    def build(scene: Scene) -> ServiceRequest:
        body = scene.krp(certificates_of, role=role, generation=generation, execution=execution)
        if replacement is not None:
            body = UpdateSecurityCredentialsKRP(
                body.remote_party_role, replacement(scene), body.certification_path
            )
        return scene.request(sender, device, "6.15.1", body, command_variant=command_variant)

    return build


def handover(
    sender: str, device: str, *, supplier: str | None = None, network_operator: str | None = None
) -> Build:
    def build(scene: Scene) -> ServiceRequest:
        body = RequestHandover(
            scene.pair(supplier) if supplier else None,
            scene.pair(network_operator) if network_operator else None,
        )
        return scene.request(sender, device, "6.21", body)

    return build


def change_of_supplier(sender: str, device: str, meter_point: str, certificates_of: str) -> Build:
    def build(scene: Scene) -> ServiceRequest:
        point = {"own": scene.devices[device].meter_point, "other": MPAN_B}[meter_point]
        assert point is not None
        body = UpdateSecurityCredentialsCoS(point, scene.pair(certificates_of))
        return scene.request(sender, device, "6.23", body)

    return build


def swapped_usages(scene: Scene) -> CertificatePair:
    own = scene.pair("NO-A", generation=1)
    return CertificatePair(own.key_agreement, own.digital_signing)


def no_certificates(_: Scene) -> CertificatePair:
    return CertificatePair(None, None)


def not_der(scene: Scene) -> CertificatePair:
    return CertificatePair(b"\x30\x03not a certificate", scene.pair("NO-A", 1).key_agreement)


def agreement_only(scene: Scene) -> CertificatePair:
    return CertificatePair(None, scene.credential("NO-A", KA, 1).certificate.der)


MP063 = "baseline+mp063-check"
OWNER_TO_REGISTERED = "dp107-owner-to-registered"

ROWS: tuple[Row, ...] = (
    # -- stage 2: the User ---------------------------------------------------------------
    Row("DUIS-E1", "known supplier", read_registers("SUP-A"), ACCEPT),
    Row("DUIS-E1", "unknown User ID", read_registers("GHOST"), ("E1", "DUIS-E1")),
    Row("DUIS-E3", "active user", read_registers("NO-A"), ACCEPT),
    Row("DUIS-E3", "suspended user", read_registers("SUSP"), ("E3", "DUIS-E3")),
    Row("DUIS-E2", "OU may read profile data", read_profile("OU-A"), ACCEPT),
    Row("DUIS-E2", "OU may not read registers", read_registers("OU-A"), ("E2", "DUIS-E2")),
    Row(
        "DUIS-E2",
        "SRV not in the catalogue",
        lambda s: s.request("SUP-A", "esme2", "9.99", ReadInstantaneousImportRegisters()),
        ("E2", "DUIS-E2"),
    ),
    Row("DUIS-E12", "CV 1 for 4.1.1", read_registers("SUP-A", command_variant=1), ACCEPT),
    Row(
        "DUIS-E12",
        "CV 8 for 4.1.1",
        read_registers("SUP-A", command_variant=8),
        ("E12", "DUIS-E12"),
    ),
    Row(
        "DUIS-E12",
        "CV 1 for the critical 6.15.1",
        krp("NO-A", "esme2", "NO-A", generation=1, command_variant=1),
        ("E12", "DUIS-E12"),
    ),
    Row(
        "DUIS-E13",
        "non-device request on the non-device service",
        read_inventory("SUP-A", "esme2", Endpoint.NON_DEVICE),
        ACCEPT,
    ),
    Row(
        "DUIS-E13",
        "CV 1 on the transform service",
        read_registers("SUP-A", endpoint=Endpoint.TRANSFORM),
        ("E13", "DUIS-E13"),
    ),
    Row(
        "DUIS-E13",
        "CV 8 on the send-command service",
        read_inventory("SUP-A", "esme2", Endpoint.SEND_COMMAND),
        ("E13", "DUIS-E13"),
    ),
    # -- stage 3: the device -------------------------------------------------------------
    Row("DUIS-E19", "device in the SMI", read_registers("SUP-A", "esme2"), ACCEPT),
    Row(
        "DUIS-E19",
        "non-device SRV needs no SMI entry",
        read_inventory("SUP-A", "ghost"),
        ACCEPT,
    ),
    Row("DUIS-E19", "device not in the SMI", read_registers("SUP-A", "ghost"), ("E19", "DUIS-E19")),
    Row("DUIS-E11", "4.1.1 to an ESME", read_registers("SUP-A", "esme2"), ACCEPT),
    Row("DUIS-E11", "4.1.1 to an IHD", read_registers("SUP-A", "ihd"), ("E11", "DUIS-E11")),
    Row(
        "DUIS-E11",
        "6.23 to a GPF",
        change_of_supplier("GS-A", "gpf-dcc", "own", "GS-A"),
        ("E11", "DUIS-E11"),
    ),
    Row(
        "DUIS-E5", "installed, not commissioned", read_registers("SUP-A", "uncommissioned"), ACCEPT
    ),
    Row("DUIS-E5", "suspended device", read_registers("SUP-A", "suspended"), ("E5", "DUIS-E5")),
    # -- stage 4: Registration Data ------------------------------------------------------
    Row("SRPD-6.1f", "registered NO", read_registers("NO-A"), ACCEPT),
    Row("SRPD-6.1f", "registered gas supplier on a GSME", read_registers("GS-A", "gsme"), ACCEPT),
    Row("SRPD-6.1f", "OU needs no registration", read_profile("OU-A"), ACCEPT),
    Row("SRPD-6.1f", "unregistered NO", read_registers("NO-B"), ("E4", "SRPD-6.1f-iii")),
    Row(
        "SRPD-6.1f",
        "unregistered NO over a range",
        read_profile("NO-B"),
        ("E4", "SRPD-6.1f-i"),
    ),
    Row(
        "SRPD-6.1f",
        "gas supplier is never registered for an MPAN",
        read_registers("GS-A", "esme2"),
        ("E4", "SRPD-6.1f-iii"),
    ),
    Row(
        "SRPD-6.1f",
        "device without a meter point",
        read_registers("SUP-A", "no-mpan"),
        ("E4", "SRPD-6.1f-iii"),
    ),
    # -- stage 5: bodies -----------------------------------------------------------------
    Row(
        "SRV-6.15.1-role",
        "NO replaces its own cell",
        krp("NO-A", "esme2", "NO-A", generation=1),
        ACCEPT,
    ),
    Row(
        "SRV-6.15.1-role",
        "supplier places NO certificates on an ESME whose NO cells are the DCC's",
        krp("SUP-A", "dcc", "NO-A", generation=1),
        ACCEPT,
    ),
    Row(
        "SRV-6.15.1-role",
        "supplier replaces a NO's own certificates on an ESME",
        krp("SUP-A", "esme2", "NO-A", generation=1),
        ("E061501", "SRV-6.15.1-role"),
    ),
    Row(
        "SRV-6.15.1-role",
        "NO replaces the supplier cell",
        krp("NO-A", "esme2", "SUP-A", generation=1),
        ("E061501", "SRV-6.15.1-role"),
    ),
    Row(
        "SRV-6.15.1-role",
        "gas supplier places GT certificates on a GSME",
        krp("GS-A", "gsme", "GT-A"),
        ("E061501", "SRV-6.15.1-role"),
    ),
    Row(
        "SRV-6.15.1-certificates",
        "right role code and usages",
        krp("NO-A", "esme2", "NO-A", generation=1),
        ACCEPT,
    ),
    Row(
        "SRV-6.15.1-certificates",
        "key-agreement certificate alone",
        krp("NO-A", "esme2", "NO-A", replacement=agreement_only),
        ACCEPT,
    ),
    Row(
        "SRV-6.15.1-certificates",
        "supplier certificates in the NO cell",
        krp("NO-A", "esme2", "SUP-A", role=RemotePartyRole.NETWORK_OPERATOR),
        ("E061504", "SRV-6.15.1-certificates"),
    ),
    Row(
        "SRV-6.15.1-certificates",
        "key usages swapped",
        krp("NO-A", "esme2", "NO-A", replacement=swapped_usages),
        ("E061504", "SRV-6.15.1-certificates"),
    ),
    Row(
        "SRV-6.15.1-certificates",
        "no certificate at all",
        krp("NO-A", "esme2", "NO-A", replacement=no_certificates),
        ("E061504", "SRV-6.15.1-certificates"),
    ),
    Row(
        "SRV-6.15.1-certificates",
        "bytes that are not DER",
        krp("NO-A", "esme2", "NO-A", replacement=not_der),
        ("E061504", "SRV-6.15.1-certificates"),
    ),
    Row(
        "SRV-6.15.1-execution-time",
        "execution time exactly now",
        krp("NO-A", "esme2", "NO-A", generation=1, execution="2026-03-01 10:00"),
        ACCEPT,
    ),
    Row(
        "SRV-6.15.1-execution-time",
        "execution time tomorrow",
        krp("NO-A", "esme2", "NO-A", generation=1, execution="2026-03-02 10:00"),
        ACCEPT,
    ),
    Row(
        "SRV-6.15.1-execution-time",
        "execution time a minute ago",
        krp("NO-A", "esme2", "NO-A", generation=1, execution="2026-03-01 09:59"),
        ("E061506", "SRV-6.15.1-execution-time"),
    ),
    Row(
        "SRV-6.21-handover",
        "DCC-controlled ESME",
        handover("SUP-A", "dcc", supplier="SUP-A", network_operator="NO-A"),
        ACCEPT,
    ),
    Row(
        "SRV-6.21-handover",
        "ESME no longer DCC-controlled",
        handover("SUP-A", "esme2", supplier="SUP-A"),
        ("E062101", "SRV-6.21-handover"),
    ),
    Row(
        "SRV-6.21-handover",
        "supplier certificates offered as the NO's",
        handover("SUP-A", "dcc", network_operator="SUP-A"),
        ("E061504", "SRV-6.21-handover"),
    ),
    Row(
        "SRV-6.23-cos",
        "the device's own MPAN",
        change_of_supplier("SUP-A", "esme2", "own", "SUP-A"),
        ACCEPT,
    ),
    Row(
        "SRV-6.23-cos",
        "another MPAN",
        change_of_supplier("SUP-A", "esme2", "other", "SUP-A"),
        ("E062301", "SRV-6.23-cos"),
    ),
    Row(
        "SRV-6.23-cos",
        "NO certificates as the supplier's",
        change_of_supplier("SUP-A", "esme2", "own", "NO-A"),
        ("E061504", "SRV-6.23-cos"),
    ),
    Row(
        "SRV-6.24.2-device-certificate",
        "a SMETS2 meter's own certificate",
        device_credentials("SUP-A", "esme2"),
        ACCEPT,
    ),
    Row(
        "SRV-6.24.2-device-certificate",
        "a SMETS1 meter, which holds no device certificate",
        device_credentials("SUP-A", "esme1"),
        ("E062401", "SRV-6.24.2-device-certificate"),
    ),
    # -- DP107 candidate C: the owner hands the NO certificate to the registered NO only -----
    Row(
        "DP107-owner-to-registered",
        "the owner of the notified NO certificate, registered, renews its own",
        krp("NO-A", "esme1", "NO-A", generation=1),
        ACCEPT,
        OWNER_TO_REGISTERED,
    ),
    Row(
        "DP107-owner-to-registered",
        "the owner of the notified NO certificate places another NO's",
        krp("NO-A", "esme1", "NO-B"),
        ("E061504", "DP107-owner-to-registered"),
        OWNER_TO_REGISTERED,
    ),
    Row(
        "DP107-owner-to-registered",
        "a SMETS2 device is outside the rule",
        krp("NO-A", "esme2", "NO-B"),
        ACCEPT,
        OWNER_TO_REGISTERED,
    ),
    Row(
        "SRV-8.2-eligibility",
        "the registered Supplier reads the inventory",
        read_inventory("SUP-A", "esme2"),
        ACCEPT,
    ),
    Row(
        "SRV-8.2-eligibility",
        "a Supplier never registered for the meter point",
        read_inventory("GS-A", "esme2"),
        ("E4", "SRV-8.2-eligibility"),
    ),
    # -- the MP063 switch ----------------------------------------------------------------
    Row(
        "MP063-check",
        "supplier places the registered NO's certificates (6.15.1)",
        krp("SUP-A", "dcc", "NO-A", generation=1),
        ACCEPT,
        MP063,
    ),
    Row(
        "MP063-check",
        "supplier places an unregistered NO's certificates (6.15.1)",
        krp("SUP-A", "dcc", "NO-B"),
        ("E061505", "MP063-check"),
        MP063,
    ),
    Row(
        "MP063-check",
        "handover with the registered NO's certificates",
        handover("SUP-A", "dcc", network_operator="NO-A"),
        ACCEPT,
        MP063,
    ),
    Row(
        "MP063-check",
        "handover with an unregistered NO's certificates",
        handover("SUP-A", "dcc", network_operator="NO-B"),
        ("E062105", "MP063-check"),
        MP063,
    ),
    Row(
        "MP063-check",
        "gas handover of a GPF with the registered GT's certificates",
        handover("GS-A", "gpf-dcc", network_operator="GT-A"),
        ACCEPT,
        MP063,
    ),
    Row(
        "MP063-check",
        "gas handover of a GPF with an unregistered GT's certificates",
        handover("GS-A", "gpf-dcc", network_operator="GT-B"),
        ("E062105", "MP063-check"),
        MP063,
    ),
    Row(
        "MP063-check",
        "a NO placing another NO's certificates is outside the check",
        krp("NO-A", "esme2", "NO-B"),
        ACCEPT,
        MP063,
    ),
)


def _rows(accepting: bool) -> list[object]:
    return [pytest.param(row, id=row.id) for row in ROWS if (row.expected is None) == accepting]


@pytest.mark.parametrize("row", _rows(accepting=True))
def test_rule_accepts(row: Row) -> None:
    scene = standard_cast(Scene(row.profile))
    request = row.build(scene)
    verdict = scene.dsp.profile.apply(row.rule, scene.check(request))
    assert verdict is None, f"{row.rule} rejected what it should accept: {verdict}"
    response = scene.submit(request)
    assert not response.is_error, (
        f"the DSP rejected an acceptable request: {response.code} [{response.requirement}] "
        f"{response.detail}"
    )
    assert response.outcome in (Outcome.ACKNOWLEDGED, Outcome.TRANSFORMED, Outcome.COMPLETED)


@pytest.mark.parametrize("row", _rows(accepting=False))
def test_rule_rejects(row: Row, requirement_ids: frozenset[str]) -> None:
    assert row.expected is not None
    code, requirement = row.expected
    scene = standard_cast(Scene(row.profile))
    request = row.build(scene)
    verdict = scene.dsp.profile.apply(row.rule, scene.check(request))
    assert verdict is not None, f"{row.rule} accepted what it should reject"
    assert (verdict.code, verdict.requirement, verdict.answered_by) == (code, requirement, "DSP")
    assert requirement in requirement_ids, f"{requirement} is not in features/requirements.yaml"
    listed = catalogued_codes()[requirement]
    assert code in listed, f"{requirement} answers {code}; requirements.yaml lists {listed}"
    response = scene.submit(request)
    assert (response.outcome, response.code, response.requirement) == (
        Outcome.REJECTED,
        code,
        requirement,
    ), f"the DSP answered {response.code} [{response.requirement}]: {response.detail}"
    assert response.detail, "a rejection must say why"


def test_every_registered_rule_has_an_accepting_and_a_rejecting_row() -> None:
    accepting = {row.rule for row in ROWS if row.expected is None}
    rejecting = {row.rule for row in ROWS if row.expected is not None}
    assert set(RULES) == accepting == rejecting, (
        f"rules without an accepting row: {sorted(set(RULES) - accepting)}; "
        f"without a rejecting row: {sorted(set(RULES) - rejecting)}; "
        f"rows for unregistered rules: {sorted((accepting | rejecting) - set(RULES))}"
    )


def test_mp063_rule_is_off_without_the_switch() -> None:
    """The same supplier request MP063 rejects is accepted under plain baseline."""
    for profile, rejected in (("baseline", False), (MP063, True)):
        scene = standard_cast(Scene(profile))
        response = scene.submit(krp("SUP-A", "dcc", "NO-B")(scene))
        assert response.is_error is rejected, f"{profile}: {response.code} {response.detail}"


def test_first_failing_check_decides() -> None:
    """DOMAIN §6: the first failing check decides the code."""
    scene = standard_cast(Scene())
    scene.party("SUSP-OU", "OU", status=UserStatus.SUSPENDED)
    log = ReadProfileData(Period(scene.at("2026-01-01"), scene.at("2026-01-02")))
    registers = ReadInstantaneousImportRegisters()
    cases = (
        # (sender, device, srv, body, expected code, why)
        ("GHOST", "ghost", "4.1.1", registers, "E1", "an unknown User before anything else"),
        ("SUSP-OU", "ghost", "4.1.1", registers, "E3", "User status before role eligibility"),
        ("OU-A", "ghost", "4.1.1", registers, "E2", "role eligibility before the device"),
        ("SUP-A", "ghost", "4.8.1", log, "E19", "the device's existence before Registration"),
        ("NO-B", "suspended", "4.1.1", registers, "E5", "device status before Registration"),
    )
    for sender, device, srv, body, code, why in cases:
        response = scene.submit(scene.request(sender, device, srv, body))
        assert response.code == code, f"{why}: got {response.code} ({response.detail})"
    wrong_cell = scene.krp("NO-A", role=RemotePartyRole.SUPPLIER)
    response = scene.submit(scene.request("NO-B", "esme1", "6.15.1", wrong_cell, command_variant=4))
    assert response.code == "E4", "Registration Data (stage 4) before body checks (stage 5)"


# -- the rule table itself ----------------------------------------------------------------
@functools.cache
def catalogued_codes() -> dict[str, frozenset[str]]:
    """The codes features/requirements.yaml lists for each requirement."""
    path = Path(__file__).resolve().parents[2] / "features" / "requirements.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {row["id"]: frozenset(row.get("codes", [])) for row in document["requirements"]}


def _every_profile() -> list[Profile]:
    return [resolve(name) for name in profile_names()]


def test_rules_are_registered_under_requirement_ids(requirement_ids: frozenset[str]) -> None:
    """A rule stands under a requirement ID, or under the umbrella of the limbs it declares
    (``SRPD-6.1f`` → ``SRPD-6.1f-i/-ii/-iii``); every limb is a catalogued ID of its own."""
    for rule_id in RULES:
        limbs = LIMBS[rule_id]
        assert rule_id in requirement_ids or limbs, f"rule {rule_id} names no requirement"
        for limb in limbs:
            assert limb.startswith(rule_id + "-"), f"{limb} is not a limb of {rule_id}"
            assert limb in requirement_ids, f"limb {limb} is not in features/requirements.yaml"


def test_checks_outside_the_table_cite_catalogued_requirements(
    requirement_ids: frozenset[str],
) -> None:
    for requirement in (*FLOW_REQUIREMENTS, *ownership.REQUIREMENTS):
        assert requirement in requirement_ids, f"{requirement} is not in requirements.yaml"


def test_every_pipeline_names_registered_rules(requirement_ids: frozenset[str]) -> None:
    for profile in _every_profile():
        unknown = [rid for rid in profile.pipeline if rid not in RULES]
        assert not unknown, f"{profile.name} runs unregistered rules {unknown}"
        assert set(profile.scopes()) <= set(profile.pipeline), profile.name
        assert profile.requirement is None or profile.requirement in requirement_ids


@pytest.mark.parametrize("profile", _every_profile(), ids=lambda p: p.name)
def test_the_engine_stamps_the_registered_id(profile: Profile) -> None:
    """A rule that names no requirement reports the one it stands under, in every profile."""
    scene = standard_cast(Scene(profile.name))
    request = read_registers("SUP-A")(scene)
    for rid in profile.pipeline:
        silent = replace(profile, overrides={rid: lambda check: Rejection("E1", "silent")})
        stamped = silent.run(scene.check(request))
        if rid in profile.scopes() and not profile.scopes()[rid](scene.check(request)):
            assert stamped is None or stamped.requirement != rid
            continue
        assert stamped is not None, rid
        assert stamped.requirement == rid


def test_a_rule_may_name_its_declared_limbs_only() -> None:
    scene = standard_cast(Scene())
    request = read_registers("NO-B")(scene)  # in the reach of SRPD 6.1(f)
    for cited, allowed in (("SRPD-6.1f-ii", True), ("SRPD-6.1f", True), ("DUIS-E1", False)):
        rule = lambda check, cited=cited: Rejection("E4", "refined", requirement=cited)  # noqa: E731
        profile = replace(scene.dsp.profile, overrides={"SRPD-6.1f": rule})
        if allowed:
            rejection = profile.run(scene.check(request))
            assert rejection is not None
            assert rejection.requirement == cited
        else:
            with pytest.raises(RuleTableError, match=r"SRPD-6\.1f cited DUIS-E1"):
                profile.run(scene.check(request))


def test_a_rule_sees_only_the_requests_its_requirement_reaches() -> None:
    """SMETS2 critical requests are outside SRPD 6.1(f) under baseline: the rule under it is
    not asked, whatever it would say."""
    scene = standard_cast(Scene())
    asked = []

    def spy(check: Check) -> Rejection | None:
        asked.append(check.request.srv)
        return Rejection("E4", "always")

    profile = replace(scene.dsp.profile, overrides={"SRPD-6.1f": spy})
    smets2_critical = krp("NO-B", "esme2", "NO-B")(scene)
    rejection = profile.run(scene.check(smets2_critical))
    assert asked == []
    assert rejection is None or rejection.requirement != "SRPD-6.1f"
    assert profile.run(scene.check(read_registers("NO-B")(scene))) is not None
    assert asked == ["4.1.1"]
