"""Domain values: EUI-64, MPAN/MPRN, instants and intervals, RequestIDs, roles,
certificates, and loading Registration Data from YAML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.domain.certificates import CertificateId, KeyUsage, OrgCertificate
from harness.domain.devices import DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import Fuel, MeterPoint, make_mpan, mpan_check_digit
from harness.domain.registration import Registration, RegistrationData, load_registrations
from harness.domain.requests import RequestId
from harness.domain.roles import RemotePartyRole, UserRole
from harness.domain.timeline import Interval, Period, covers_period, format_instant, parse_instant
from harness.errors import ConfigurationError, InvalidValue
from harness.pki import TestPki

# -- EUI-64 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["90-B3-D5-1F-30-02-00-00", "90b3d51f30020000", " 90-b3-d5-1f-30-02-00-00\n"]
)
def test_eui64_parses_hyphenated_and_compact(text: str) -> None:
    eui = Eui64.parse(text)
    assert eui.value == 0x90B3D51F30020000
    assert str(eui) == "90-B3-D5-1F-30-02-00-00"
    assert eui.compact == "90B3D51F30020000"
    assert eui.to_bytes() == bytes.fromhex("90B3D51F30020000")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "90-B3-D5-1F-30-02-00",  # seven bytes
        "90-B3-D5-1F-30-02-00-00-00",  # nine bytes
        "90:B3:D5:1F:30:02:00:00",  # wrong separator
        "90B3-D51F-3002-0000",  # wrong grouping
        "90B3D51F3002000G",  # not hex
        "0x90B3D51F30020000",
    ],
)
def test_eui64_rejects_malformed_text(text: str) -> None:
    with pytest.raises(InvalidValue, match="not an EUI-64"):
        Eui64.parse(text)


@pytest.mark.parametrize("value", [-1, 1 << 64])
def test_eui64_rejects_out_of_range_values(value: int) -> None:
    with pytest.raises(InvalidValue, match="out of range"):
        Eui64(value)


def test_eui64_extremes_print_with_leading_zeros() -> None:
    assert str(Eui64(0)) == "00-00-00-00-00-00-00-00"
    assert str(Eui64((1 << 64) - 1)) == "FF-FF-FF-FF-FF-FF-FF-FF"


# -- MPAN / MPRN -------------------------------------------------------------------------


def test_mpan_check_digit_worked_example() -> None:
    # 1*3 + 2*5 + 0 ... + 1*43 = 56; 56 % 11 = 1; 1 % 10 = 1
    assert mpan_check_digit("120000000001") == 1
    assert MeterPoint.mpan("1200000000011").number == "1200000000011"
    # weighted sum 3+5+7+13+17+19+23+29+31+37+41+43 = 268, 268 % 11 = 4
    assert mpan_check_digit("111111111111") == 4
    # a sum that leaves 10 mod 11 gives check digit 0
    assert mpan_check_digit("000000000040") == (4 * 41) % 11 % 10


@pytest.mark.parametrize("first_twelve", ["120000000001", "190000000042", "000000000000"])
def test_mpan_with_a_good_check_digit(first_twelve: str) -> None:
    point = make_mpan(first_twelve)
    assert (point.fuel, point.kind) == (Fuel.ELECTRICITY, "MPAN")
    assert MeterPoint.parse(str(point)) == point
    spaced = f"{point.number[:2]} {point.number[2:6]} {point.number[6:10]} {point.number[10:]}"
    assert MeterPoint.mpan(spaced) == point


def test_mpan_with_every_wrong_check_digit_is_rejected() -> None:
    good = make_mpan("120000000001").number
    for digit in "0123456789":
        if digit == good[-1]:
            continue
        with pytest.raises(InvalidValue, match=f"check digit {digit}, expected {good[-1]}"):
            MeterPoint.mpan(good[:-1] + digit)


@pytest.mark.parametrize("text", ["120000000001", "12000000000112", "12000000000A1", ""])
def test_mpan_needs_thirteen_digits(text: str) -> None:
    with pytest.raises(InvalidValue, match="not an MPAN core"):
        MeterPoint.mpan(text)


@pytest.mark.parametrize("text", ["١٢٠٠٠٠٠٠٠٠٠١١", "１２０００００００００１１"])
def test_mpan_accepts_ascii_digits_only(text: str) -> None:
    """Unicode digits (Arabic-Indic, full-width) are not an MPAN, even with a right sum."""
    with pytest.raises(InvalidValue):
        MeterPoint.mpan(text)


def test_mprn_six_to_ten_digits() -> None:
    assert MeterPoint.mprn("123456").fuel is Fuel.GAS
    assert MeterPoint.parse("7346512").kind == "MPRN"
    for bad in ("12345", "12345678901", "12345a"):
        with pytest.raises(InvalidValue, match="not an MPRN"):
            MeterPoint.mprn(bad)


# -- instants and intervals --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-01", datetime(2026, 6, 1, tzinfo=UTC)),
        ("2026-06-01 10:00", datetime(2026, 6, 1, 10, tzinfo=UTC)),
        ("2026-06-01T10:00:00Z", datetime(2026, 6, 1, 10, tzinfo=UTC)),
        ("2026-06-01T11:30:00+01:00", datetime(2026, 6, 1, 10, 30, tzinfo=UTC)),
        ("  2026-06-01  ", datetime(2026, 6, 1, tzinfo=UTC)),
    ],
)
def test_parse_instant(text: str, expected: datetime) -> None:
    moment = parse_instant(text)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-13-01", "2026-02-30", "01/06/2026", "2026-06-01 25:00"]
)
def test_parse_instant_errors_name_the_text_and_the_form(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_instant(text)
    assert repr(text) in str(caught.value)
    assert "2026-06-01" in str(caught.value), "the message shows an example"


def test_format_instant_is_utc_z() -> None:
    assert format_instant(parse_instant("2026-06-01T11:30:00+01:00")) == "2026-06-01T10:30:00Z"


def test_interval_is_half_open() -> None:
    jan, feb = parse_instant("2026-01-01"), parse_instant("2026-02-01")
    interval = Interval(jan, feb)
    assert interval.contains(jan)
    assert interval.contains(feb - timedelta(microseconds=1))
    assert not interval.contains(feb)
    assert not interval.contains(jan - timedelta(microseconds=1))
    assert Interval(None, feb).contains(datetime(1900, 1, 1, tzinfo=UTC))
    assert Interval(jan, None).contains(datetime(2999, 1, 1, tzinfo=UTC))
    assert Interval().contains(jan)
    assert str(Interval(jan, None)) == "[2026-01-01T00:00:00Z, (open))"


def test_interval_must_end_after_it_starts() -> None:
    jan = parse_instant("2026-01-01")
    with pytest.raises(InvalidValue, match="before or when it starts"):
        Interval(jan, jan)
    with pytest.raises(InvalidValue):
        Interval(jan, jan - timedelta(days=1))


def test_period_is_closed_and_may_be_one_instant() -> None:
    jan, feb = parse_instant("2026-01-01"), parse_instant("2026-02-01")
    assert Period(jan, jan).start == jan
    with pytest.raises(InvalidValue, match="before it starts"):
        Period(feb, jan)
    # the closed period includes its end, so an interval ending there does not cover it
    assert not covers_period([Interval(jan, feb)], Period(jan, feb))
    assert covers_period([Interval(jan, feb + timedelta(seconds=1))], Period(jan, feb))


def test_covers_period_joins_touching_and_overlapping_intervals() -> None:
    t = [parse_instant(f"2026-0{m}-01") for m in range(1, 7)]
    assert covers_period([Interval(t[2], t[4]), Interval(t[0], t[2])], Period(t[0], t[3]))
    assert covers_period([Interval(t[0], t[3]), Interval(t[1], t[5])], Period(t[0], t[4]))
    assert not covers_period([Interval(t[0], t[1]), Interval(t[2], None)], Period(t[0], t[3]))
    assert not covers_period([], Period(t[0], t[0]))


# -- RequestID, roles, devices -----------------------------------------------------------


def test_request_id_round_trip_and_errors() -> None:
    text = "90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200"
    rid = RequestId.parse(text)
    assert str(rid) == text
    assert rid.response_id() == "00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-02-00-00:1200"
    assert RequestId.parse(text.replace(":1200", f":{(1 << 64) - 1}")).counter == (1 << 64) - 1
    for bad in (text.replace(":1200", ""), text.replace(":1200", ":-1"), "a:b:1"):
        with pytest.raises(InvalidValue, match=r"not a RequestID|not an EUI-64"):
            RequestId.parse(bad)
    with pytest.raises(InvalidValue, match="outside"):
        RequestId.parse(text.replace(":1200", f":{1 << 64}"))
    with pytest.raises(InvalidValue, match="not a RequestID"):
        RequestId.parse(text.replace(":1200", ":١٢٠٠"))  # Arabic-Indic digits


def test_user_roles_parse_by_code_or_label() -> None:
    assert UserRole.parse("ed") is UserRole.ELECTRICITY_DISTRIBUTOR
    assert UserRole.parse("Gas Transporter") is UserRole.GAS_TRANSPORTER
    assert UserRole.GAS_TRANSPORTER.remote_party_role is RemotePartyRole.NETWORK_OPERATOR
    assert UserRole.OTHER_USER.remote_party_role is None
    with pytest.raises(InvalidValue, match="known: IS"):
        UserRole.parse("NO")


def test_device_values_parse_and_list_the_known_ones() -> None:
    assert DeviceType.parse(" esme ") is DeviceType.ESME
    assert DeviceStatus.parse("installed not commissioned") is (
        DeviceStatus.INSTALLED_NOT_COMMISSIONED
    )
    assert Generation.parse("SMETS2+") is Generation.SMETS2
    with pytest.raises(InvalidValue, match="ESME"):
        DeviceType.parse("meter")
    with pytest.raises(InvalidValue, match="SMETS1 or SMETS2"):
        Generation.parse("SMETS3")
    assert RemotePartyRole.parse("network operator") is RemotePartyRole.NETWORK_OPERATOR


# -- certificates ------------------------------------------------------------------------


def test_issued_certificates_have_the_smki_shape(pki: TestPki) -> None:
    owner = Eui64.parse("90-B3-D5-1F-30-02-00-00")
    for usage in KeyUsage:
        credential = pki.issue(owner, "03", usage)
        parsed = OrgCertificate.from_der(credential.certificate.der)
        assert (parsed.owner, parsed.role_code, parsed.usage) == (owner, "03", usage)
        assert parsed.id == CertificateId(parsed.certificate.serial_number, "ZH")
        assert str(owner) not in repr(credential.private_key.__class__)
    assert pki.issue(owner, "03", KeyUsage.DIGITAL_SIGNING) is pki.issue(
        owner, "03", KeyUsage.DIGITAL_SIGNING
    ), "credentials are memoised"
    fresh = pki.issue(owner, "03", KeyUsage.DIGITAL_SIGNING, generation=7)
    assert fresh.certificate.id != pki.issue(owner, "03", KeyUsage.DIGITAL_SIGNING).certificate.id
    assert "PRIVATE" not in repr(fresh)


def _self_signed(subject: x509.Name, *, signing: bool, agreement: bool) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    key = ec.generate_private_key(ec.SECP256R1())
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(moment)
        .not_valid_after(moment + timedelta(days=1))
    )
    if signing or agreement:
        builder = builder.add_extension(
            x509.KeyUsage(signing, False, False, False, agreement, False, False, False, False),
            critical=True,
        )
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


def test_certificate_shape_errors() -> None:
    uid = x509.NameAttribute(
        NameOID.X500_UNIQUE_IDENTIFIER,
        b"\x00" + bytes(8),
        x509.name._ASN1Type.BitString,
    )
    ou = x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "03")
    with pytest.raises(InvalidValue, match="not a DER"):
        OrgCertificate.from_der(b"junk")
    with pytest.raises(InvalidValue, match="lacks the role code"):
        OrgCertificate.from_der(_self_signed(x509.Name([ou]), signing=True, agreement=False))
    with pytest.raises(InvalidValue, match="not both"):
        OrgCertificate.from_der(_self_signed(x509.Name([ou, uid]), signing=True, agreement=True))
    with pytest.raises(InvalidValue, match="no keyUsage"):
        OrgCertificate.from_der(_self_signed(x509.Name([ou, uid]), signing=False, agreement=False))
    parsed = OrgCertificate.from_der(
        _self_signed(x509.Name([ou, uid]), signing=False, agreement=True)
    )
    assert (parsed.owner, parsed.usage) == (Eui64(0), KeyUsage.KEY_AGREEMENT)


# -- Registration Data ---------------------------------------------------------------------

PARTIES = {"NO-A": Eui64.parse("90-B3-D5-1F-30-02-00-00")}


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "registrations.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_registration_yaml_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
registrations:
  - meter_point: "1200000000011"
    role: ED
    party: NO-A
    from: 2026-01-01
    to: 2026-06-01
  - meter_point: 7346512
    role: Gas Supplier
    party: 00-DB-12-34-56-78-90-A0
    from: 2026-02-01 10:00
  - meter_point: "1200000000011"
    role: IS
    party: 00DB1234567890A1
""",
    )
    rows = load_registrations(path, PARTIES)
    assert rows[0] == Registration(
        MeterPoint.mpan("1200000000011"),
        UserRole.ELECTRICITY_DISTRIBUTOR,
        PARTIES["NO-A"],
        Interval(parse_instant("2026-01-01"), parse_instant("2026-06-01")),
    )
    assert rows[1].role is UserRole.GAS_SUPPLIER
    assert rows[1].meter_point == MeterPoint.mprn("7346512")
    assert rows[1].interval == Interval(parse_instant("2026-02-01 10:00"), None)
    assert rows[2].interval == Interval(None, None)
    data = RegistrationData(rows)
    mpan = MeterPoint.mpan("1200000000011")
    assert data.is_registered_at(
        mpan, UserRole.ELECTRICITY_DISTRIBUTOR, PARTIES["NO-A"], parse_instant("2026-03-01")
    )
    assert not data.is_registered_at(
        mpan, UserRole.ELECTRICITY_DISTRIBUTOR, PARTIES["NO-A"], parse_instant("2026-06-01")
    )
    assert data.registered_at(mpan, UserRole.IMPORT_SUPPLIER, parse_instant("1999-01-01")) == {
        Eui64.parse("00DB1234567890A1")
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("registrations: [", "not valid YAML"),
        ("", "top-level 'registrations' list"),
        ("- meter_point: 1", "top-level 'registrations' list"),
        ("registrations: {}", "top-level 'registrations' list"),
        ("registrations:\n  - just a string", "registration 1: expected a mapping"),
        (
            "registrations:\n  - {meter_point: '1200000000011', role: ED}",
            "registration 1: missing field 'party'",
        ),
        (
            "registrations:\n"
            "  - {meter_point: '1200000000011', role: ED, party: NO-A}\n"
            "  - {meter_point: '1200000000012', role: ED, party: NO-A}",
            "registration 2: MPAN '1200000000012' has check digit 2, expected 1",
        ),
        (
            "registrations:\n  - {meter_point: '1200000000011', role: XX, party: NO-A}",
            "registration 1: unknown User Role 'XX'",
        ),
        (
            "registrations:\n  - {meter_point: '1200000000011', role: ED, party: NO-Z}",
            "registration 1: not an EUI-64: 'NO-Z'",
        ),
        (
            "registrations:\n  - {meter_point: '1200000000011', role: ED, party: NO-A,"
            " from: 2026-06-01, to: 2026-01-01}",
            "registration 1: interval ends",
        ),
        (
            "registrations:\n  - {meter_point: '1200000000011', role: ED, party: NO-A,"
            " from: next week}",
            "registration 1: not a date or time: 'next week'",
        ),
    ],
)
def test_bad_registration_files_say_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigurationError) as caught:
        load_registrations(path, PARTIES)
    assert message in str(caught.value)
    assert str(path) in str(caught.value), "the message names the file"


def test_missing_registration_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read registrations"):
        load_registrations(tmp_path / "absent.yaml", PARTIES)


def test_registration_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, b"registrations:\n  - party: \xff\xfe\n")
    with pytest.raises(ConfigurationError, match="cannot read registrations"):
        load_registrations(path, PARTIES)
