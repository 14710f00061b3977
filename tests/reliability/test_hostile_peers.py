"""Hostile peers at the served DSP: a real ``dsp-conformance serve`` on loopback (with a
test-control token) is sent documents built to hurt it. Each must be refused without harm,
with the answer DUIS prescribes: HTTP 4xx with a one-line reason when no DUIS answer is
possible (the request cannot be named), or a DUIS error response signed by the DSP (E50
signature, E44 RequestID reuse, E13 wrong endpoint) when it can. After each, the DSP must
still be healthy, and after all of them a good request must still be accepted.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from fuzz.client import Scene
from harness.adapters.http import _stranger, _tamper
from harness.domain.requests import Endpoint, RequestId
from harness.duis.annotation import read_annotation
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import duis_dir
from harness.duis.tree import Node
from tests.reliability.kit import run_cli
from tests.reliability.server import Served, serving

TOKEN = "hostile-peers-token-5f1c"
XSD = (duis_dir() / "xsd").is_dir()
S = Endpoint.SEND_COMMAND.value
T = Endpoint.TRANSFORM.value


@dataclass(frozen=True)
class Hostile:
    id: str
    make: Callable[[Scene], tuple[str, bytes, dict[str, str]]]  # path, body, headers
    status: int  # HTTP status expected
    needle: str = ""  # in the plain-text reason (4xx) or the DUIS detail
    code: str | None = None  # the DUIS response code, when DUIS can answer
    no_xsd: tuple[int, str, str | None] | None = None  # (status, needle, code) under --no-schema


def xml(body: bytes, path: str = S) -> tuple[str, bytes, dict[str, str]]:
    return path, body, {"content-type": "application/xml"}


def _good_with_prefix(scene: Scene, prefix: bytes) -> bytes:
    body = scene.good()
    declaration, _, rest = body.partition(b"?>")
    return declaration + b"?>" + prefix + rest


BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway">&lol9;</sr:Request>'
)
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]><sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway">'
    + b"&a;" * 10_000
    + b"</sr:Request>"
)


def _nested(depth: int) -> bytes:
    return (
        b'<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway">'
        + b"<sr:X>" * depth
        + b"</sr:X>" * depth
        + b"</sr:Request>"
    )


def _replace(body: bytes, old: bytes, new: bytes, count: int = 1) -> bytes:
    assert old in body, old
    return body.replace(old, new, count)


def _tag(scene: Scene, name: str) -> bytes:
    """The first sr:name element of a good request, whole."""
    body = scene.good()
    found = re.search(rb"<sr:" + name.encode() + rb">.*?</sr:" + name.encode() + rb">", body)
    assert found
    return found[0]


def _replayed(scene: Scene) -> tuple[str, bytes, dict[str, str]]:
    body = scene.good()
    first = scene.post(body)
    assert scene.read_answer(first.content).code == "I99"
    return xml(body)


def _counter_reused(scene: Scene) -> tuple[str, bytes, dict[str, str]]:
    request = scene.request()
    assert scene.read_answer(scene.post(scene.signed(request)).content).code == "I99"
    again = scene.request(counter=request.request_id.counter, srv="4.1.1")
    assert again.request_id == request.request_id
    return xml(scene.signed(again))


def _other_users_key(scene: Scene) -> tuple[str, bytes, dict[str, str]]:
    return xml(scene.signed(scene.request(), signer=scene.xml_key("NO-B")))


def _xxe_template(scene: Scene) -> tuple[str, bytes, dict[str, str]]:
    path = duis_dir() / "templates" / "duis-xxe.xml"
    if not path.is_file():
        pytest.skip(f"the DCC's XXE template is not at {path} (set DSP_CONFORMANCE_DUIS_DIR)")
    return xml(path.read_bytes())


def _two_signatures(scene: Scene) -> bytes:
    body = scene.good()
    signature = body[body.index(b"<ds:Signature") : body.index(b"</ds:Signature>") + 15]
    return _replace(body, b"</ds:Signature>", b"</ds:Signature>" + signature)


# fmt: off
HOSTILE: list[Hostile] = [
    # -- DTDs, entities, expansion ------------------------------------------------------
    Hostile("dcc-xxe-template", _xxe_template, 400, "DTD markup <!DOCTYPE"),
    Hostile("external-entity-file", lambda s: xml(_good_with_prefix(s, b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>')), 400, "DTD markup <!DOCTYPE"),
    Hostile("external-dtd-url", lambda s: xml(_good_with_prefix(s, b'<!DOCTYPE sr:Request SYSTEM "http://127.0.0.1:9/evil.dtd">')), 400, "DTD markup <!DOCTYPE"),
    Hostile("parameter-entity", lambda s: xml(_good_with_prefix(s, b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>')), 400, "DTD markup <!DOCTYPE"),
    Hostile("internal-subset-only", lambda s: xml(_good_with_prefix(s, b"<!DOCTYPE r [<!ELEMENT r ANY>]>")), 400, "DTD markup"),
    Hostile("billion-laughs", lambda s: xml(BOMB), 400, "DTD markup"),
    Hostile("quadratic-blowup", lambda s: xml(QUADRATIC), 400, "DTD markup"),
    Hostile("undeclared-entity", lambda s: xml(_replace(s.good(), b"<sr:ServiceReference>", b"<sr:ServiceReference>&xxe;")), 400, "entity reference &xxe"),
    Hostile("doctype-hidden-in-comment", lambda s: xml(_good_with_prefix(s, b"<!-- <!DOCTYPE x> -->")), 400, "DTD markup"),
    Hostile("xinclude", lambda s: xml(_replace(s.good(), b"<sr:Body>", b'<sr:Body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>')), 400, "refused"),
    # -- size and shape -----------------------------------------------------------------
    Hostile("oversized-body", lambda s: xml(s.good() + b"<!--" + b"x" * (2 << 20) + b"-->"), 413, "larger than"),
    Hostile("deep-nesting", lambda s: xml(_nested(200)), 400, "nested deeper than 64"),
    Hostile("too-many-elements", lambda s: xml(_nested(1).replace(b"<sr:X></sr:X>", b"<sr:X/>" * 60_000)), 400, "more than 50000 elements"),
    Hostile("garbage-bytes", lambda s: xml(bytes(range(256)) * 16), 400, "refused"),
    Hostile("empty-body", lambda s: xml(b""), 400, "refused"),
    Hostile("not-utf8-utf16", lambda s: xml(s.good().decode().replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16")), 400, "only UTF-8"),
    Hostile("declared-latin1", lambda s: xml(_replace(s.good(), b"encoding='UTF-8'", b"encoding='ISO-8859-1'")), 400, "only UTF-8"),
    Hostile("nul-bytes", lambda s: xml(s.good().replace(b"<sr:Body>", b"<sr:Body>\x00")), 400, "only UTF-8"),
    Hostile("truncated", lambda s: xml(s.good()[:-40]), 400, "not well-formed"),
    # -- not DUIS -----------------------------------------------------------------------
    Hostile("wrong-namespace", lambda s: xml(s.good().replace(b"http://www.dccinterface.co.uk/ServiceUserGateway", b"http://evil.example/ns")), 400, "not a DUIS request"),
    Hostile("response-sent-as-request", lambda s: xml(s.good().replace(b"sr:Request", b"sr:Response")), 400, "not a DUIS request"),
    Hostile("duplicated-request-id", lambda s: xml(_replace(s.good(), b"<sr:CommandVariant>", _tag(s, "RequestID") + b"<sr:CommandVariant>")), 400, "more than one sr:RequestID"),
    Hostile("missing-command-variant", lambda s: xml(re.sub(rb"<sr:CommandVariant>\d+</sr:CommandVariant>", b"", s.good())), 400, "missing sr:CommandVariant"),
    Hostile("two-bodies", lambda s: xml(_replace(s.good(), b"</sr:Body>", b"<sr:ReadInventory/></sr:Body>")), 400, "refused"),
    Hostile("malformed-request-id", lambda s: xml(re.sub(rb"<sr:RequestID>[^<]*</sr:RequestID>", b"<sr:RequestID>../../etc/passwd</sr:RequestID>", s.good())), 400, "refused"),
    Hostile("counter-beyond-64-bits", lambda s: xml(re.sub(rb"(<sr:RequestID>[^<]*:)\d+(</sr:RequestID>)", rb"\g<1>99999999999999999999\2", s.good())), 400, "refused"),
    Hostile("huge-text-node", lambda s: xml(_replace(s.good(), b"<sr:ServiceReference>4.1", b"<sr:ServiceReference>" + b"4" * 900_000 + b"4.1")), 400, "refused",
            no_xsd=(200, "does not verify", "E50")),
    # -- HTTP framing ---------------------------------------------------------------------
    Hostile("wrong-content-type", lambda s: (S, s.good(), {"content-type": "application/json"}), 415, "content-type"),
    Hostile("no-content-type", lambda s: (S, s.good(), {}), 415, "content-type"),
    Hostile("form-content-type", lambda s: (S, s.good(), {"content-type": "application/x-www-form-urlencoded"}), 415, "content-type"),
    # -- signatures and identities: DUIS can answer, signed, naming the request -----------
    Hostile("tampered-signature", lambda s: xml(_tamper(s.good())), 200, "does not verify", "E50"),
    Hostile("tampered-content", lambda s: xml(_replace(s.good(), b"<sr:ServiceReferenceVariant>4.1.1", b"<sr:ServiceReferenceVariant>4.1.2")), 200, "XML signature refused", "E50"),
    Hostile("instruction-added-after-signing", lambda s: xml(_replace(s.good(), b"<sr:Body>", b"<sr:Body><?xml-stylesheet href='http://127.0.0.1:9/x'?>")), 200, "does not verify", "E50"),
    Hostile("unsigned", lambda s: xml(re.sub(rb"<ds:Signature.*</ds:Signature>", b"", s.good(), flags=re.S)), 200, "found 0", "E50"),
    Hostile("signature-value-not-base64", lambda s: xml(re.sub(rb"<ds:SignatureValue>[^<]*", b"<ds:SignatureValue>vSsPYteh+f/Vw==", s.good())),
            400, "base64Binary", no_xsd=(200, "base64Binary", "E50")),
    Hostile("two-signatures", lambda s: xml(_two_signatures(s)), 400, "ds:Signature", no_xsd=(200, "found 2", "E50")),
    Hostile("signer-unknown", lambda s: xml(s.signed(s.request(), signer=_stranger())), 200, "not known", "E50"),
    Hostile("signer-not-originator", _other_users_key, 200, "not by the originator", "E50"),
    Hostile("replayed-request-id", _replayed, 200, "already used", "E44"),
    Hostile("counter-reused", _counter_reused, 200, "already used", "E44"),
    Hostile("wrong-endpoint-for-variant", lambda s: xml(s.good(), T), 200, "", "E13"),
]
# fmt: on


@pytest.fixture(scope="module", params=["xsd", "no-xsd"])
def dsp(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The served DSP as deployed (the XSD in front), and without it (its own checks)."""
    if request.param == "xsd" and not XSD:
        pytest.skip(f"the DUIS XSD is not under {duis_dir()}: only --no-schema is served")
    log = tmp_path_factory.mktemp("hostile") / "serve.log"
    extra = ["--no-schema"] if request.param == "no-xsd" else []
    extra.append("--explain")  # the reason for each refusal, read below (evidence only)
    with serving(log, *extra, env={"DSP_CONFORMANCE_TOKEN": TOKEN}) as running:
        running.xsd = request.param == "xsd"  # type: ignore[attr-defined]
        yield running
    assert "Traceback" not in running.output(), running.output()[-3000:]


@pytest.fixture(scope="module")
def scene(dsp: Served) -> Iterator[Scene]:
    made = Scene(dsp.url, token=TOKEN)
    yield made
    made.close()


def test_count_the_hostile_documents() -> None:
    assert len(HOSTILE) >= 35
    assert len({h.id for h in HOSTILE}) == len(HOSTILE)


def _explained_reason(xml: bytes) -> str:
    """The reason in the served DSP's explanation (DUIS has no element for it)."""
    message = Node.root(parse_untrusted(xml)).required("Body").required("ResponseMessage")
    return read_annotation(message).detail


def _still_serving(dsp: Served) -> None:
    assert dsp.process.poll() is None, dsp.output()[-2000:]
    assert httpx.get(f"{dsp.url}/health", timeout=5).status_code == 200


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.id for h in HOSTILE])
def test_hostile_document_is_refused(hostile: Hostile, scene: Scene, dsp: Served) -> None:
    path, body, headers = hostile.make(scene)
    status, needle, code = hostile.status, hostile.needle, hostile.code
    if hostile.no_xsd is not None and not dsp.xsd:  # type: ignore[attr-defined]
        status, needle, code = hostile.no_xsd
    started = time.monotonic()
    answer = httpx.post(dsp.url + path, content=body, headers=headers, timeout=30)
    assert time.monotonic() - started < 10, "the DSP took too long to refuse"
    assert answer.status_code == status, answer.text[:500]
    if code is None:
        reason = answer.text.strip()
        assert "\n" not in reason, reason  # one line
        assert needle in reason, reason
        assert len(reason) < 600, reason
    else:
        response = scene.read_answer(answer.content)  # signed by the DSP, or this raises
        assert response.code == code, response
        assert needle in _explained_reason(answer.content), response
        # DUIS names the request back: the RequestID the hostile document carried
        assert str(response.request_id) in body.decode("utf-8", "replace")
    _still_serving(dsp)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/test-control/capabilities", None, 401),
        ("POST", "/test-control/provision", b'{"kind": "clock", "now": "2030-01-01"}', 401),
        ("GET", "/test-control/devices/00-00-00-00-00-00-00-01/certificates", None, 401),
    ],
    ids=["capabilities", "provision", "inspect"],
)
@pytest.mark.parametrize(
    "token", [None, "wrong-token", TOKEN + "x"], ids=["none", "wrong", "longer"]
)
def test_test_control_needs_the_token(
    dsp: Served, method: str, path: str, body: bytes | None, status: int, token: str | None
) -> None:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    answer = httpx.request(method, dsp.url + path, content=body, headers=headers, timeout=10)
    assert answer.status_code == status, answer.text
    assert "Authorization: Bearer" in answer.text
    _still_serving(dsp)


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b"[" * 100_000, 400, "nested too deeply"),
        (b"{not json", 400, "not JSON"),
        (b'{"kind": "s1sp-fault", "after_entries": 1e400}', 400, "s1sp-fault"),
        (b'{"kind": "clock", "now": "0001-01-01T00:00:00+01:00"}', 400, "not a date or time"),
        (b'{"kind": "teleport"}', 400, "unknown kind"),
        (b'{"kind": "certificate", "der": "AAAA"}', 400, "not a DER X.509 certificate"),
        (b"\xff\xfe\x00", 400, "not JSON"),
        (b'{"kind": "user", "user_id": "' + b"9" * (2 << 20) + b'"}', 413, "too large"),
    ],
    ids=["deep", "not-json", "infinity", "year-zero", "unknown-kind", "bad-der", "bytes", "huge"],
)
def test_hostile_test_control_json(dsp: Served, body: bytes, status: int, needle: str) -> None:
    answer = httpx.post(
        dsp.url + "/test-control/provision",
        content=body,
        headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == status, answer.text
    assert needle in answer.json()["error"]
    _still_serving(dsp)


def test_slow_and_broken_connections_do_no_harm(dsp: Served, scene: Scene) -> None:
    """Half-sent requests, silent connections and garbage request lines, 40 at once, while a
    good request still goes through."""
    sockets = []
    try:
        for n in range(40):
            sock = socket.create_connection(("127.0.0.1", dsp.port), timeout=5)
            if n % 3 == 0:
                sock.sendall(b"POST /api/v1/serviceS HTTP/1.1\r\nHost: x\r\nContent-Le")
            elif n % 3 == 1:
                sock.sendall(b"\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n")
            sockets.append(sock)
        answer = scene.post(scene.good())
        assert scene.read_answer(answer.content).code == "I99"
    finally:
        for sock in sockets:
            sock.close()
    _still_serving(dsp)


def test_other_methods_and_paths(dsp: Served) -> None:
    assert httpx.get(dsp.url + S, timeout=5).status_code == 405
    assert httpx.get(dsp.url + "/api/v1/../../etc/passwd", timeout=5).status_code == 404
    assert httpx.get(dsp.url + "/test-control/dsp-certificate", timeout=5).status_code == 200
    _still_serving(dsp)


def test_a_good_request_is_still_accepted_after_everything(dsp: Served, scene: Scene) -> None:
    response = scene.read_answer(scene.post(scene.good()).content)
    assert response.code == "I99"
    # The SMETS1 meter: its outcome is readable from the S1SP's signed MMC answer.
    attempt = scene.world.send_krp("NO-A", "meter-s1", "network operator", "NO-A")
    assert attempt.observed().status == "completed", attempt.observed().describe()
    assert RequestId.parse(str(response.request_id)) == response.request_id


def test_serve_refuses_all_interfaces_without_a_token(tmp_path: Path) -> None:
    done = run_cli("serve", "--host", "0.0.0.0", "--port", "0", "--no-schema", timeout=60)
    assert done.returncode == 2
    assert "refusing to expose the test-control API on 0.0.0.0 without a token" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
