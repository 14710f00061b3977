"""DUIS elements several bodies share: execution time, remote party role, certificate
pairs, certification paths, meter points."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree

from harness.domain.meterpoint import Fuel, MeterPoint
from harness.domain.requests import CertificatePair
from harness.domain.roles import RemotePartyRole
from harness.duis.errors import CannotDecode, CannotEncode
from harness.duis.lexical import read_base64, read_datetime, write_base64, write_datetime
from harness.duis.names import role_from_spelling, role_spelling
from harness.duis.tree import Node, add

MAX_PATH_CERTIFICATES = 3


# -- writing ---------------------------------------------------------------------------
def write_execution(element: etree._Element, moment: datetime | None) -> None:
    if moment is not None:
        add(element, "ExecutionDateTime", write_datetime(moment))


def spelling(role: RemotePartyRole) -> str:
    found = role_spelling(role)
    if found is None:
        raise CannotEncode(f"DUIS has no RemotePartyRole for {role.value}")
    return found


def write_pair(parent: etree._Element, pair: CertificatePair, *, signing_required: bool) -> None:
    if pair.digital_signing is not None:
        add(parent, "DigitalSigningCertificate", write_base64(pair.digital_signing))
    elif signing_required:
        raise CannotEncode(
            f"DUIS requires a DigitalSigningCertificate in {etree.QName(parent).localname}"
        )
    if pair.key_agreement is not None:
        add(parent, "KeyAgreementCertificate", write_base64(pair.key_agreement))


def write_path(element: etree._Element, certificates: Sequence[bytes], what: str) -> None:
    if not 1 <= len(certificates) <= MAX_PATH_CERTIFICATES:
        raise CannotEncode(
            f"{what} needs 1 to {MAX_PATH_CERTIFICATES} CertificationPathCertificates, "
            f"got {len(certificates)}"
        )
    path = add(element, "CertificationPathCertificates")
    for der in certificates:
        add(path, "Certificate", write_base64(der))


# -- reading ---------------------------------------------------------------------------
def read_execution(node: Node) -> datetime | None:
    found = node.optional("ExecutionDateTime")
    return None if found is None else read_datetime(found.text(), found.path)


def read_role(node: Node) -> RemotePartyRole:
    found = node.required("RemotePartyRole")
    role = role_from_spelling(found.text())
    if role is None:
        raise CannotDecode(f"{found.path}: the harness has no remote party role {found.text()!r}")
    return role


def _read_certificate(node: Node, local: str) -> bytes | None:
    found = node.optional(local)
    return None if found is None else read_base64(found.text(), found.path)


def read_pair(node: Node) -> CertificatePair:
    return CertificatePair(
        digital_signing=_read_certificate(node, "DigitalSigningCertificate"),
        key_agreement=_read_certificate(node, "KeyAgreementCertificate"),
    )


def read_path(node: Node) -> tuple[bytes, ...]:
    path = node.required("CertificationPathCertificates")
    return tuple(read_base64(c.text(), c.path) for c in path.children("Certificate"))


def read_meter_point(node: Node) -> MeterPoint:
    """DUIS's MPxN as the SR says it; the check digit is the DSP's to judge, not the codec's."""
    text = node.text()
    if not text.isdigit() or not text.isascii():
        raise CannotDecode(f"{node.path}: {text!r} is not an MPAN or MPRN (digits only)")
    return MeterPoint(Fuel.ELECTRICITY if len(text) == 13 else Fuel.GAS, text)
