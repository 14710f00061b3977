"""The bodies that read the security credentials a device holds: SRV 6.24.1 (the remote
parties' certificates) and 6.24.2 (the device's own certificate)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from lxml import etree

from harness.domain.certificates import KeyUsage
from harness.domain.choices import parse_choice
from harness.domain.devices import Generation
from harness.domain.eui import Eui64
from harness.domain.parties import DCC_ID
from harness.domain.reports import CredentialReport, certificate_hash
from harness.domain.requests import RequestBody, RetrieveDeviceSecurityCredentials
from harness.domain.roles import RemotePartyRole
from harness.duis.errors import CannotDecode, DuisSchemaError
from harness.duis.tree import Node, add
from harness.errors import InvalidValue
from harness.reference.cells import Cell
from harness.reference.state import DspState
from harness.srv.fields import spelling
from harness.srv.spec import BodyArgs, BodySpec, Effect, Samples, Scene

# The remote parties a 6.24.1 asks about, and so the cells it reports: the ones the
# harness models.
RETRIEVED_ROLES = (RemotePartyRole.SUPPLIER, RemotePartyRole.NETWORK_OPERATOR)
READABLE_CELLS = tuple(
    sorted((Cell(role, usage) for role in RETRIEVED_ROLES for usage in KeyUsage), key=str)
)


def _krp_build(scene: Scene, args: BodyArgs) -> RetrieveDeviceSecurityCredentials:
    return RetrieveDeviceSecurityCredentials()


def _krp_encode(
    body: RetrieveDeviceSecurityCredentials, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, "RetrieveDeviceSecurityCredentialsKRP")
    for role in RETRIEVED_ROLES:
        add(element, "RemotePartyRole", spelling(role))
    return element


def _krp_decode(node: Node) -> RetrieveDeviceSecurityCredentials:
    if not node.children("RemotePartyRole"):
        raise DuisSchemaError(f"{node.path}: missing sr:RemotePartyRole")
    return RetrieveDeviceSecurityCredentials()


def _krp_effect(body: RetrieveDeviceSecurityCredentials, target: Eui64, state: DspState) -> Effect:
    """Whose certificate each cell holds (its owner and hash, as MMC's RemotePartyDetails
    report them), the DCC's ID for a cell still DCC-controlled; an empty cell is left out."""
    if target not in state.smi:
        return Effect()
    reports = []
    for cell in READABLE_CELLS:
        cert = state.current_certificate(target, cell)
        if cert is not None:
            reports.append(CredentialReport(str(cell), cert.owner, certificate_hash(cert.der)))
        elif state.dcc_controls(target, cell.role):
            reports.append(CredentialReport(str(cell), DCC_ID))
    return Effect(data=tuple(r.pair() for r in reports))


def _krp_sample(rng: random.Random, cast: Samples) -> RetrieveDeviceSecurityCredentials:
    return RetrieveDeviceSecurityCredentials()


RETRIEVE_KRP = BodySpec(
    element="RetrieveDeviceSecurityCredentialsKRP",
    body_type=RetrieveDeviceSecurityCredentials,
    build=_krp_build,
    encode=_krp_encode,
    decode=_krp_decode,
    effect=_krp_effect,
    sample=_krp_sample,
)


# -- 6.24.2 Retrieve Device Security Credentials (Device) ------------------------------
class CredentialType(Enum):
    """Which of its own certificates a device is asked for (DUIS ``sr:CredentialType``)."""

    DIGITAL_SIGNATURE = "Digital Signature"
    KEY_AGREEMENT = "Key Agreement"

    @classmethod
    def parse(cls, text: str) -> CredentialType:
        return parse_choice(cls, text, "credential type")


@dataclass(frozen=True)
class RetrieveDeviceSecurityCredentialsDevice(RequestBody):
    """SRV 6.24.2 (critical): read the device's own certificate of one key usage."""

    credential_type: CredentialType = CredentialType.DIGITAL_SIGNATURE


def _device_build(scene: Scene, args: BodyArgs) -> RetrieveDeviceSecurityCredentialsDevice:
    wanted = args.option("credential_type", CredentialType.DIGITAL_SIGNATURE.value)
    return RetrieveDeviceSecurityCredentialsDevice(CredentialType.parse(wanted))


def _device_encode(
    body: RetrieveDeviceSecurityCredentialsDevice, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, "RetrieveDeviceSecurityCredentialsDevice")
    add(element, "CredentialType", body.credential_type.value)
    return element


def _device_decode(node: Node) -> RetrieveDeviceSecurityCredentialsDevice:
    found = node.required("CredentialType")
    try:
        return RetrieveDeviceSecurityCredentialsDevice(CredentialType.parse(found.text()))
    except InvalidValue as exc:
        raise CannotDecode(f"{found.path}: {exc}") from None


def _device_effect(
    body: RetrieveDeviceSecurityCredentialsDevice, target: Eui64, state: DspState
) -> Effect:
    """A SMETS2 device answers with its certificate, whose subject is its Device ID (the
    harness models no device keys, so the Device ID stands for the certificate)."""
    device = state.smi.get(target)
    if device is None or device.generation is not Generation.SMETS2:
        return Effect()
    return Effect(data=((f"DeviceCertificate/{body.credential_type.value}", str(target)),))


def _device_sample(rng: random.Random, cast: Samples) -> RetrieveDeviceSecurityCredentialsDevice:
    return RetrieveDeviceSecurityCredentialsDevice(rng.choice(list(CredentialType)))


RETRIEVE_DEVICE = BodySpec(
    element="RetrieveDeviceSecurityCredentialsDevice",
    body_type=RetrieveDeviceSecurityCredentialsDevice,
    build=_device_build,
    encode=_device_encode,
    decode=_device_decode,
    effect=_device_effect,
    sample=_device_sample,
)
