"""The World: one scenario's cast, data and target, and the small language steps speak.

Testers name parties ("NO-A") and devices ("meter-1"); the World gives them User IDs,
Device IDs and real certificates, provisions the target, sends Service Requests through
the adapter (running the critical flow: transform, sign, send signed), and judges what
came back. Step functions only translate phrases into calls on this class.

The class is built in three layers, one job each: the cast and its Givens
(``harness/world_cast.py``), sending requests (``harness/world_exchange.py``) and judging
what came back (here); the values they keep are in ``harness/world_values.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from harness.domain.certificates import CertificateId, KeyUsage
from harness.domain.parties import DCC_ID
from harness.domain.reports import (
    IMPORT_REGISTER,
    PROFILE_ENTRIES,
    CredentialReport,
    certificate_hash,
    credential_reports,
)
from harness.domain.requests import Outcome
from harness.domain.roles import RemotePartyRole
from harness.errors import HarnessError, Inconclusive, NonConformance
from harness.expectations import (
    Expectation,
    Observed,
    expectation_for_profile,
    profile_row,
    row_for_profile,
)
from harness.parameters import DCC_HOLDER, NOBODY
from harness.results.outcome import StatedOutcome
from harness.world_exchange import ScenarioExchange
from harness.world_values import Attempt, Party, PreCommandStep, cert_id

__all__ = ["Attempt", "Party", "PreCommandStep", "World"]


class World(ScenarioExchange):
    """Everything one scenario knows. Create one per scenario."""

    # -- Then -----------------------------------------------------------------------
    def expect(
        self, expectation: Expectation, *, by_profile: bool = False, effect: str | None = None
    ) -> None:
        """Judge the last attempt; what was expected and observed is kept for the outcome
        (with the appraisal effect the scenario declares for it, if any)."""
        observed = self._observe()
        self.recording.expect(replace(expectation.stated(), effect=effect), by_profile=by_profile)
        deviation = expectation.judge(observed)
        if deviation is not None:
            self.recording.deviate(deviation)

    def expect_per_profile(
        self, rows: Sequence[tuple[str, str]], effects: Mapping[str, str] | None = None
    ) -> None:
        """``effects``: the outcome table's effect column by row, if it has one."""
        key = profile_row(list(effects), self.profile) if effects else None
        effect = (effects or {}).get(key or "") or None
        self.expect(expectation_for_profile(rows, self.profile), by_profile=True, effect=effect)

    def expect_requirement(self, requirement: str) -> None:
        self.require("cite_requirements")
        observed = self._observe()
        if observed.requirement != requirement:
            raise NonConformance(
                f"expected the rejection to cite {requirement}, got {observed.describe()}"
            )

    def _observe(self) -> Observed:
        observed = self.last_attempt().observed()
        observed = replace(observed, detail=self.named(observed.detail))
        self.recording.observe(observed.stated())
        return observed

    def named(self, text: str) -> str:
        """A target's message in the scenario's names: each EUI-64 of a party or device the
        scenario declared becomes ``name [EUI-64]``."""
        if not text:
            return text
        names = {str(p.user.user_id): n for n, p in self.parties.items()}
        names |= {str(d.device_id): n for n, d in self.devices.items()}
        for eui, name in names.items():
            text = text.replace(eui, f"{name} [{eui}]")
        return text

    def expect_holder(self, device_name: str, remote_role: str, owner_name: str) -> None:
        """``owner_name`` ``nobody``: the cells hold no certificate."""
        if owner_name == DCC_HOLDER:
            raise HarnessError(
                "the DCC's certificates are not among those inspected; say it of a 6.24.1: "
                f'Then the read reports that "{device_name}" is still DCC-controlled in the '
                f"{remote_role} cell"
            )
        self.require("inspect")
        device = self.device(device_name)
        role = RemotePartyRole.parse(remote_role)
        held = self.adapter.held_certificates(device.device_id)
        cells = [f"{role.value}/{usage.value}" for usage in KeyUsage]
        if owner_name == NOBODY:
            for cell in cells:
                if held.dsp.get(cell) is not None:
                    raise NonConformance(
                        f"{device_name} {cell}: expected no certificate, holds "
                        f"{self._owner_of(held.dsp[cell])}"
                    )
            return
        expected = self._pair(self.party(owner_name), role)
        wanted = dict(zip(cells, (expected.digital_signing, expected.key_agreement), strict=True))
        for cell, der in wanted.items():
            assert der is not None
            want = cert_id(der)
            got = held.dsp.get(cell)
            if got != want:
                shown = self._owner_of(got) if got is not None else "nothing"
                raise NonConformance(
                    f"{device_name} {cell}: expected {owner_name}'s certificate, holds {shown}"
                )

    def _owner_of(self, certificate: CertificateId) -> str:
        """Whose certificate an ID is, in the scenario's names (the ID in brackets)."""
        for name, party in self.parties.items():
            for credential in party.credentials.values():
                if cert_id(credential.der) == certificate:
                    return f"{name}'s certificate [{certificate}]"
        return f"a certificate of no party in this scenario [{certificate}]"

    def expect_holder_per_profile(
        self, device_name: str, remote_role: str, rows: Sequence[tuple[str, str]]
    ) -> None:
        holder = " ".join(row_for_profile(rows, self.profile, "holder per profile").split())
        if self.recording.expected is None:  # the scenario's required outcome is this state
            required = f"the {remote_role} certificates of {device_name} belong to {holder}"
            self.recording.expect(StatedOutcome("held", required), by_profile=True)
        self.expect_holder(device_name, remote_role, holder)

    def expect_copies_agree(self, device_name: str) -> None:
        self.require("inspect")
        held = self.adapter.held_certificates(self.device(device_name).device_id)
        if held.s1sp is None:
            raise HarnessError(f"{device_name} is not a SMETS1 device: it has no S1SP copy")
        if held.dsp != held.s1sp:
            raise NonConformance(
                f"DSP and S1SP copies differ for {device_name}: DSP {held.dsp}, S1SP {held.s1sp}"
            )

    # -- what a read returns ------------------------------------------------------------
    def expect_read_reports_holder(
        self, device_name: str, remote_role: str, holder: str, *, by_profile: bool = False
    ) -> None:
        """The last request, a 6.24.1 to ``device_name``, reports ``holder``'s certificates
        in both of ``remote_role``'s cells (``nobody``: none; ``the DCC``: still the DCC's),
        read from the answer's MMC ``RemotePartyDetails`` (in process, the same facts)."""
        role = RemotePartyRole.parse(remote_role)
        holder = " ".join(holder.split())
        wanted = {
            NOBODY: "no certificate",
            DCC_HOLDER: "the DCC's certificates (still DCC-controlled)",
        }.get(holder, f"{holder}'s certificates")
        claim = f"report {wanted} in {device_name}'s {remote_role} cells"
        what = f"the read to {claim}"
        reports = credential_reports(self._read_answer("6.24.1", device_name, claim, by_profile))
        expected = self._expected_reports(holder, role)
        for cell, want in expected.items():
            got = reports.get(cell)
            if got is None or got.remote_party is None:
                if want is None:
                    continue
                raise NonConformance(f"expected {what}; {cell}: the read reports no certificate")
            if want is None or got != want:
                raise NonConformance(f"expected {what}; {cell}: {self._reported(got)}")

    def expect_read_reports_holder_per_profile(
        self, device_name: str, remote_role: str, rows: Sequence[tuple[str, str]]
    ) -> None:
        holder = row_for_profile(rows, self.profile, "holder per profile")
        self.expect_read_reports_holder(device_name, remote_role, holder, by_profile=True)

    def expect_read_reports_register(self, device_name: str) -> None:
        """The last request, a 4.1.1, reports an active import register value."""
        claim = f"report {device_name}'s active import register"
        what = f"the read to {claim}"
        value = dict(self._read_answer("4.1.1", device_name, claim)).get(IMPORT_REGISTER)
        if value is None or not value.lstrip("-").isdigit():
            raise NonConformance(f"expected {what}; it reports {value or 'none'}")

    def expect_read_reports_entries(self, device_name: str, count: int) -> None:
        """The last request, a 4.8.1, reports ``count`` profile data log entries."""
        claim = f"report {count} log entries of {device_name}"
        what = f"the read to {claim}"
        entries = dict(self._read_answer("4.8.1", device_name, claim)).get(PROFILE_ENTRIES)
        if entries != str(count):
            raise NonConformance(f"expected {what}; it reports {entries or 'none'}")

    def _expected_reports(
        self, holder: str, role: RemotePartyRole
    ) -> dict[str, CredentialReport | None]:
        cells = [f"{role.value}/{usage.value}" for usage in KeyUsage]
        if holder == NOBODY:
            return dict.fromkeys(cells)
        if holder == DCC_HOLDER:
            return {cell: CredentialReport(cell, DCC_ID) for cell in cells}
        party = self.party(holder)
        pair = self._own_pair(party)
        ders = (pair.digital_signing, pair.key_agreement)
        return {
            cell: CredentialReport(cell, party.user.user_id, certificate_hash(der))
            for cell, der in zip(cells, ders, strict=True)
            if der is not None
        }

    def _reported(self, report: CredentialReport) -> str:
        """What a read says a cell holds, in the scenario's names."""
        if report.remote_party == DCC_ID:
            return "the read reports the DCC's certificate"
        owner = next(
            (p for p in self.parties.values() if p.user.user_id == report.remote_party), None
        )
        if owner is None:
            return f"the read reports a certificate of {report.remote_party}, no party here"
        for credential in owner.credentials.values():
            if certificate_hash(credential.der) == report.certificate_hash:
                return f"the read reports {owner.name}'s certificate"
        return (
            f"the read reports a certificate of {owner.name} [{report.remote_party}] whose "
            f"hash ({report.certificate_hash}) is none of {owner.name}'s certificates"
        )

    def _read_answer(
        self, srv: str, device_name: str, claim: str, by_profile: bool = False
    ) -> tuple[tuple[str, str], ...]:
        """The data of the last request's final answer: that request must be SRV ``srv``
        to ``device_name``, answered in full (a refusal or no answer yet is the target's
        non-conformance; an answer inside a SMETS2 GBCS payload cannot be read).
        ``claim``: what the scenario says the read reports ("report …")."""
        what = f"the read to {claim}"
        attempt = self.last_attempt()
        request = attempt.exchanges[0][0]
        if request.srv != srv or request.request_id.target != self.device(device_name).device_id:
            raise HarnessError(
                f"the last request ({attempt.label}) is not an SRV {srv} to {device_name}: "
                "send the read before saying what it reports"
            )
        if self.recording.expected is None:  # what the read reports is the scenario's outcome
            self.recording.expect(
                StatedOutcome("completed", f"applied; the read should {claim}"),
                by_profile=by_profile,
            )
        observed = self._observe()
        responses = attempt.responses()
        if observed.status == "rejected":
            raise NonConformance(f"expected {what}; the read was {observed.describe()}")
        answers = [r for r in responses if r.outcome is Outcome.COMPLETED]
        if answers:
            return answers[-1].data
        if any(r.outcome is Outcome.IN_GBCS for r in responses):
            raise Inconclusive(
                f"expected {what}; the device answered in a GBCS payload, which the harness "
                "does not parse, so what the read reports cannot be observed"
            )
        raise NonConformance(f"expected {what}; the read has not answered ({observed.describe()})")
