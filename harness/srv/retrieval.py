"""The bodies that read the security credentials a device holds: SRV 6.24.1 (the remote
parties' certificates)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from lxml import etree

from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.requests import RetrieveDeviceSecurityCredentials
from harness.domain.roles import RemotePartyRole
from harness.duis.errors import DuisSchemaError
from harness.duis.tree import Node, add
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
    if target not in state.smi:
        return Effect()
    return Effect(
        data=tuple(
            (str(cell), str(cert.id))
            for cell in READABLE_CELLS
            if (cert := state.current_certificate(target, cell)) is not None
        )
    )


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
