"""Reading outcomes from the MMC 5.4 payload (``ra:``) of an S1SP-signed SMETS1 answer,
from standard elements only: ``@MessageSuccess``, every ``StatusCode/ASN1Status``, and
whether an execution outcome is present yet."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from harness.domain.eui import Eui64
from harness.domain.reports import IMPORT_REGISTER, PROFILE_ENTRIES, CredentialReport
from harness.domain.requests import Outcome
from harness.duis.errors import CannotDecode
from harness.duis.mmc import FUTURE_DATED_ALERT_SRVS, RA_NS, ROLE_SPELLING, USAGE_SPELLING, ra
from harness.duis.names import sr
from harness.duis.tree import Node
from harness.errors import InvalidValue

# The MMC answers whose outcome arrives later (a future-dated command's device alert)
# when they carry no execution outcome.
_EXECUTION_OUTCOME = {"ExecutionOutcome", "UpdateSecurityCredentialsExecutionOutcome"}
_DEFERRABLE = {
    "UpdateSecurityCredentialsKRPRsp",
    "UpdateSecurityCredentialsCoSRsp",
    "RequestHandoverOfDCCControlledDeviceRsp",
}


def smets1_outcome(signed: Node) -> tuple[Outcome, tuple[tuple[str, str], ...]]:
    """How the request ended, per the ``SMETS1SignedResponse``'s MMC payload, and the
    payload's element values as evidence."""
    response = signed.required("SMETS1Response")
    body = response.required("Body").only_child()
    if body.element.tag == sr("DeviceAlertMessage"):
        return _alert_outcome(body)
    if body.element.tag != sr("ResponseMessage"):
        raise CannotDecode(f"{body.path}: not an MMC response or device alert")
    data = body.element.find(ra("SMETSData"))
    if data is None or len(data) != 1:
        raise CannotDecode(f"{body.path}: no ra:SMETSData answer the harness can read")
    answer = data[0]
    if answer.get("MessageSuccess") == "false" or _refused(answer):
        return Outcome.REJECTED, _values(answer)
    name = etree.QName(answer).localname
    if name in _DEFERRABLE and not _has_execution_outcome(answer):
        return Outcome.SCHEDULED, _values(answer)
    reader = _DATA_READERS.get(name)
    return Outcome.COMPLETED, reader(answer) if reader is not None else _values(answer)


# -- what a read reports, in the form the reference writes it (harness/domain/reports.py) --
_ROLE_CELL = {mmc: engine for engine, mmc in ROLE_SPELLING.items()}
_USAGE_CELL = {mmc: engine for engine, mmc in USAGE_SPELLING.items()}


def _credentials_read(answer: etree._Element) -> tuple[tuple[str, str], ...]:
    reports = []
    for details in answer.iter(ra("RemotePartyDetails")):
        role = _ROLE_CELL.get(details.findtext(ra("RemotePartyRole"), "").strip())
        usage = _USAGE_CELL.get(details.findtext(ra("CertificateUsage"), "").strip())
        if role is None or usage is None:
            continue
        party = details.findtext(ra("ExistingRemotePartyID"), "").strip()
        digest = details.findtext(ra("ExistingCertificateHash"), "").strip()
        try:
            report = CredentialReport(
                f"{role}/{usage}", Eui64.parse(party) if party else None, digest or None
            )
        except InvalidValue as exc:
            raise CannotDecode(f"RemotePartyDetails/ExistingRemotePartyID: {exc}") from None
        reports.append(report.pair())
    return tuple(reports)


def _registers_read(answer: etree._Element) -> tuple[tuple[str, str], ...]:
    value = answer.findtext(f"{ra('Electricity')}/{ra('ActiveImportRegister')}/{ra('Value')}")
    return () if value is None else ((IMPORT_REGISTER, value.strip()),)


def _profile_read(answer: etree._Element) -> tuple[tuple[str, str], ...]:
    return ((PROFILE_ENTRIES, str(len(answer.findall(ra("LogEntry"))))),)


_DATA_READERS: dict[str, Callable[[etree._Element], tuple[tuple[str, str], ...]]] = {
    "RetrieveDeviceSecurityCredentialsKRPRsp": _credentials_read,
    "ReadInstantaneousImportRegistersRsp": _registers_read,
    "ReadActiveImportProfileDataRsp": _profile_read,
}


def _alert_outcome(body: Node) -> tuple[Outcome, tuple[tuple[str, str], ...]]:
    outcomes = [e for e in body.element.iter() if etree.QName(e).localname in _EXECUTION_OUTCOME]
    if not outcomes:
        raise CannotDecode(
            f"{body.path}: a device alert with no execution outcome of a future-dated "
            f"{'/'.join(sorted(FUTURE_DATED_ALERT_SRVS))}"
        )
    refused = any(_refused(o) for o in outcomes)
    return (Outcome.REJECTED if refused else Outcome.COMPLETED), _values(body.element)


def _refused(element: etree._Element) -> bool:
    statuses = [s.text.strip() for s in element.iter(ra("ASN1Status")) if s.text]
    return any(status != "success" for status in statuses)


def _has_execution_outcome(element: etree._Element) -> bool:
    return any(etree.QName(e).localname in _EXECUTION_OUTCOME for e in element.iter())


def _values(element: etree._Element) -> tuple[tuple[str, str], ...]:
    """Leaf values under ``element``, named by their local path (evidence only)."""
    found: list[tuple[str, str]] = []
    for leaf in element.iter():
        if not isinstance(leaf.tag, str) or len(leaf) or not (leaf.text or "").strip():
            continue
        if etree.QName(leaf).namespace != RA_NS:
            continue
        found.append((etree.QName(leaf).localname, (leaf.text or "").strip()))
    return tuple(found)
