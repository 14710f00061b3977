"""What a read's answer reports, in the form both paths carry it in ``Response.data``.

The reference DSP writes these pairs as the effect of a read; the DUIS adapter rebuilds the
same pairs from the standard MMC 5.4 elements of an S1SP-signed answer
(``harness/duis/mmc_read.py``), so an assertion on what a read returns reads one form in
process and over DUIS alike.

- SRV 6.24.1 (Retrieve Device Security Credentials, KRP): one pair per remote party cell
  the device reports, ``("NetworkOperator/digitalSigning", "<EUI-64> <SHA-1>")`` from the
  MMC ``RemotePartyDetails`` (``RemotePartyRole``, ``CertificateUsage``,
  ``ExistingRemotePartyID``, ``ExistingCertificateHash``); a cell still holding the DCC's
  certificate names the DCC's ID and no hash.
- SRV 4.1.1: ``("ImportRegister", "<value>")`` (MMC ``ActiveImportRegister/Value``).
- SRV 4.8.1: ``("ProfileEntries", "<count>")`` (the number of MMC ``LogEntry`` elements).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from harness.domain.eui import Eui64
from harness.errors import InvalidValue

IMPORT_REGISTER = "ImportRegister"
PROFILE_ENTRIES = "ProfileEntries"


def certificate_hash(der: bytes) -> str:
    """The MMC ``ExistingCertificateHash`` of a certificate: SHA-1 of its DER, base64."""
    return base64.b64encode(hashlib.sha1(der, usedforsecurity=False).digest()).decode()


@dataclass(frozen=True)
class CredentialReport:
    """One remote party cell as a 6.24.1 answer reports it."""

    cell: str  # "NetworkOperator/digitalSigning"
    remote_party: Eui64 | None  # ExistingRemotePartyID
    certificate_hash: str | None = None  # ExistingCertificateHash

    def pair(self) -> tuple[str, str]:
        parts = [str(self.remote_party) if self.remote_party else "-"]
        if self.certificate_hash:
            parts.append(self.certificate_hash)
        return self.cell, " ".join(parts)

    @classmethod
    def from_pair(cls, pair: tuple[str, str]) -> CredentialReport:
        cell, value = pair
        if "/" not in cell:
            raise InvalidValue(f"{cell!r} is not a remote party cell")
        party, _, digest = value.partition(" ")
        return cls(cell, None if party in ("", "-") else Eui64.parse(party), digest or None)


def credential_reports(data: tuple[tuple[str, str], ...]) -> dict[str, CredentialReport]:
    """The cells a 6.24.1 answer's data reports, by cell."""
    return {pair[0]: CredentialReport.from_pair(pair) for pair in data if "/" in pair[0]}
