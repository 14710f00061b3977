"""The XML-signing certificates a served DSP knows, by (issuer, serial): how a DUIS signature
names its signer (``ds:X509IssuerSerial``), so finding it costs one dictionary look-up
whatever the size of the SMKI repository."""

from __future__ import annotations

import functools
import re

from cryptography import x509

from harness.domain.certificates import OrgCertificate
from harness.domain.roles import XML_SIGNING_OU
from harness.reference.state import DspState

IssuerKey = frozenset[tuple[str, str]]


def _attributes(name: x509.Name) -> IssuerKey:
    return frozenset((a.oid.dotted_string, str(a.value)) for a in name)


@functools.lru_cache(maxsize=1024)
def issuer_key(text: str) -> IssuerKey | None:
    """An RFC 4514 issuer name as a set of (attribute type, value): order, spacing and string
    types do not matter (as :func:`harness.duis.signing.same_name` compares); ``None`` when
    it is not a name. Remembered: a run's signatures name a handful of issuers."""
    tidy = ",".join(part.strip() for part in re.split(r"(?<!\\),", text))
    try:
        return _attributes(x509.Name.from_rfc4514_string(tidy))
    except ValueError:
        return None


class SignerIndex:
    """XML-signing certificates by (issuer, serial), added as they are provisioned. A miss
    looks in the repository's own index by serial (a certificate lodged some other way is
    found too) and is remembered."""

    def __init__(self, state: DspState) -> None:
        self._state = state
        self._index: dict[tuple[IssuerKey, int], x509.Certificate] = {}

    def add(self, certificate: OrgCertificate) -> None:
        if certificate.role_code == XML_SIGNING_OU:
            key = (_attributes(certificate.certificate.issuer), certificate.id.serial)
            self._index.setdefault(key, certificate.certificate)

    def lookup(self, issuer: str, serial: int) -> x509.Certificate | None:
        name = issuer_key(issuer)
        if name is None:
            return None
        found = self._index.get((name, serial))
        if found is None:
            for candidate in self._state.by_serial.get(serial, []):
                self.add(candidate)
            found = self._index.get((name, serial))
        return found
