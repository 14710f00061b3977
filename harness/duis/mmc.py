"""The MMC 5.4 payloads (namespace ``ra:``) an S1SP signs for a SMETS1 device's answer.

One table, :data:`SMETS1_PAYLOADS`, keyed by SRV: what goes under
``SMETS1Response/Body/ResponseMessage/SMETSData``. The future-dated execution outcome of a
6.15.1 / 6.23 is a device alert (:func:`future_dated_alert_tree`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from harness.domain.eui import Eui64
from harness.domain.reports import IMPORT_REGISTER, PROFILE_ENTRIES, CredentialReport
from harness.domain.requests import ALERTED_WHEN_FUTURE_DATED, Outcome
from harness.duis.lexical import write_datetime
from harness.duis.names import SCHEMA_VERSION, SR_NS, sr

RA_NS = "http://www.dccinterface.co.uk/ResponseAndAlert"

# The S1SP Alert codes, by the engine's code for the refusal (response_codes.yaml).
S1SP_ALERT_CODE = {"I0": "S1SP01", "S1SP02": "S1SP02"}
S1SP_ALERT_DCC_CODE = "N58"

# StatusASN1/@ResponseCode: 0 is success; the number for "other" is the harness's choice.
_ASN1_OTHER = "127"

# MMC spellings of the key usages in the engine's cell names.
USAGE_SPELLING = {"digitalSigning": "DigitalSigning", "keyAgreement": "KeyAgreement"}
ROLE_SPELLING = {
    "Supplier": "Supplier",
    "NetworkOperator": "NetworkOperator",
    "AccessControlBroker": "ACB",
    "TransitionalCoS": "TransCoS",
    "Root": "Root",
    "Recovery": "Recovery",
}


def ra(local: str) -> str:
    return f"{{{RA_NS}}}{local}"


@dataclass(frozen=True)
class Smets1Payload:
    srv: str
    outcome: Outcome
    data: tuple[tuple[str, str], ...]
    device_id: Eui64
    user_id: Eui64
    counter: int
    when: datetime


def _sub(parent: etree._Element, local: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, ra(local))
    if text is not None:
        child.text = text
    return child


def _status(parent: etree._Element, outcome: Outcome) -> None:
    status = _sub(parent, "StatusCode")
    refused = outcome is Outcome.REJECTED
    status.set("ResponseCode", _ASN1_OTHER if refused else "0")
    _sub(status, "ASN1Status", "other" if refused else "success")


def _execution_outcome(parent: etree._Element, p: Smets1Payload, name: str) -> None:
    if p.outcome is Outcome.SCHEDULED:
        return  # future-dated: the outcome comes later, as a device alert
    _status(_sub(_sub(parent, name), "ReplacementOutcome"), p.outcome)


def _credentials(name: str) -> Callable[[etree._Element, Smets1Payload], None]:
    def write(body: etree._Element, p: Smets1Payload) -> None:
        _execution_outcome(_rsp(body, name, p), p, "ExecutionOutcome")

    return write


def _retrieve_credentials(body: etree._Element, p: Smets1Payload) -> None:
    """One ``RemotePartyDetails`` per cell: its role, usage, and whose certificate it holds
    (``ExistingRemotePartyID``) with the certificate's hash (``ExistingCertificateHash``)."""
    rsp = _rsp(body, "RetrieveDeviceSecurityCredentialsKRPRsp", p)
    for cell, value in p.data:
        role, _, usage = cell.partition("/")
        if role not in ROLE_SPELLING or usage not in USAGE_SPELLING:
            continue  # not a remote party cell the MMC names
        report = CredentialReport.from_pair((cell, value))
        details = _sub(rsp, "RemotePartyDetails")
        _sub(details, "RemotePartyRole", ROLE_SPELLING[role])
        _status(details, p.outcome)
        _sub(details, "CertificateUsage", USAGE_SPELLING[usage])
        if report.remote_party is not None:
            _sub(details, "ExistingRemotePartyID", str(report.remote_party))
        if report.certificate_hash is not None:
            _sub(details, "ExistingCertificateHash", report.certificate_hash)


def _import_registers(body: etree._Element, p: Smets1Payload) -> None:
    rsp = _rsp(body, "ReadInstantaneousImportRegistersRsp", p)
    value = dict(p.data).get(IMPORT_REGISTER, "0")
    register = _sub(_sub(rsp, "Electricity"), "ActiveImportRegister")
    _sub(register, "Value", value)


# The most LogEntry elements one MMC 4.8.1 answer carries (the XSD's maxOccurs).
MAX_LOG_ENTRIES = 19056


def _profile_data(body: etree._Element, p: Smets1Payload) -> None:
    """One ``LogEntry`` per half-hourly value the device reports."""
    rsp = _rsp(body, "ReadActiveImportProfileDataRsp", p)
    reported = dict(p.data).get(PROFILE_ENTRIES, "0")
    count = min(int(reported), MAX_LOG_ENTRIES) if reported.isdigit() else 0
    for _ in range(count):
        _sub(_sub(_sub(rsp, "LogEntry"), "Electricity"), "PrimaryValue", "0")


def _rsp(body: etree._Element, name: str, p: Smets1Payload) -> etree._Element:
    rsp = _sub(_sub(body, "SMETSData"), name)
    rsp.set("MessageSuccess", "false" if p.outcome is Outcome.REJECTED else "true")
    return rsp


SMETS1_PAYLOADS: dict[str, Callable[[etree._Element, Smets1Payload], None]] = {
    "6.15.1": _credentials("UpdateSecurityCredentialsKRPRsp"),
    "6.21": _credentials("RequestHandoverOfDCCControlledDeviceRsp"),
    "6.23": _credentials("UpdateSecurityCredentialsCoSRsp"),
    "6.24.1": _retrieve_credentials,
    "4.1.1": _import_registers,
    "4.8.1": _profile_data,
}
FUTURE_DATED_ALERT_SRVS = ALERTED_WHEN_FUTURE_DATED


def _signed_response(p: Smets1Payload) -> tuple[etree._Element, etree._Element]:
    """``SMETS1SignedResponse/SMETS1Response`` with its header; returns (root, Body)."""
    root = etree.Element(sr("SMETS1SignedResponse"), nsmap={"sr": SR_NS, "ra": RA_NS})
    root.set("schemaVersion", SCHEMA_VERSION)
    response = etree.SubElement(root, sr("SMETS1Response"))
    header = etree.SubElement(response, sr("Header"))
    _sub(header, "BusinessOriginatorID", str(p.device_id))
    _sub(header, "BusinessTargetID", str(p.user_id))
    _sub(header, "OriginatorCounter", str(p.counter))
    _sub(header, "ServiceReference", ".".join(p.srv.split(".")[:2]))
    _sub(header, "ServiceReferenceVariant", p.srv)
    _sub(header, "Timestamp", write_datetime(p.when))
    return root, etree.SubElement(response, sr("Body"))


def smets1_payload_for(p: Smets1Payload) -> bytes:
    """The unsigned ``SMETS1SignedResponse`` answering SRV ``p.srv``."""
    return etree.tostring(smets1_payload_tree(p), xml_declaration=True, encoding="UTF-8")


def smets1_payload_tree(p: Smets1Payload) -> etree._Element:
    """:func:`smets1_payload_for` before it is serialised."""
    writer = SMETS1_PAYLOADS.get(p.srv)
    if writer is None:
        raise ValueError(f"no MMC payload for SRV {p.srv} in the table")
    root, body = _signed_response(p)
    writer(etree.SubElement(body, sr("ResponseMessage")), p)
    return root


def future_dated_alert_tree(p: Smets1Payload) -> etree._Element:
    """The unsigned ``SMETS1SignedResponse`` alert with a future-dated command's outcome
    (for an SRV without one, its usual payload)."""
    if p.srv not in FUTURE_DATED_ALERT_SRVS:
        return smets1_payload_tree(p)
    root, body = _signed_response(p)
    content = _sub(etree.SubElement(body, sr("DeviceAlertMessage")), "DeviceAlertContent")
    _sub(content, "AlertDescription", f"Future-dated SRV {p.srv} executed")
    _sub(content, "Timestamp", write_datetime(p.when))
    outcome_alert = _sub(_sub(content, "Payload"), "FutureDatedCommandOutcomeDeviceAlert")
    alert = _sub(outcome_alert, "UpdateSecurityCredentialsDeviceAlert")
    _status(
        _sub(_sub(alert, "UpdateSecurityCredentialsExecutionOutcome"), "ReplacementOutcome"),
        p.outcome,
    )
    return root
