"""Properties over generated input (Hypothesis, modest example counts so `make test` stays
quick; `make fuzz` runs the same mutator 100,000 times):

- every parser of untrusted input raises nothing but the harness's own errors;
- identifiers that parse print back to themselves;
- the test-control JSON decoder refuses with InvalidValue, and round-trips what it accepts;
- registration histories: "registered throughout a period" agrees with a brute-force
  oracle, and a history written as YAML reads back the same;
- the served DSP refuses any body with RefusedMessage only, and a DSP rebuilt from its
  state journal is the same DSP, whatever was thrown at the first one.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    PlaceCertificates,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.adapters.wire import from_json, to_json
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan
from harness.domain.parties import User
from harness.domain.registration import Registration, RegistrationData, load_registrations
from harness.domain.requests import (
    CertificatePair,
    Endpoint,
    ReadInstantaneousImportRegisters,
    RequestId,
    ServiceRequest,
    SignedPreCommand,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval, Period, format_instant, parse_instant
from harness.duis.envelope import read_envelope
from harness.duis.requests import decode_request, encode_request
from harness.duis.responses import decode_response
from harness.duis.safe_xml import parse_untrusted
from harness.duis.signing import lookup_in, sign, verify
from harness.errors import HarnessError, InvalidValue
from harness.pki import TestPki
from harness.reference.profiles import resolve
from harness.server.journal import Journal
from harness.server.service import RefusedMessage, ServedDsp
from harness.signing import sign_payload
from tests.reliability import strategies as s

QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
LOOKUP = lookup_in([s.CAST.xml_key(u).certificate for u in s.CAST.users])


# -- parsers of untrusted input -----------------------------------------------------------------
@QUICK
@given(s.hostile_duis)
def test_untrusted_xml_raises_only_harness_errors(data: bytes) -> None:
    for parse in (
        parse_untrusted,
        read_envelope,
        decode_request,
        decode_response,
        lambda d: verify(d, LOOKUP),
    ):
        with contextlib.suppress(HarnessError):
            parse(data)


@QUICK
@given(s.duis_requests)
def test_generated_documents_are_read_back(document: bytes) -> None:
    envelope = read_envelope(document)  # every generated request has a readable header
    assert str(envelope.request_id) in document.decode()


@pytest.mark.parametrize(
    ("texts", "parse"),
    [
        (s.eui_texts, Eui64.parse),
        (s.request_id_texts, RequestId.parse),
        (s.meter_point_texts, MeterPoint.parse),
    ],
    ids=["eui64", "request-id", "meter-point"],
)
def test_identifiers_parse_or_refuse_and_print_back(
    texts: st.SearchStrategy[str], parse: Any
) -> None:
    @QUICK
    @given(texts)
    def check(text: str) -> None:
        try:
            value = parse(text)
        except InvalidValue:
            return
        assert parse(str(value)) == value

    check()


@QUICK
@given(s.instant_texts)
def test_instants_parse_to_utc_or_refuse(text: str) -> None:
    try:
        moment = parse_instant(text)
    except InvalidValue:
        return
    assert moment.tzinfo is not None
    assert moment.utcoffset() == UTC.utcoffset(None)
    assert parse_instant(format_instant(moment)) == moment.replace(microsecond=0)


# -- the test-control JSON decoder ----------------------------------------------------------------
@QUICK
@given(s.provision_json)
def test_test_control_json_is_accepted_or_refused_with_invalid_value(body: Any) -> None:
    with contextlib.suppress(InvalidValue):
        from_json(body)


@QUICK
@given(s.provision_commands, st.none() | st.just("http://127.0.0.1:9/responses"))
def test_test_control_commands_round_trip(command: Any, url: str | None) -> None:
    decoded, decoded_url = from_json(to_json(command, url))
    assert decoded == command
    if isinstance(command, AddUser):
        assert decoded_url == url


# -- registration histories -----------------------------------------------------------------------
def _covered_by_brute_force(intervals: list[Interval], period: Period) -> bool:
    """A closed period is covered by half-open intervals exactly when its start and every
    interval end inside it (where a gap could open) are covered."""
    union = lambda moment: any(i.contains(moment) for i in intervals)  # noqa: E731
    ends = [i.end for i in intervals if i.end is not None and period.start < i.end <= period.end]
    return union(period.start) and union(period.end) and all(union(e) for e in ends)


@QUICK
@given(s.registration_histories(), s.periods())
def test_registered_throughout_agrees_with_brute_force(
    history: list[Registration], period: Period
) -> None:
    data = RegistrationData(list(history))
    for registration in history:
        point, role, party = registration.meter_point, registration.role, registration.party
        expected = _covered_by_brute_force(data.intervals_for(point, role, party), period)
        assert data.is_registered_throughout(point, role, party, period) == expected


@QUICK
@given(s.registration_histories())
def test_registration_history_survives_a_yaml_file(
    tmp_path_factory: pytest.TempPathFactory, history: list[Registration]
) -> None:
    rows = []
    for r in history:
        row: dict[str, str] = {
            "meter_point": str(r.meter_point),
            "role": r.role.value,
            "party": str(r.party),
        }
        if r.interval.start is not None:
            row["from"] = format_instant(r.interval.start)
        if r.interval.end is not None:
            row["to"] = format_instant(r.interval.end)
        rows.append(row)
    path = tmp_path_factory.mktemp("regs") / "history.yaml"
    path.write_text(yaml.safe_dump({"registrations": rows}), encoding="utf-8")
    assert load_registrations(path, {}) == history


# -- the served DSP, in process -----------------------------------------------------------------
PKI = TestPki("ZP")
MPAN = make_mpan("120000000001")
NO_A, NO_B = Eui64(0x90B3D51F30020001), Eui64(0x90B3D51F30020002)
METERS = {
    Generation.SMETS2: Eui64(0x00DB000000000001),
    Generation.SMETS1: Eui64(0x00DB000000000002),
}
_COUNTER = itertools.count(1)


def _pair(owner: Eui64) -> CertificatePair:
    return CertificatePair(
        PKI.issue(owner, "03", KeyUsage.DIGITAL_SIGNING).certificate.der,
        PKI.issue(owner, "03", KeyUsage.KEY_AGREEMENT).certificate.der,
    )


def _cast() -> list[Any]:
    commands: list[Any] = [SetTime(datetime(2026, 3, 1, 10, tzinfo=UTC))]
    for user in (NO_A, NO_B):
        commands.append(AddUser(User(user, UserRole.ELECTRICITY_DISTRIBUTOR, str(user))))
        for usage in KeyUsage:
            commands.append(PublishCertificate(PKI.issue(user, "03", usage).certificate.der))
        xml = PKI.issue(user, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING).certificate.der
        commands.append(PublishCertificate(xml))
    for generation, meter in METERS.items():
        commands.append(
            AddDevice(Device(meter, DeviceType.ESME, generation, DeviceStatus.COMMISSIONED, MPAN))
        )
        pair = _pair(NO_A)
        commands.append(
            PlaceCertificates(meter, "NetworkOperator", pair.digital_signing, pair.key_agreement)
        )
    commands.append(
        Register(Registration(MPAN, UserRole.ELECTRICITY_DISTRIBUTOR, NO_A, Interval()))
    )
    return [to_json(c) for c in commands]


def _signed(request: ServiceRequest, signer: Eui64) -> bytes:
    credential = PKI.issue(signer, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    path = (PKI.issuing_ca.public_bytes(Encoding.DER),)
    return sign(
        encode_request(request, certification_path=path),
        credential.private_key,
        credential.certificate,
    )


@dataclass
class Operation:
    kind: str  # read | krp | replay | tamper | hostile | clock
    sender: Eui64
    generation: Generation
    owner: Eui64
    data: bytes = b""


operations = st.builds(
    Operation,
    st.sampled_from(["read", "krp", "krp", "replay", "tamper", "hostile", "clock"]),
    st.sampled_from([NO_A, NO_B]),
    st.sampled_from(list(Generation)),
    st.sampled_from([NO_A, NO_B]),
    s.hostile_duis,
)


def _apply(dsp: ServedDsp, operation: Operation, sent: list[tuple[Endpoint, bytes]]) -> None:
    """One operation; the DSP may refuse it, but only with RefusedMessage."""
    meter = METERS[operation.generation]
    rid = RequestId(operation.sender, meter, next(_COUNTER))
    exchanges: list[tuple[Endpoint, bytes]] = []
    if operation.kind == "read":
        request = ServiceRequest(rid, "4.1.1", 1, ReadInstantaneousImportRegisters())
        exchanges.append((Endpoint.SEND_COMMAND, _signed(request, operation.sender)))
    elif operation.kind == "krp":
        body = UpdateSecurityCredentialsKRP(
            RemotePartyRole.NETWORK_OPERATOR,
            _pair(operation.owner),
            (PKI.issuing_ca.public_bytes(Encoding.DER),),
        )
        request = ServiceRequest(rid, "6.15.1", 4, body)
        answer, _ = dsp.handle(Endpoint.TRANSFORM, _signed(request, operation.sender))
        sent.append((Endpoint.TRANSFORM, _signed(request, operation.sender)))
        response = decode_response(answer)
        if response.pre_command is not None:
            key = PKI.issue(operation.sender, "03", KeyUsage.DIGITAL_SIGNING).private_key
            signed = SignedPreCommand(response.pre_command, sign_payload(key, response.pre_command))
            exchanges.append(
                (
                    Endpoint.SEND_COMMAND,
                    _signed(ServiceRequest(rid, "6.15.1", 5, signed), operation.sender),
                )
            )
    elif operation.kind == "replay" and sent:
        exchanges.append(sent[-1])
    elif operation.kind == "tamper":
        request = ServiceRequest(rid, "4.1.1", 1, ReadInstantaneousImportRegisters())
        exchanges.append(
            (
                Endpoint.SEND_COMMAND,
                _signed(request, operation.owner if operation.owner != operation.sender else NO_B),
            )
        )
    elif operation.kind == "hostile":
        exchanges.append((Endpoint.SEND_COMMAND, operation.data))
    elif operation.kind == "clock":
        dsp.provision({"kind": "clock", "now": "2026-03-02T10:00:00Z"})
    for endpoint, body in exchanges:
        try:
            dsp.handle(endpoint, body)
        except RefusedMessage:
            continue
        sent.append((endpoint, body))


def _snapshot(dsp: ServedDsp) -> dict[str, Any]:
    state = dsp.dsp.state
    return {
        "users": dict(state.users),
        "repository": sorted(state.repository),
        "smets2": {
            d: {str(c): v.id for c, v in cells.items()} for d, cells in state.smets2_cells.items()
        },
        "dsp_notified": {d: dict(v) for d, v in state.dsp_notified.items()},
        "s1sp": {d: state.s1sp.notified(d) for d in METERS.values()},
        "counters": {u: sorted(c) for u, c in state.used_counters.items()},
        "pending": sorted(map(str, state.pending)),
        "scheduled": len(state.scheduled),
        "outbox": list(state.outbox),
        "clock": dsp.dsp.clock.now(),
        "certificate": dsp.credential.certificate.der,
    }


@SLOW
@given(st.lists(operations, min_size=1, max_size=10))
def test_a_dsp_rebuilt_from_its_journal_is_the_same_dsp(
    tmp_path: Path, steps: list[Operation]
) -> None:
    profile = resolve("baseline")
    path = tmp_path / f"state-{next(_COUNTER)}.db"
    journal = Journal(path)
    first = ServedDsp(profile, schema=False, journal=journal)
    for command in _cast():
        first.provision(command)
    sent: list[tuple[Endpoint, bytes]] = []
    for operation in steps:
        _apply(first, operation, sent)
    before = _snapshot(first)
    journal.close()
    again = Journal(path)
    try:
        rebuilt = ServedDsp(profile, schema=False, journal=again)
        assert _snapshot(rebuilt) == before
    finally:
        again.close()
