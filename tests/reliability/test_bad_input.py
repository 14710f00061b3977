"""Bad input, clear errors: a table of what a tester or a target can get wrong, each with the
exit code it must give and the one line that names what is wrong and where, never a
traceback. Target faults (real misbehaving servers on loopback) end inconclusive (exit 3,
Allure "broken") with the reason as evidence, and the scenarios they do not touch carry on.

Most cases call the CLI's ``main`` in this process (the same code path, without a Python
start-up per case); ``serve`` cases, which would otherwise start a server, run the real
command line in a child process with a timeout.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness.cli.main import main
from tests.reliability import peers
from tests.reliability.kit import (
    TWO_SCENARIOS,
    assert_no_traceback,
    certificate,
    new_key,
    one_line,
    pem_certificate,
    pem_key,
    run_cli,
    signer_config,
    write_feature,
)
from tests.served.served import served

OK = '  Scenario: ok\n    When NO-A sends SRV 4.1.1 to "meter-1"\n    Then the request is applied\n'
FAST = "[target]\ntimeout = 1.5\nresponse_timeout = 1.5\nretries = 0\n"


@dataclass
class Kit:
    """What a case may set up: files under ``tmp``, peers (closed after the case), the
    served DSP behind the fault proxies."""

    tmp: Path
    stack: contextlib.ExitStack
    upstream: Callable[[], str]
    proxies: list[peers.FaultProxy] = field(default_factory=list)

    def file(self, name: str, data: bytes | str) -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    def features(self, body: str = OK, *, background: bool = True) -> Path:
        return write_feature(self.tmp / "features", body, background=background)

    def run(self, *extra: str | Path, body: str = OK) -> list[str | Path]:
        return ["run", "--features", self.features(body), "--results", self.tmp / "r", *extra]

    def config(self, text: str) -> Path:
        return self.file("target.toml", text)

    def signer(self, certificate_pem: bytes, key_pem: bytes, **kwargs: object) -> list[str | Path]:
        self.file("signer.pem", certificate_pem)
        self.file("signer.key", key_pem)
        return self.run("--config", self.config(signer_config("signer.pem", "signer.key")))

    def peer(self, behaviour: peers.Behaviour) -> str:
        return self.stack.enter_context(peers.Peer(behaviour, lifetime=60)).url

    def proxy(self, fault: peers.Fault | None = None, relay: str = "forward") -> str:
        proxy = self.stack.enter_context(
            peers.FaultProxy(self.upstream(), fault, relay, lifetime=90)
        )
        self.proxies.append(proxy)
        return proxy.url

    def against(self, url: str, *, body: str = OK) -> list[str | Path]:
        return self.run("--target", url, "--config", self.config(FAST), body=body)


@dataclass(frozen=True)
class Case:
    id: str
    args: Callable[[Kit], list[str | Path]]
    code: int
    needles: tuple[str, ...]
    process: bool = False  # run the real command line in a child process
    statuses: dict[str, str] | None = None  # scenario name → Allure status, for run cases


def _outline(value_line: str, column: str, value: str) -> str:
    return (
        "  Scenario Outline: from Examples\n"
        f"    {value_line}\n"
        '    When NO-A sends SRV 4.1.1 to "meter-1"\n'
        "    Then the request is applied\n"
        "    Examples:\n"
        f"      | {column} |\n"
        f"      | {value} |\n"
    )


def _registration_file(kit: Kit, party: str) -> list[str | Path]:
    kit.file(
        "features/data/regs.yaml",
        "registrations:\n"
        f'  - {{meter_point: "1200000000002", role: ED, party: "{party}", from: 2025-01-01}}\n',
    )
    return _registration_file_named(kit)


def _registration_file_named(kit: Kit) -> list[str | Path]:
    body = (
        "  Scenario: registrations from a file\n"
        '    Given the Registration Data in "data/regs.yaml"\n'
        '    When NO-A sends SRV 4.1.1 to "meter-1"\n'
        "    Then the request is applied\n"
    )
    return kit.run(body=body)


def _outcome_table(rows: str) -> str:
    return (
        "  Scenario: outcome table\n"
        '    When NO-A sends SRV 4.1.1 to "meter-1"\n'
        "    Then the outcome depends on the profile:\n"
        "      | profile | outcome |\n" + rows
    )


def _busy_port(kit: Kit) -> int:
    sock = kit.stack.enter_context(socket.create_server(("127.0.0.1", 0)))
    return int(sock.getsockname()[1])


NOW = datetime.now(UTC)
KEY = new_key()
CERT = pem_certificate(certificate(KEY))

# fmt: off
CASES: list[Case] = [
    # -- feature files ------------------------------------------------------------------
    Case("gherkin-table-cells", lambda k: k.run(body="  Scenario: t\n    Given the time is 2026-03-01\n      | a | b |\n      | c |\n"),
         2, ("mine.feature: malformed Gherkin: (13:5): inconsistent cell count within the table",)),
    Case("gherkin-not-gherkin", lambda k: ["run", "--features", write_feature(k.tmp / "f", "just some prose\n", background=False), "--results", k.tmp / "r"],
         2, ("mine.feature: malformed Gherkin: (1:1): expected: #EOF", "got 'just some prose'")),
    Case("gherkin-empty-file", lambda k: ["run", "--features", write_feature(k.tmp / "f", "", background=False), "--results", k.tmp / "r"],
         2, ("no Feature in the file", "mine.feature")),
    Case("feature-not-utf8", lambda k: ["run", "--features", k.file("f/x.feature", b"Feature: \xff\xfe caf\xe9\n").parent, "--results", k.tmp / "r"],
         2, ("not UTF-8 text", "x.feature")),
    Case("no-scenarios", lambda k: ["run", "--features", k.file("empty/readme.txt", "").parent, "--results", k.tmp / "r"],
         2, ("no scenarios in", "empty")),
    Case("unknown-step", lambda k: k.run(body='  Scenario: typo\n    When NO-A sendz SRV 4.1.1 to "meter-1"\n'),
         2, ('unknown step "When NO-A sendz SRV 4.1.1 to "meter-1""', "mine.feature:11", "nearest known")),
    Case("stray-quote-in-a-step", lambda k: k.run(body='  Scenario: a stray quote\n    When NO-A sends SRV 4.1.1 to "meter-1" signed with a tampered signature"\n'),
         2, ("unknown envelope fault", "mine.feature:11")),
    Case("step-needs-a-table", lambda k: k.run(body="  Scenario: t\n    Given the following Users:\n    When NO-A sends SRV 4.1.1 to \"meter-1\"\n"),
         2, ("needs a data table", "mine.feature:11")),
    Case("unknown-capability-tag", lambda k: k.run(body="  @needs:teleport\n" + OK),
         2, ("@needs:teleport is not a capability", "mine.feature:11")),
    Case("unknown-profile-tag", lambda k: k.run(body="  @profile:dp108\n" + OK),
         2, ("@profile:dp108 is not a known profile", "mine.feature:11")),
    Case("unknown-requirement", lambda k: k.run(body="  @req:NO-SUCH-REQ\n" + OK),
         2, ("@req:NO-SUCH-REQ is not in the requirements catalogue", "mine.feature:11")),
    Case("two-features-in-one-file", lambda k: k.run(body="Feature: untagged\n" + OK),
         2, ("mine.feature: malformed Gherkin: (10:1)", "got 'Feature: untagged'")),
    Case("no-requirement-tag", lambda k: ["run", "--features", write_feature(k.tmp / "f", "Feature: untagged\n" + OK, background=False), "--results", k.tmp / "r"],
         2, ("cites no requirement", "mine.feature:2")),
    Case("no-when-or-then", lambda k: k.run(body="  Scenario: nothing happens\n    Given the time is 2026-03-02\n"),
         2, ("has no When or Then step", "mine.feature:10")),
    Case("outcome-table-unknown-profile", lambda k: k.run(body=_outcome_table("      | dp108 | applied |\n      | any other profile | applied |\n")),
         2, ("unknown profile 'dp108' in the outcome table", "mine.feature:12")),
    Case("outcome-table-missing-profile", lambda k: k.run(body=_outcome_table("      | baseline | applied |\n")),
         2, ("no row for profile 'dp107-owner-path'", "mine.feature:12")),
    Case("outcome-unreadable", lambda k: k.run(body='  Scenario: t\n    When NO-A sends SRV 4.1.1 to "meter-1"\n    Then the outcome is "maybe"\n'),
         2, ("cannot read the outcome 'maybe'", "mine.feature:12")),
    # -- values in Examples -------------------------------------------------------------
    Case("examples-mpan-check-digit", lambda k: k.run(body=_outline('Given a SMETS2 ESME "m" serving MPAN <mpan>', "mpan", "1200000000003")),
         2, ("check digit 3, expected 2", "mine.feature:11")),
    Case("examples-mpan-length", lambda k: k.run(body=_outline('Given a SMETS2 ESME "m" serving MPAN <mpan>', "mpan", "120000")),
         2, ("not an MPAN core: '120000'", "mine.feature:11")),
    Case("examples-impossible-date", lambda k: k.run(body=_outline("Given the time is <when>", "when", "2026-02-30")),
         2, ("not a date or time: '2026-02-30'", "mine.feature:11")),
    Case("examples-impossible-time", lambda k: k.run(body=_outline("Given the time is <when>", "when", "2026-03-01 25:00")),
         2, ("not a date or time: '2026-03-01 25:00'", "mine.feature:11")),
    Case("examples-interval-backwards", lambda k: k.run(body=_outline("Given NO-A is registered for MPAN 1200000000002 from 2026-01-01 until <end>", "end", "2025-01-01")),
         2, ("2025-01-01 is before 2026-01-01", "mine.feature:11")),
    Case("examples-unknown-role", lambda k: k.run(body=_outline("Given NO-C is a User in the role <role>", "role", "XX")),
         2, ("'XX'", "mine.feature:11")),
    Case("examples-unknown-srv", lambda k: k.run(body=_outline('When NO-A sends SRV <srv> to "meter-1"', "srv", "99.9")),
         2, ("99.9", "mine.feature:11")),
    Case("examples-unknown-code", lambda k: k.run(body=_outline("Then the request is rejected by the DSP with <code>", "code", "E999")),
         2, ("response code 'E999' is not in the response-code table", "mine.feature:11")),
    Case("examples-unknown-fault", lambda k: k.run(body=_outline('When NO-A sends SRV 4.1.1 to "meter-1" signed with <fault>', "fault", "a forged stamp")),
         2, ("unknown envelope fault 'a forged stamp'", "mine.feature:11")),
    Case("registration-file-bad-eui64", lambda k: _registration_file(k, "90-B3-D5-1F-30-02-00"),
         2, ("not an EUI-64: '90-B3-D5-1F-30-02-00'", "regs.yaml: registration 1", "mine.feature:11")),
    Case("registration-file-missing", lambda k: k.run(body='  Scenario: t\n    Given the Registration Data in "data/none.yaml"\n    When NO-A sends SRV 4.1.1 to "meter-1"\n'),
         2, ("registration file 'data/none.yaml' not found", "mine.feature:11")),
    # -- options ------------------------------------------------------------------------
    Case("unknown-profile", lambda k: k.run("--profile", "dp108"), 2, ("unknown profile 'dp108'",)),
    Case("unknown-switch", lambda k: k.run("--profile", "baseline+mp064"), 2, ("unknown switch 'mp064'",)),
    Case("unknown-target", lambda k: k.run("--target", "ftp://nowhere"), 2, ("unknown target 'ftp://nowhere'",)),
    Case("malformed-tag-expression", lambda k: k.run("--tags", "@req:X and ("), 2, ("--tags '@req:X and (' is not a tag expression",)),
    Case("tags-select-nothing", lambda k: k.run("--tags", "@no-scenario-has-this"), 2, ("produced no result",)),
    Case("tags-unknown-requirement", lambda k: k.run("--tags", "@req:NOTHING-HAS-THIS"), 2, ("--tags", "@req:NOTHING-HAS-THIS is not in",)),
    Case("catalogue-missing", lambda k: k.run("--catalogue", k.tmp / "none.yaml"), 2, ("none.yaml", "cannot be read")),
    Case("catalogue-not-yaml", lambda k: k.run("--catalogue", k.file("cat.yaml", "requirements: [unclosed")), 2, ("cat.yaml", "not valid YAML at line")),
    Case("registration-file-not-yaml", lambda k: (k.file("features/data/regs.yaml", "registrations: [unclosed"), _registration_file_named(k))[-1],
         2, ("regs.yaml: not valid YAML at line", "mine.feature:11")),
    Case("workers-with-behave", lambda k: k.run("--runner", "behave", "-n", "2"), 2, ("needs --runner pytest-bdd",)),
    Case("workers-negative", lambda k: k.run("-n", "-1"), 2, ("-n/--workers -1",)),
    Case("timeout-zero", lambda k: k.run("--timeout", "0"), 2, ("--timeout 0",)),
    Case("results-is-a-file", lambda k: ["run", "--features", k.features(), "--results", k.file("results.txt", "")], 2, ("--results", "is a file, not a folder")),
    Case("junit-under-a-file", lambda k: k.run("--junit", k.file("plain.txt", "") / "junit.xml"), 2, ("--junit", "plain.txt is a file, not a folder")),
    # -- the --config file --------------------------------------------------------------
    Case("config-missing", lambda k: k.run("--config", k.tmp / "none.toml"), 2, ("config file", "none.toml", "does not exist")),
    Case("config-is-a-folder", lambda k: k.run("--config", k.file("cfg.toml/x", "").parent), 2, ("config file", "cfg.toml", "is not a file")),
    Case("config-not-utf8", lambda k: k.run("--config", k.file("c.toml", b"timeout = \xff\n")), 2, ("c.toml", "not UTF-8")),
    Case("config-not-toml", lambda k: k.run("--config", k.config("[target\ntimeout = 3\n")), 2, ("target.toml", "not valid TOML", "line 1")),
    Case("config-wrong-type", lambda k: k.run("--config", k.config('[target]\ntimeout = "fast"\n')), 2, ("target.toml", "[target] timeout = 'fast': expected a number")),
    Case("config-negative-retries", lambda k: k.run("--config", k.config("[target]\nretries = -1\n")), 2, ("target.toml", "retries = -1")),
    Case("config-target-not-a-table", lambda k: k.run("--config", k.config("target = 5\n")), 2, ("target.toml", "target must be a table")),
    Case("config-unknown-setting", lambda k: k.run("--config", k.config("[target]\ntimout = 3\n")), 2, ("target.toml", "unknown setting 'timout' in [target]")),
    Case("config-signers-not-tables", lambda k: k.run("--config", k.config('signers = "me"\n')), 2, ("target.toml", "signers must be tables")),
    Case("config-signer-missing-key", lambda k: k.run("--config", k.config('[[signers]]\nuser_id = "90-B3-D5-1F-30-02-00-77"\ncertificate = "c.pem"\n')), 2, ("target.toml", "missing 'key'")),
    Case("config-signer-bad-eui64", lambda k: k.run("--config", k.config(signer_config("c.pem", "k.pem").replace("90-B3-D5-1F-30-02-00-77", "90-B3-D5"))), 2, ("target.toml", "not an EUI-64: '90-B3-D5'")),
    Case("config-ca-bundle-missing", lambda k: k.run("--config", k.config('[target]\nca_bundle = "none.pem"\n')), 2, ("ca_bundle", "none.pem", "No such file")),
    Case("config-ca-bundle-garbage", lambda k: (k.file("ca.pem", "not a certificate"), k.run("--config", k.config('[target]\nca_bundle = "ca.pem"\n')))[-1], 2, ("ca_bundle", "ca.pem", "not PEM CA certificates")),
    Case("config-client-cert-alone", lambda k: k.run("--config", k.config('[target]\nclient_cert = "c.pem"\n')), 2, ("client_cert and client_key go together",)),
    # -- keys and certificates ------------------------------------------------------------
    Case("key-missing", lambda k: (k.file("c.pem", CERT), k.run("--config", k.config(signer_config("c.pem", "none.key"))))[-1], 2, ("key", "none.key", "No such file")),
    Case("key-unreadable-folder", lambda k: (k.file("c.pem", CERT), k.file("keys/x", ""), k.run("--config", k.config(signer_config("c.pem", "keys"))))[-1], 2, ("key", "keys", "Is a directory")),
    Case("key-is-a-certificate", lambda k: k.signer(CERT, CERT), 2, ("signer 90-B3-D5-1F-30-02-00-77 key", "not an unencrypted private key")),
    Case("key-rsa", lambda k: k.signer(CERT, pem_key(rsa.generate_private_key(65537, 2048))), 2, ("key", "not an elliptic-curve P-256 key")),
    Case("key-p384", lambda k: k.signer(CERT, pem_key(ec.generate_private_key(ec.SECP384R1()))), 2, ("key", "not an elliptic-curve P-256 key")),
    Case("key-passphrase", lambda k: k.signer(CERT, pem_key(KEY, b"secret passphrase")), 2, ("key", "not an unencrypted private key")),
    Case("certificate-missing", lambda k: (k.file("k.key", pem_key(KEY)), k.run("--config", k.config(signer_config("none.pem", "k.key"))))[-1], 2, ("certificate", "none.pem", "No such file")),
    Case("certificate-garbage", lambda k: k.signer(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", pem_key(KEY)), 2, ("certificate: not an X.509 certificate",)),
    Case("certificate-is-a-key", lambda k: k.signer(pem_key(KEY), pem_key(KEY)), 2, ("certificate: not an X.509 certificate",)),
    Case("key-of-another-certificate", lambda k: k.signer(CERT, pem_key(new_key())), 2, ("the key does not belong to the certificate",)),
    Case("certificate-expired", lambda k: k.signer(pem_certificate(certificate(KEY, not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(days=1))), pem_key(KEY)),
         2, ("certificate expired on", f"{NOW - timedelta(days=1):%Y-%m-%d}")),
    Case("certificate-not-yet-valid", lambda k: k.signer(pem_certificate(certificate(KEY, not_before=NOW + timedelta(days=2), not_after=NOW + timedelta(days=30))), pem_key(KEY)),
         2, ("certificate not valid before", f"{NOW + timedelta(days=2):%Y-%m-%d}")),
    Case("dsp-certificate-garbage", lambda k: (k.file("dsp.pem", "garbage"), k.run("--config", k.config('[target]\ndsp_certificate = "dsp.pem"\n')))[-1], 2, ("dsp_certificate: not an X.509 certificate",)),
    # -- the target -----------------------------------------------------------------------
    Case("target-refuses", lambda k: k.against(f"http://127.0.0.1:{peers.closed_port()}"), 3, ("unreachable", "nothing was run")),
    Case("target-hangs-up", lambda k: k.against(k.peer(peers.hang_up)), 3, ("answered no HTTP", "nothing was run")),
    Case("target-never-answers", lambda k: k.against(k.peer(peers.never_answer)), 3, ("did not answer within 1.5 s", "nothing was run")),
    Case("target-answers-garbage-bytes", lambda k: k.against(k.peer(peers.garbage)), 3, ("answered no HTTP", "nothing was run")),
    Case("target-answers-5xx", lambda k: k.against(k.peer(peers.answer_5xx)), 3, ("HTTP 503", "nothing was run")),
    Case("target-answers-not-json", lambda k: k.against(k.peer(peers.answer_not_json)), 3, ("not a JSON object", "nothing was run")),
    Case("target-answers-byte-by-byte", lambda k: k.against(k.peer(peers.trickle_everything)), 3, ("did not answer within 1.5 s", "nothing was run")),
    Case("target-refuses-the-token", lambda k: k.against(k.peer(peers.answer_unauthorised)), 2, ("HTTP 401", "test-control token")),
    Case("receiver-port-in-use", lambda k: k.run("--target", f"http://127.0.0.1:{peers.closed_port()}", "--config", k.config(f"[target]\nreceiver_port = {_busy_port(k)}\n")),
         2, ("cannot listen for asynchronous responses on 127.0.0.1:",)),
    Case("duis-5xx", lambda k: k.against(k.proxy(peers.on_path("/api/v1/serviceT", lambda c, r: c.send(peers.http_response(502, b"bad gateway", "text/plain")))), body=TWO_SCENARIOS),
         3, ("inconclusive", "target answered HTTP 502 on /api/v1/serviceT", "SRV 6.15.1 CV4"), statuses={"a read": "passed", "a critical update": "broken"}),
    Case("duis-garbage", lambda k: k.against(k.proxy(peers.on_path("/api/v1/serviceT", lambda c, r: c.send(peers.http_response(200, b"<sr:Response><<<\x00", "application/xml")))), body=TWO_SCENARIOS),
         3, ("inconclusive", "unusable response from the target"), statuses={"a read": "passed", "a critical update": "broken"}),
    Case("duis-byte-by-byte", lambda k: k.against(k.proxy(peers.on_path("/api/v1/serviceT", lambda c, r: c.trickle(peers.http_response(200, b"<x/>" * 64), 0.05))), body=TWO_SCENARIOS),
         3, ("inconclusive", "no answer on /api/v1/serviceT within 1.5 s"), statuses={"a read": "passed", "a critical update": "broken"}),
    Case("duis-never-answers", lambda k: k.against(k.proxy(peers.on_path("/api/v1/serviceT", lambda c, r: c.hold(20))), body=TWO_SCENARIOS),
         3, ("inconclusive", "no answer on /api/v1/serviceT within 1.5 s", "not re-sent"), statuses={"a read": "passed", "a critical update": "broken"}),
    Case("duis-answer-too-large", lambda k: k.against(k.proxy(peers.on_path("/api/v1/serviceT", lambda c, r: c.send(peers.http_response(200, b" " * (5 << 20))))), body=TWO_SCENARIOS),
         3, ("inconclusive", "answer larger than"), statuses={"a read": "passed", "a critical update": "broken"}),
    Case("async-response-never-arrives", lambda k: k.against(k.proxy(relay="drop"), body=TWO_SCENARIOS),
         3, ("inconclusive", "no final response for", "within 1.5 s"), statuses={"a read": "broken", "a critical update": "broken"}),
    Case("async-response-arrives-twice", lambda k: k.against(k.proxy(relay="twice"), body=TWO_SCENARIOS),
         0, ("2 pass",), statuses={"a read": "passed", "a critical update": "passed"}),
    # -- serve ----------------------------------------------------------------------------
    Case("serve-all-interfaces-without-token", lambda k: ["serve", "--host", "0.0.0.0", "--port", "0", "--no-schema"], 2,
         ("refusing to expose the test-control API on 0.0.0.0 without a token",), process=True),
    Case("serve-port-in-use", lambda k: ["serve", "--port", str(_busy_port(k)), "--no-schema"], 2, ("cannot listen on 127.0.0.1:",), process=True),
    Case("serve-unknown-profile", lambda k: ["serve", "--profile", "dp108", "--no-schema"], 2, ("unknown profile 'dp108'",), process=True),
    Case("serve-state-is-a-folder", lambda k: ["serve", "--port", "0", "--no-schema", "--state", k.file("st/x", "").parent], 2, ("state file", "st"), process=True),
    Case("serve-state-not-sqlite", lambda k: ["serve", "--port", "0", "--no-schema", "--state", k.file("st.db", "not a database " * 100)], 2,
         ("state file", "st.db", "not a dsp-conformance state file"), process=True),
]
# fmt: on


@pytest.fixture(scope="module")
def upstream() -> Callable[[], str]:
    """A real served DSP for the fault proxies, started on first use."""
    stack = contextlib.ExitStack()
    started: list[str] = []

    def url() -> str:
        if not started:
            started.append(stack.enter_context(served("baseline")))
        return started[0]

    yield url  # type: ignore[misc]
    stack.close()


def invoke(args: list[str | Path]) -> tuple[int, str]:
    """The CLI's main() in this process, output captured; SystemExit is an exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue() + err.getvalue()


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


# Target faults in the middle of a run, through a fault proxy in front of a served DSP, take
# seconds each (a timeout or a retry is waited out). These four run in `make test-slow`;
# tests/served/test_http_adapter_units.py checks the adapter's answer to each on a mock
# transport in `make test`, and the faults only a real socket shows (a trickle, an answer
# past the size limit, a response delivered twice) stay here in `make test`.
END_TO_END_ONLY_IN_SLOW = frozenset(
    {"duis-5xx", "duis-garbage", "duis-never-answers", "async-response-never-arrives"}
)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.slow) if c.id in END_TO_END_ONLY_IN_SLOW else c
        for c in CASES
    ],
    ids=[c.id for c in CASES],
)
def test_bad_input(case: Case, tmp_path: Path, upstream: Callable[[], str]) -> None:
    with contextlib.ExitStack() as stack:
        kit = Kit(tmp_path, stack, upstream)
        args = case.args(kit)
        if case.process:
            done = run_cli(*args, timeout=60)
            code, text = done.returncode, done.stdout + done.stderr
        else:
            code, text = invoke(args)
    assert code == case.code, text[-3000:]
    assert_no_traceback(text)
    line = one_line(text, *case.needles)
    if code == 2:
        assert line.startswith("dsp-conformance:"), line
        lines = text.splitlines()
        for n, each in enumerate(lines[:-1]):  # an error is one line: nothing runs on after it
            if each.startswith("dsp-conformance: error:"):
                assert lines[n + 1].startswith(("dsp-conformance", "==")), text
    if case.statuses is not None:
        found = {}
        for path in (tmp_path / "r").glob("*-result.json"):
            result = json.loads(path.read_text())
            found[result["name"]] = result["status"]
            if result["status"] == "broken":  # the evidence: the reason, in the result
                assert result["statusDetails"]["message"].strip(), result
        assert found == case.statuses, found
