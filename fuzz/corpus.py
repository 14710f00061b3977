"""Inputs for fuzzing: valid documents and values built from the domain (the seeds), and
mutations of them that keep enough structure to reach deep into the parsers. Everything is
driven by a ``random.Random``, so a run is reproducible from its seed, and Hypothesis can
drive the same functions through ``st.randoms()`` (tests/reliability/strategies.py)."""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from harness.adapters.provisioning import (
    AddDevice,
    AddUser,
    InjectS1spFault,
    PlaceCertificates,
    Provision,
    PublishCertificate,
    Register,
    SetTime,
)
from harness.adapters.wire import to_json
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan
from harness.domain.parties import User
from harness.domain.registration import Registration
from harness.domain.requests import (
    MAX_COUNTER,
    CertificatePair,
    Outcome,
    ReadInstantaneousImportRegisters,
    RequestBody,
    RequestId,
    Response,
    ServiceRequest,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval, format_instant
from harness.duis.requests import encode_request
from harness.duis.responses import encode_response
from harness.duis.schema import duis_dir
from harness.duis.signing import sign
from harness.errors import HarnessError
from harness.pki import Credential, TestPki
from harness.srv import registry
from harness.srv.signed import SIGNED_PRE_COMMAND
from harness.srv.spec import BodySpec

START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
SRVS = ["6.15.1", "6.21", "6.23", "6.24.1", "4.1.1", "4.8.1", "8.2", "1.1.1", "11.2", ""]
CODES = ["I0", "I99", "E1", "E13", "E44", "E50", "E51", "E53", "E061501", "W1", "X"]


class Cast:
    """Keys and certificates the generated documents carry (one test PKI)."""

    def __init__(self, pki: TestPki | None = None) -> None:
        self.pki = pki or TestPki("ZF")
        self.users = [Eui64(0x90B3D51F30020000 + n) for n in range(4)]
        self.devices = [Eui64(0x00DB123456789000 + n) for n in range(4)]
        self.path = (self.pki.issuing_ca.public_bytes(Encoding.DER),)

    def xml_key(self, user: Eui64) -> Credential:
        return self.pki.issue(user, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)

    def signing_key(self, user: Eui64) -> ec.EllipticCurvePrivateKey:
        return self.pki.issue(
            user, RemotePartyRole.NETWORK_OPERATOR.ou_code, KeyUsage.DIGITAL_SIGNING
        ).private_key

    def pair(self, user: Eui64, role: RemotePartyRole) -> CertificatePair:
        return CertificatePair(
            self.pki.issue(user, role.ou_code, KeyUsage.DIGITAL_SIGNING).certificate.der,
            self.pki.issue(user, role.ou_code, KeyUsage.KEY_AGREEMENT).certificate.der,
        )


# -- values ------------------------------------------------------------------------------
def eui(rng: random.Random) -> Eui64:
    return Eui64(rng.choice([0, (1 << 64) - 1, rng.getrandbits(64), rng.getrandbits(8)]))


def moment(rng: random.Random) -> datetime:
    return START + timedelta(seconds=rng.randint(-(10**8), 10**8))


def mpan(rng: random.Random) -> MeterPoint:
    return make_mpan("".join(rng.choice(string.digits) for _ in range(12)))


def request_id(rng: random.Random, cast: Cast | None = None) -> RequestId:
    users = cast.users if cast else [eui(rng)]
    devices = cast.devices if cast else [eui(rng)]
    counter = rng.choice([0, MAX_COUNTER, rng.getrandbits(rng.randint(1, 64))])
    return RequestId(rng.choice(users), rng.choice(devices), counter)


def _carriers() -> list[tuple[str, int, BodySpec[Any]]]:
    """Each body with the SRV and Command Variant that normally carry it: a critical SRV
    is transformed first (CV 4), and its signed pre-command follows (CV 5)."""
    carriers: list[tuple[str, int, BodySpec[Any]]] = []
    critical = "6.15.1"
    for spec in registry.specs():
        for variant in registry.variants_of(spec):
            cv = 4 if variant.critical else min(variant.command_variants)
            carriers.append((variant.srv, cv, spec))
            critical = variant.srv if variant.critical else critical
    carriers.append((critical, 5, SIGNED_PRE_COMMAND))
    return carriers


def body(rng: random.Random, cast: Cast) -> tuple[str, int, RequestBody]:
    """A body with the SRV and Command Variant that normally carry it."""
    srv, cv, spec = rng.choice(_carriers())
    drawn: RequestBody = spec.sample(rng, cast)
    return srv, cv, drawn


def service_request(rng: random.Random, cast: Cast) -> ServiceRequest:
    srv, cv, content = body(rng, cast)
    if rng.random() < 0.1:  # a variant or SRV that does not belong with the body
        srv, cv = rng.choice(SRVS[:7]), rng.randint(1, 8)
    return ServiceRequest(request_id(rng, cast), srv, cv, content)


def request_document(rng: random.Random, cast: Cast, *, signed: bool | None = None) -> bytes:
    request = service_request(rng, cast)
    path = getattr(request.body, "certification_path", ()) or cast.path
    try:
        xml = encode_request(request, certification_path=path)
    except HarnessError:  # a combination DUIS cannot say: the plain read instead
        xml = encode_request(
            ServiceRequest(request.request_id, "4.1.1", 1, ReadInstantaneousImportRegisters())
        )
    if signed is None:
        signed = rng.random() < 0.7
    if signed:
        credential = cast.xml_key(request.sender)
        xml = sign(xml, credential.private_key, credential.certificate)
    return xml


def response(rng: random.Random, cast: Cast) -> Response:
    text = "".join(rng.choice(string.printable + "é€<>&") for _ in range(rng.randint(0, 20)))
    return Response(
        request_id(rng, cast),
        rng.choice(CODES[:-2]),
        rng.choice(list(Outcome)),
        rng.choice(["DSP", "S1SP", "device", text]),
        rng.choice([None, "DUIS-signature", text]),
        text,
        rng.choice([None, rng.randbytes(rng.randint(0, 40))]),
        tuple((text, str(n)) for n in range(rng.randint(0, 3))),
    )


def response_document(rng: random.Random, cast: Cast) -> bytes:
    xml = encode_response(response(rng, cast), moment(rng), srv=rng.choice(SRVS[:7]))
    if rng.random() < 0.5:
        credential = cast.xml_key(cast.users[0])
        xml = sign(xml, credential.private_key, credential.certificate)
    return xml


def dcc_templates(limit: int = 400) -> list[bytes]:
    """The DCC's request and response templates, when ../shared/duis is there."""
    folder = duis_dir() / "templates"
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xml")[:limit]
    return [p.read_bytes() for p in found if p.stat().st_size < 256 * 1024]


# -- mutation ----------------------------------------------------------------------------
TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</",
    b"&",
    b"&amp;",
    b"&lt;",
    b"&#0;",
    b"&#x110000;",
    b"&xxe;",
    b"<!DOCTYPE x>",
    b'<!ENTITY e "x">',
    b"<![CDATA[",
    b"]]>",
    b"<?pi x?>",
    b"<!--",
    b"-->",
    b'xmlns:sr="urn:other"',
    b'xmlns=""',
    b"sr:",
    b"ds:",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\r\n",
    b"-",
    b":",
    b"9" * 30,
    b"1e400",
    b"NaN",
    b"Z",
    b"+01:00",
    b"T",
    b"0001-01-01",
    b"9999-12-31",
    b"<sr:Request>",
    b"</sr:Body>",
    b"<sr:RequestID>",
    b"</sr:Header>",
    b"<ds:Signature/>",
    b'encoding="UTF-16"',
    b" " * 64,
    b"\t",
    b"=",
    b'"',
    b"'",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits: byte flips, deletions, insertions of markup-ish tokens,
    duplicated or swapped slices, truncation; occasionally something structural."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        at = rng.randrange(len(out) + 1)
        if op < 0.2 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif op < 0.35 and out:
            del out[at : at + rng.randint(1, 32)]
        elif op < 0.65:
            out[at:at] = rng.choice(TOKENS)
        elif op < 0.8 and out:
            start = rng.randrange(len(out))
            piece = out[start : start + rng.randint(1, 200)]
            out[at:at] = piece * rng.randint(1, 3)
        elif op < 0.9 and out:
            a, b = sorted(rng.randrange(len(out)) for _ in range(2))
            c = rng.randrange(len(out))
            piece = out[a:b]
            del out[a:b]
            out[min(c, len(out)) : min(c, len(out))] = piece
        elif op < 0.95:
            del out[at:]
        else:
            depth = rng.choice([10, 63, 65, 200])
            out[at:at] = b"<sr:X>" * depth + b"</sr:X>" * depth
    return bytes(out)


# -- text for the identifier parsers -------------------------------------------------------
def _garble(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 3)):
        op = rng.random()
        at = rng.randrange(len(chars) + 1)
        if op < 0.3 and chars:
            chars[min(at, len(chars) - 1)] = rng.choice(string.printable + "٣０é\u200b\x00")
        elif op < 0.6 and chars:
            del chars[min(at, len(chars) - 1)]
        else:
            chars.insert(at, rng.choice(string.printable + "٣０\u2212\ufeff"))
    return "".join(chars)


def text_for(kind: str, rng: random.Random) -> str:
    """A near-valid (or valid) text for one of the identifier parsers."""
    if kind == "eui":
        value = eui(rng)
        text = rng.choice([str(value), value.compact, str(value).lower()])
    elif kind == "request_id":
        text = str(request_id(rng))
    elif kind == "meter_point":
        point = mpan(rng)
        text = rng.choice(
            [
                point.number,
                point.number[:-1],
                "".join(rng.choices("0123456789", k=rng.randint(0, 14))),
            ]
        )
    else:
        text = rng.choice(
            [
                format_instant(moment(rng)),
                moment(rng).isoformat(),
                f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}",
                f"2026-03-01 {rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}",
                "0001-01-01T00:00:00+01:00",
                "9999-12-31T23:59:59-01:00",
            ]
        )
    return _garble(text, rng) if rng.random() < 0.7 else text


# -- JSON for the test-control decoder -------------------------------------------------------
def provision_command(rng: random.Random, cast: Cast) -> Provision:
    user, device = rng.choice(cast.users), rng.choice(cast.devices)
    choice = rng.randrange(7)
    if choice == 0:
        return AddUser(User(user, rng.choice(list(UserRole)), "fuzz"))
    if choice == 1:
        return PublishCertificate(cast.xml_key(user).certificate.der)
    if choice == 2:
        return AddDevice(
            Device(
                device,
                DeviceType.ESME,
                rng.choice(list(Generation)),
                DeviceStatus.COMMISSIONED,
                mpan(rng),
            )
        )
    if choice == 3:
        start = moment(rng)
        interval = Interval(start, rng.choice([None, start + timedelta(days=1)]))
        return Register(Registration(mpan(rng), UserRole.ELECTRICITY_DISTRIBUTOR, user, interval))
    if choice == 4:
        pair = cast.pair(user, RemotePartyRole.NETWORK_OPERATOR)
        return PlaceCertificates(
            device, "NetworkOperator", pair.digital_signing, pair.key_agreement
        )
    if choice == 5:
        return SetTime(moment(rng))
    return InjectS1spFault(rng.randint(0, 3))


def _json_noise(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.randrange(9 if depth < 3 else 6)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, -1, 2**70, 1.5, float("inf"), float("nan")])
    if pick in (3, 4, 5):
        return _garble(rng.choice(["user", "clock", "ED", "SMETS1", "2026-01-01", "", "AAAA"]), rng)
    if pick == 6:
        return [_json_noise(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {
        rng.choice(["kind", "now", "der", "role", "x"]): _json_noise(rng, depth + 1)
        for _ in range(rng.randint(0, 3))
    }


def json_input(rng: random.Random, cast: Cast) -> Any:
    """A test-control body: a real command, one with a field garbled or dropped, or noise."""
    if rng.random() < 0.15:
        return _json_noise(rng)
    command = to_json(provision_command(rng, cast), "http://127.0.0.1:9/responses")
    for _ in range(rng.randint(0, 2)):
        key = rng.choice(sorted(command))
        if rng.random() < 0.3:
            del command[key]
        else:
            command[key] = _json_noise(rng)
    return command


def json_bytes(rng: random.Random, cast: Cast) -> bytes:
    text = json.dumps(json_input(rng, cast))
    return mutate(text.encode(), rng) if rng.random() < 0.2 else text.encode()


def seed_documents(rng: random.Random, cast: Cast, count: int = 60) -> list[bytes]:
    seeds = [request_document(rng, cast) for _ in range(count)]
    seeds += [response_document(rng, cast) for _ in range(count // 2)]
    return seeds + dcc_templates()
