"""The World: one scenario's cast, data and target, and the small language steps speak.

Testers name parties ("NO-A") and devices ("meter-1"); the World gives them User IDs,
Device IDs and real certificates, provisions the target, sends Service Requests through
the adapter (running the critical flow: transform, sign, send signed), and judges what
came back. Step functions only translate phrases into calls on this class.

The class is built in three layers, one job each: the cast and its Givens
(``harness/world_cast.py``), sending requests (``harness/world_exchange.py``) and judging
what came back (here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from harness.domain.certificates import CertificateId, KeyUsage
from harness.domain.roles import RemotePartyRole
from harness.errors import HarnessError, NonConformance
from harness.expectations import (
    Expectation,
    Observed,
    expectation_for_profile,
    profile_row,
    row_for_profile,
)
from harness.parameters import NOBODY
from harness.results.outcome import StatedOutcome
from harness.world_cast import Attempt, Party, PreCommandStep, cert_id
from harness.world_exchange import ScenarioExchange

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
                if cert_id(credential.certificate.der) == certificate:
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
