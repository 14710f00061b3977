"""Micro-benchmark: what one Service Request validation costs in the reference DSP.

    python benchmarks/bench_validation.py [--quick] [--json PATH|-] [--rounds N]

Measures, in one process and one run:

  (a) one non-critical SR (4.1.1, immediate) through the whole pipeline: ``ReferenceDsp.submit``
      runs the replay check, every rule of the baseline profile (SRPD 6.1(f) included) and
      completes the command;
  (b) one full critical SRV 6.15.1 flow on a SMETS2 ESME: transform (CV 4), ECDSA P-256 signature
      of the pre-command, signed pre-command (CV 5: the DSP verifies the sender's signature),
      ownership check (the device verifies it against the cell's certificate), update applied;

and, as baselines measured the same way in the same run, (0) a call of a Python function
that does nothing, and (0e) one bare ECDSA P-256 sign + verify pair with ``cryptography``.
Each figure is the median (and the minimum) over several rounds of many calls, in µs per
call; ratios are of medians. The JSON goes to stdout (the table then goes to stderr) or to
the file given by ``--json``. The workload is fixed (same cast, clock, RequestIDs); only the
keys are fresh each run, which does not change the cost of ECDSA on P-256.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import cryptography
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from harness.domain.certificates import KeyUsage
from harness.domain.clock import ManualClock
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import make_mpan
from harness.domain.parties import User
from harness.domain.registration import Registration
from harness.domain.requests import (
    CertificatePair,
    Outcome,
    ReadInstantaneousImportRegisters,
    RequestId,
    ServiceRequest,
    SignedPreCommand,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole, UserRole
from harness.domain.timeline import Interval
from harness.pki import Credential, TestPki
from harness.reference.cells import certificate_updates
from harness.reference.dsp import ReferenceDsp
from harness.reference.profiles import resolve
from harness.signing import sign_payload

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
MPAN = make_mpan("120000000001")
SUPPLIER = Eui64.parse("90-B3-D5-1F-30-01-00-00")
NETWORK_OPERATOR = Eui64.parse("90-B3-D5-1F-30-02-00-00")
METER = Eui64.parse("00-DB-12-34-56-78-90-A0")


@dataclass(frozen=True)
class Plan:
    rounds: int
    calls: int  # per round, for the cheap measurements
    critical_calls: int  # per round, for the ECDSA-bound ones


FULL = Plan(rounds=7, calls=20_000, critical_calls=400)
QUICK = Plan(rounds=3, calls=2_000, critical_calls=60)


class Fixture:
    """A reference DSP with a supplier, a network operator and one SMETS2 ESME."""

    def __init__(self) -> None:
        self.pki = TestPki()
        self.dsp = ReferenceDsp(resolve("baseline"), ManualClock(NOW))
        state = self.dsp.state
        self.keys: dict[Eui64, Credential] = {}
        for user_id, role in (
            (SUPPLIER, UserRole.IMPORT_SUPPLIER),
            (NETWORK_OPERATOR, UserRole.ELECTRICITY_DISTRIBUTOR),
        ):
            state.add_user(User(user_id, role, role.label))
            cell_role = role.remote_party_role
            assert cell_role is not None
            for usage in KeyUsage:
                state.publish(self.pki.issue(user_id, cell_role.ou_code, usage).certificate)
            state.publish(
                self.pki.issue(user_id, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING).certificate
            )
            self.keys[user_id] = self.pki.issue(
                user_id, cell_role.ou_code, KeyUsage.DIGITAL_SIGNING
            )
            state.registrations.add(
                Registration(MPAN, role, user_id, Interval(NOW.replace(year=2025)))
            )
        state.add_device(
            Device(METER, DeviceType.ESME, Generation.SMETS2, DeviceStatus.COMMISSIONED, MPAN)
        )
        self.no_pair = CertificatePair(
            self.pki.issue(NETWORK_OPERATOR, "03", KeyUsage.DIGITAL_SIGNING).certificate.der,
            self.pki.issue(NETWORK_OPERATOR, "03", KeyUsage.KEY_AGREEMENT).certificate.der,
        )
        state.install(METER, certificate_updates(RemotePartyRole.NETWORK_OPERATOR, self.no_pair))
        self.krp_body = UpdateSecurityCredentialsKRP(RemotePartyRole.NETWORK_OPERATOR, self.no_pair)
        self.counter = 0

    def _next_id(self, originator: Eui64) -> RequestId:
        self.counter += 1
        return RequestId(originator, METER, self.counter)

    def non_critical(self) -> None:
        request = ServiceRequest(
            self._next_id(SUPPLIER), "4.1.1", 1, ReadInstantaneousImportRegisters()
        )
        response = self.dsp.submit(request)
        if response.code != "I99":
            raise AssertionError(f"non-critical SR not accepted: {response.code} {response.detail}")

    def critical(self) -> None:
        request = ServiceRequest(self._next_id(NETWORK_OPERATOR), "6.15.1", 4, self.krp_body)
        transformed = self.dsp.submit(request)
        pre_command = transformed.pre_command
        if transformed.outcome is not Outcome.TRANSFORMED or pre_command is None:
            raise AssertionError(f"transform failed: {transformed.code} {transformed.detail}")
        signature = sign_payload(self.keys[NETWORK_OPERATOR].private_key, pre_command)
        signed = ServiceRequest(
            request.request_id, "6.15.1", 5, SignedPreCommand(pre_command, signature)
        )
        acknowledged = self.dsp.submit(signed)
        final = self.dsp.state.outbox[-1]
        if acknowledged.code != "I99" or final.outcome is not Outcome.COMPLETED:
            raise AssertionError(f"critical flow failed: {acknowledged.code} {final.detail}")

    def reset_outbox(self) -> None:
        """Keep memory flat between rounds (the outbox only grows)."""
        self.dsp.state.outbox.clear()


def _noop() -> None:
    return None


def _bare_ecdsa() -> Callable[[], None]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    payload = b"GBCS|90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1|6.15.1|" + b"0" * 64
    algorithm = ec.ECDSA(hashes.SHA256())

    def sign_and_verify() -> None:
        public.verify(key.sign(payload, algorithm), payload, algorithm)

    return sign_and_verify


def measure(
    function: Callable[[], None], calls: int, rounds: int, between: Callable[[], None] | None
) -> list[float]:
    """µs per call for each round (after one warm-up round)."""
    results = []
    for index in range(rounds + 1):
        if between is not None:
            between()
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if index:  # round 0 warms caches up
            results.append(elapsed / calls * 1e6)
    return results


def run(plan: Plan) -> dict[str, Any]:
    fixture = Fixture()
    cases: list[tuple[str, str, Callable[[], None], int, Callable[[], None] | None]] = [
        ("noop", "baseline: empty Python function call", _noop, plan.calls, None),
        (
            "non_critical",
            "(a) non-critical SR 4.1.1 through the whole pipeline",
            fixture.non_critical,
            plan.calls,
            fixture.reset_outbox,
        ),
        (
            "ecdsa",
            "baseline: bare ECDSA P-256 sign + verify",
            _bare_ecdsa(),
            plan.critical_calls,
            None,
        ),
        (
            "critical",
            "(b) critical 6.15.1: transform, sign, signed pre-command, ownership",
            fixture.critical,
            plan.critical_calls,
            fixture.reset_outbox,
        ),
    ]
    figures: dict[str, dict[str, Any]] = {}
    for key, label, function, calls, between in cases:
        per_call = measure(function, calls, plan.rounds, between)
        figures[key] = {
            "label": label,
            "calls_per_round": calls,
            "rounds": plan.rounds,
            "median_us": statistics.median(per_call),
            "min_us": min(per_call),
            "rounds_us": per_call,
        }
    figures["non_critical"]["ratio_to_noop"] = (
        figures["non_critical"]["median_us"] / figures["noop"]["median_us"]
    )
    figures["critical"]["ratio_to_noop"] = (
        figures["critical"]["median_us"] / figures["noop"]["median_us"]
    )
    figures["critical"]["ratio_to_ecdsa_pair"] = (
        figures["critical"]["median_us"] / figures["ecdsa"]["median_us"]
    )
    figures["critical"]["ratio_to_non_critical"] = (
        figures["critical"]["median_us"] / figures["non_critical"]["median_us"]
    )
    return {
        "benchmark": "bench_validation",
        "plan": {"rounds": plan.rounds, "calls": plan.calls, "critical_calls": plan.critical_calls},
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cryptography": cryptography.__version__,
        },
        "results": figures,
    }


def table(report: dict[str, Any]) -> str:
    results = report["results"]
    lines = [
        f"{'measurement':<72} {'median µs':>10} {'min µs':>9}  ratio",
        "-" * 104,
    ]
    ratios = {
        "non_critical": f"{results['non_critical']['ratio_to_noop']:.0f}× no-op",
        "critical": (
            f"{results['critical']['ratio_to_ecdsa_pair']:.2f}× ECDSA pair, "
            f"{results['critical']['ratio_to_noop']:.0f}× no-op"
        ),
    }
    for key in ("noop", "non_critical", "ecdsa", "critical"):
        row = results[key]
        lines.append(
            f"{row['label']:<72} {row['median_us']:>10.2f} {row['min_us']:>9.2f}  "
            f"{ratios.get(key, '')}"
        )
    plan = report["plan"]
    lines.append(
        f"({plan['rounds']} rounds; {plan['calls']} calls/round, {plan['critical_calls']} for "
        f"the ECDSA-bound rows; Python {report['environment']['python']}, "
        f"cryptography {report['environment']['cryptography']})"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few calls: a smoke run (~1 s)")
    parser.add_argument(
        "--json", default="-", metavar="PATH", help="write the JSON here ('-': stdout, default)"
    )
    parser.add_argument("--rounds", type=int, help="override the number of rounds")
    options = parser.parse_args(argv)
    plan = QUICK if options.quick else FULL
    if options.rounds:
        plan = Plan(options.rounds, plan.calls, plan.critical_calls)
    report = run(plan)
    text = json.dumps(report, indent=2)
    table_out: TextIO = sys.stderr if options.json == "-" else sys.stdout
    print(table(report), file=table_out)
    if options.json == "-":
        print(text)
    else:
        Path(options.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
