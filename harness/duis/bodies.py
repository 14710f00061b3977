"""The body of each Service Request in scope: domain dataclass ⇄ DUIS 5.4 element.

What DUIS requires but the domain does not model is written with a fixed value and ignored
when read (floor sequence numbers, top-up certificates, the roles a 6.24.1 asks about …);
docs/duis.md lists every such choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from lxml import etree

from harness.domain.eui import Eui64
from harness.domain.meterpoint import Fuel, MeterPoint
from harness.domain.requests import (
    CertificatePair,
    ReadInstantaneousImportRegisters,
    ReadInventory,
    ReadProfileData,
    RequestBody,
    RequestHandover,
    RetrieveDeviceSecurityCredentials,
    SignedPreCommand,
    UpdateSecurityCredentialsCoS,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import RemotePartyRole
from harness.domain.timeline import Period
from harness.duis import names, precommand
from harness.duis.errors import CannotDecode, CannotEncode, DuisSchemaError
from harness.duis.lexical import (
    read_base64,
    read_bool,
    read_datetime,
    write_base64,
    write_bool,
    write_datetime,
)
from harness.duis.names import role_from_spelling, role_spelling
from harness.duis.tree import Node, add
from harness.errors import InvalidValue

MAX_PATH_CERTIFICATES = 3
# The remote parties a 6.24.1 asks about: the cells the harness models.
RETRIEVED_ROLES = (RemotePartyRole.SUPPLIER, RemotePartyRole.NETWORK_OPERATOR)


# -- writing ---------------------------------------------------------------------------
def encode_body(
    body: RequestBody, parent: etree._Element, certification_path: Sequence[bytes] = ()
) -> etree._Element:
    """Append the ``sr:<body element>`` for a domain body to ``parent`` (the ``sr:Body``).

    ``certification_path`` is sent by the bodies whose domain type has no path of its own
    (6.21, 6.23); DUIS requires one to three certificates there.
    """
    if isinstance(body, UpdateSecurityCredentialsKRP):
        return _krp(body, parent)
    if isinstance(body, RequestHandover):
        return _handover(body, parent, certification_path)
    if isinstance(body, UpdateSecurityCredentialsCoS):
        return _cos(body, parent, certification_path)
    if isinstance(body, RetrieveDeviceSecurityCredentials):
        element = add(parent, names.RETRIEVE_DEVICE_SECURITY_CREDENTIALS_KRP)
        for role in RETRIEVED_ROLES:
            add(element, "RemotePartyRole", _spelling(role))
        return element
    if isinstance(body, ReadInstantaneousImportRegisters):
        element = add(parent, names.READ_INSTANTANEOUS_IMPORT_REGISTERS)
        _execution(element, body.execution_time)
        return element
    if isinstance(body, ReadProfileData):
        element = add(parent, names.READ_ACTIVE_IMPORT_PROFILE_DATA)
        _execution(element, body.execution_time)
        period = add(element, "ReadLogPeriod")
        add(period, "StartDateTime", write_datetime(body.period.start))
        add(period, "EndDateTime", write_datetime(body.period.end))
        return element
    if isinstance(body, ReadInventory):
        return _inventory(body, parent)
    if isinstance(body, SignedPreCommand):
        element = add(parent, names.SIGNED_PRE_COMMAND)
        payload = precommand.pack(body.pre_command, body.signature)
        add(element, "GBCSPayload", write_base64(payload))
        return element
    raise CannotEncode(f"no DUIS body for {type(body).__name__}")


def _execution(element: etree._Element, moment: datetime | None) -> None:
    if moment is not None:
        add(element, "ExecutionDateTime", write_datetime(moment))


def _spelling(role: RemotePartyRole) -> str:
    spelling = role_spelling(role)
    if spelling is None:
        raise CannotEncode(f"DUIS has no RemotePartyRole for {role.value}")
    return spelling


def _certificates(parent: etree._Element, pair: CertificatePair, *, signing_required: bool) -> None:
    if pair.digital_signing is not None:
        add(parent, "DigitalSigningCertificate", write_base64(pair.digital_signing))
    elif signing_required:
        raise CannotEncode(
            f"DUIS requires a DigitalSigningCertificate in {etree.QName(parent).localname}"
        )
    if pair.key_agreement is not None:
        add(parent, "KeyAgreementCertificate", write_base64(pair.key_agreement))


def _path(element: etree._Element, certificates: Sequence[bytes], what: str) -> None:
    if not 1 <= len(certificates) <= MAX_PATH_CERTIFICATES:
        raise CannotEncode(
            f"{what} needs 1 to {MAX_PATH_CERTIFICATES} CertificationPathCertificates, "
            f"got {len(certificates)}"
        )
    path = add(element, "CertificationPathCertificates")
    for der in certificates:
        add(path, "Certificate", write_base64(der))


def _krp(body: UpdateSecurityCredentialsKRP, parent: etree._Element) -> etree._Element:
    element = add(parent, names.UPDATE_SECURITY_CREDENTIALS_KRP)
    _execution(element, body.execution_time)
    add(element, "RemotePartyRole", _spelling(body.remote_party_role))
    replacement = add(
        add(element, "ReplacementCertificates"), "SupplierOrNetworkOperatorCertificates"
    )
    _certificates(replacement, body.replacement, signing_required=False)
    _path(element, body.certification_path, "SRV 6.15.1 (its certification_path)")
    add(element, "ApplyTimeBasedCPVChecks", write_bool(body.apply_time_based_cpv_checks))
    return element


def _handover(
    body: RequestHandover, parent: etree._Element, certification_path: Sequence[bytes]
) -> etree._Element:
    given = [
        (role, pair)
        for role, pair in (
            (RemotePartyRole.SUPPLIER, body.supplier),
            (RemotePartyRole.NETWORK_OPERATOR, body.network_operator),
        )
        if pair is not None
    ]
    if len(given) != 1:
        raise CannotEncode(
            "a DUIS 6.21 hands over one remote party's certificates; this request has "
            f"{len(given)} (send one 6.21 per remote party)"
        )
    role, pair = given[0]
    element = add(parent, names.REQUEST_HANDOVER)
    _execution(element, body.execution_time)
    add(element, "RemotePartyRole", _spelling(role))
    _certificates(add(element, "ReplacementCertificates"), pair, signing_required=True)
    _path(element, certification_path, "SRV 6.21 (pass certification_path=…)")
    add(element, "ApplyTimeBasedCPVChecks", write_bool(True))
    return element


def _cos(
    body: UpdateSecurityCredentialsCoS, parent: etree._Element, certification_path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, names.UPDATE_SECURITY_CREDENTIALS_COS)
    _execution(element, body.execution_time)
    add(element, "SupplierFloorSeqNumber", "0")
    replacement = add(element, "SupplierReplacementCertificates")
    _certificates(replacement, body.replacement, signing_required=True)
    _path(element, certification_path, "SRV 6.23 (pass certification_path=…)")
    add(element, "ApplyTimeBasedCPVChecks", write_bool(True))
    add(element, "ImportMPxN", body.meter_point.number)
    return element


def _inventory(body: ReadInventory, parent: etree._Element) -> etree._Element:
    if (body.device_id is None) == (body.meter_point is None):
        raise CannotEncode("a DUIS 8.2 asks by exactly one of Device ID or MPxN")
    element = add(parent, names.READ_INVENTORY)
    if body.device_id is not None:
        add(element, "DeviceID", str(body.device_id))
    elif body.meter_point is not None:
        add(element, "MPxN", body.meter_point.number)
    return element


# -- reading ---------------------------------------------------------------------------
def decode_body(node: Node) -> RequestBody:
    """The domain body for a DUIS body element, or :class:`CannotDecode` when out of scope."""
    reader = _READERS.get(node.local_name)
    if reader is None:
        raise CannotDecode(f"{node.path}: the harness does not decode sr:{node.local_name}")
    return reader(node)


def _read_execution(node: Node) -> datetime | None:
    found = node.optional("ExecutionDateTime")
    return None if found is None else read_datetime(found.text(), found.path)


def _read_role(node: Node) -> RemotePartyRole:
    found = node.required("RemotePartyRole")
    role = role_from_spelling(found.text())
    if role is None:
        raise CannotDecode(f"{found.path}: the harness has no remote party role {found.text()!r}")
    return role


def _read_certificate(node: Node, local: str) -> bytes | None:
    found = node.optional(local)
    return None if found is None else read_base64(found.text(), found.path)


def _read_pair(node: Node) -> CertificatePair:
    return CertificatePair(
        digital_signing=_read_certificate(node, "DigitalSigningCertificate"),
        key_agreement=_read_certificate(node, "KeyAgreementCertificate"),
    )


def _read_path(node: Node) -> tuple[bytes, ...]:
    path = node.required("CertificationPathCertificates")
    return tuple(read_base64(c.text(), c.path) for c in path.children("Certificate"))


def _read_meter_point(node: Node) -> MeterPoint:
    """DUIS's MPxN as the SR says it; the check digit is the DSP's to judge, not the codec's."""
    text = node.text()
    if not text.isdigit() or not text.isascii():
        raise CannotDecode(f"{node.path}: {text!r} is not an MPAN or MPRN (digits only)")
    return MeterPoint(Fuel.ELECTRICITY if len(text) == 13 else Fuel.GAS, text)


def _read_krp(node: Node) -> UpdateSecurityCredentialsKRP:
    replacement = node.required("ReplacementCertificates").required(
        "SupplierOrNetworkOperatorCertificates"
    )
    apply = node.required("ApplyTimeBasedCPVChecks")
    return UpdateSecurityCredentialsKRP(
        remote_party_role=_read_role(node),
        replacement=_read_pair(replacement),
        certification_path=_read_path(node),
        execution_time=_read_execution(node),
        apply_time_based_cpv_checks=read_bool(apply.text(), apply.path),
    )


def _read_handover(node: Node) -> RequestHandover:
    role = _read_role(node)
    pair = _read_pair(node.required("ReplacementCertificates"))
    when = _read_execution(node)
    if role is RemotePartyRole.SUPPLIER:
        return RequestHandover(supplier=pair, execution_time=when)
    if role is RemotePartyRole.NETWORK_OPERATOR:
        return RequestHandover(network_operator=pair, execution_time=when)
    raise CannotDecode(f"{node.path}: the harness hands over Supplier or NetworkOperator only")


def _read_cos(node: Node) -> UpdateSecurityCredentialsCoS:
    return UpdateSecurityCredentialsCoS(
        meter_point=_read_meter_point(node.required("ImportMPxN")),
        replacement=_read_pair(node.required("SupplierReplacementCertificates")),
        execution_time=_read_execution(node),
    )


def _read_retrieve(node: Node) -> RetrieveDeviceSecurityCredentials:
    if not node.children("RemotePartyRole"):
        raise DuisSchemaError(f"{node.path}: missing sr:RemotePartyRole")
    return RetrieveDeviceSecurityCredentials()


def _read_registers(node: Node) -> ReadInstantaneousImportRegisters:
    return ReadInstantaneousImportRegisters(execution_time=_read_execution(node))


def _read_profile(node: Node) -> ReadProfileData:
    period = node.required("ReadLogPeriod")
    start = period.required("StartDateTime")
    end = period.required("EndDateTime")
    try:
        requested = Period(
            read_datetime(start.text(), start.path), read_datetime(end.text(), end.path)
        )
    except InvalidValue as exc:
        raise CannotDecode(f"{period.path}: {exc}") from None
    return ReadProfileData(period=requested, execution_time=_read_execution(node))


def _read_inventory(node: Node) -> ReadInventory:
    key = node.only_child()
    if key.local_name == "DeviceID":
        try:
            return ReadInventory(device_id=Eui64.parse(key.text()))
        except InvalidValue as exc:
            raise DuisSchemaError(f"{key.path}: {exc}") from None
    if key.local_name == "MPxN":
        return ReadInventory(meter_point=_read_meter_point(key))
    raise CannotDecode(f"{key.path}: the harness reads the inventory by DeviceID or MPxN only")


def _read_signed_pre_command(node: Node) -> SignedPreCommand:
    payload = node.required("GBCSPayload")
    pre_command, signature = precommand.unpack(
        read_base64(payload.text(), payload.path), payload.path
    )
    return SignedPreCommand(pre_command=pre_command, signature=signature)


_READERS: dict[str, Callable[[Node], RequestBody]] = {
    names.UPDATE_SECURITY_CREDENTIALS_KRP: _read_krp,
    names.REQUEST_HANDOVER: _read_handover,
    names.UPDATE_SECURITY_CREDENTIALS_COS: _read_cos,
    names.RETRIEVE_DEVICE_SECURITY_CREDENTIALS_KRP: _read_retrieve,
    names.READ_INSTANTANEOUS_IMPORT_REGISTERS: _read_registers,
    names.READ_ACTIVE_IMPORT_PROFILE_DATA: _read_profile,
    names.READ_INVENTORY: _read_inventory,
    names.SIGNED_PRE_COMMAND: _read_signed_pre_command,
}

DECODED_BODY_ELEMENTS = frozenset(_READERS)
