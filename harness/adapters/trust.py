"""Every DUIS response is verified before it is believed: the DSP's signature over the whole
response, the S1SP's over the part it signed, then which request it names and which leg
carried it. A response that fails is the target's non-conformance; what the harness could
not observe (garbage, no answer) stays inconclusive."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cryptography import x509
from lxml import etree

from harness.domain.requests import Outcome, RequestId, Response
from harness.duis.errors import SignatureInvalid, UnknownSigner
from harness.duis.responses import DSP, decode_response, s1sp_signed_part
from harness.duis.safe_xml import parse_untrusted
from harness.duis.signing import Lookup, lookup_in, verify
from harness.errors import HarnessError, Inconclusive, NonConformance

SYNCHRONOUS = "synchronous"
ASYNCHRONOUS = "asynchronous"
# The final answer to a future-dated request the DSP held until its execution time: the DSP
# judges the sender again when it falls due (DUIS-future-dated-recheck), so its refusal
# arrives asynchronously there.
WHEN_DUE = "asynchronous, when due"


class ResponseTrust:
    """Reads responses with the identities DUIS says sign them."""

    def __init__(
        self,
        dsp: Sequence[x509.Certificate],
        s1sp: Sequence[x509.Certificate],
        *,
        unverified: bool = False,
        refresh_s1sp: Callable[[], Sequence[x509.Certificate]] | None = None,
    ) -> None:
        self.dsp = list(dsp)
        self.s1sp = list(s1sp)
        self.unverified = unverified
        self._refresh_s1sp = refresh_s1sp
        self._lookups: dict[tuple[x509.Certificate, ...], Lookup] = {}

    def read(self, raw: bytes, leg: str) -> Response:
        try:  # parsed once for the signatures and the decoding
            root = parse_untrusted(raw)
            if not self.unverified:
                self._check_signatures(raw, leg, root)
            response = decode_response(raw, root=root)
        except (NonConformance, Inconclusive):
            raise
        except HarnessError as exc:
            raise Inconclusive(f"unusable response from the target ({leg}): {exc}") from None
        _check_leg(response, leg)
        return response

    def _lookup(self, certificates: Sequence[x509.Certificate]) -> Lookup:
        """A look-up over ``certificates``, its answers kept by (issuer, serial)."""
        key = tuple(certificates)
        if key not in self._lookups:
            self._lookups[key] = _remembered(lookup_in(key))
        return self._lookups[key]

    def _check_signatures(self, raw: bytes, leg: str, root: etree._Element | None = None) -> None:
        try:
            verify(raw, self._lookup(self.dsp), root=root)
        except (SignatureInvalid, UnknownSigner) as exc:
            raise NonConformance(f"the {leg} response is not signed by the DSP: {exc}") from None
        except HarnessError as exc:
            raise Inconclusive(f"unusable response from the target ({leg}): {exc}") from None
        part = s1sp_signed_part(raw, root=root)
        if part is None:
            return
        if not self.s1sp and self._refresh_s1sp is not None:
            self.s1sp = list(self._refresh_s1sp())
        if not self.s1sp:
            raise Inconclusive(
                f"the {leg} response carries a part signed by the S1SP, and the harness has no "
                "S1SP certificate to verify it (s1sp_certificate in the --config file)"
            )
        try:
            verify(part, self._lookup(self.s1sp))
        except UnknownSigner:
            if self._refresh_s1sp is None:
                raise NonConformance(
                    f"the {leg} response's S1SP part is signed by an unknown signer"
                ) from None
            self.s1sp = list(self._refresh_s1sp())  # the S1SP may have a new identity
            self._verify_s1sp(part, leg)
        except SignatureInvalid as exc:
            raise NonConformance(f"the {leg} response's S1SP part does not verify: {exc}") from None

    def _verify_s1sp(self, part: bytes, leg: str) -> None:
        try:
            verify(part, lookup_in(self.s1sp))
        except (SignatureInvalid, UnknownSigner) as exc:
            raise NonConformance(f"the {leg} response is not signed by the S1SP: {exc}") from None


def _remembered(lookup: Lookup) -> Lookup:
    """``lookup``, each (issuer, serial) matched once (matching parses the issuer's name)."""
    found: dict[tuple[str, int], x509.Certificate | None] = {}

    def remembered(issuer: str, serial: int) -> x509.Certificate | None:
        if (issuer, serial) not in found:
            found[issuer, serial] = lookup(issuer, serial)
        return found[issuer, serial]

    return remembered


def _check_leg(response: Response, leg: str) -> None:
    """DUIS: validation errors travel synchronously, outcomes from beyond the DSP (the
    device, the S1SP) asynchronously."""
    if leg == SYNCHRONOUS and response.answered_by != DSP:
        raise NonConformance(
            f"the {response.answered_by}'s answer to {response.request_id} arrived "
            "synchronously; DUIS returns it asynchronously"
        )
    refused_late = (
        (Outcome.TRANSFORMED,) if leg == WHEN_DUE else (Outcome.REJECTED, Outcome.TRANSFORMED)
    )
    if leg != SYNCHRONOUS and response.answered_by == DSP and response.outcome in refused_late:
        raise NonConformance(
            f"the DSP's {response.code} for {response.request_id} arrived asynchronously; "
            "DUIS returns validation results synchronously"
        )


def check_names(response: Response, sent: RequestId) -> None:
    if response.request_id != sent:
        raise NonConformance(
            f"the synchronous response names RequestID {response.request_id}, "
            f"not the request sent ({sent})"
        )
