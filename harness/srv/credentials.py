"""The bodies that place organisation certificates on a device: SRV 6.15.1 (KRP),
6.21 (handover of a DCC-controlled device) and 6.23 (change of supplier)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from lxml import etree

from harness.domain.certificates import OrgCertificate
from harness.domain.eui import Eui64
from harness.domain.meterpoint import make_mpan
from harness.domain.requests import (
    RequestHandover,
    UpdateSecurityCredentialsCoS,
    UpdateSecurityCredentialsKRP,
)
from harness.domain.roles import RemotePartyRole
from harness.duis.errors import CannotDecode, CannotEncode
from harness.duis.lexical import read_bool, write_bool
from harness.duis.tree import Node, add
from harness.errors import InvalidValue
from harness.reference.cells import Cell, certificate_updates
from harness.reference.state import DspState
from harness.srv.fields import (
    read_execution,
    read_meter_point,
    read_pair,
    read_path,
    read_role,
    spelling,
    write_execution,
    write_pair,
    write_path,
)
from harness.srv.spec import BodyArgs, BodySpec, Effect, Samples, Scene, sample_time

_HANDED_OVER = (RemotePartyRole.SUPPLIER, RemotePartyRole.NETWORK_OPERATOR)


# -- 6.15.1 Update Security Credentials (KRP) ------------------------------------------
def _krp_build(scene: Scene, args: BodyArgs) -> UpdateSecurityCredentialsKRP:
    if args.certificates_of is None:
        raise InvalidValue("SRV 6.15.1 needs the certificates it places")
    role = scene.remote_role_of(args.certificates_of)
    if role is None:
        raise InvalidValue(f"{args.certificates_of} holds no organisation certificates")
    return UpdateSecurityCredentialsKRP(
        role,
        scene.certificates(args.certificates_of, role),
        scene.certification_path(),
        args.execution_time,
    )


def _krp_encode(
    body: UpdateSecurityCredentialsKRP, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, "UpdateSecurityCredentialsKRP")
    write_execution(element, body.execution_time)
    add(element, "RemotePartyRole", spelling(body.remote_party_role))
    replacement = add(
        add(element, "ReplacementCertificates"), "SupplierOrNetworkOperatorCertificates"
    )
    write_pair(replacement, body.replacement, signing_required=False)
    write_path(element, body.certification_path, "SRV 6.15.1 (its certification_path)")
    add(element, "ApplyTimeBasedCPVChecks", write_bool(body.apply_time_based_cpv_checks))
    return element


def _krp_decode(node: Node) -> UpdateSecurityCredentialsKRP:
    replacement = node.required("ReplacementCertificates").required(
        "SupplierOrNetworkOperatorCertificates"
    )
    apply = node.required("ApplyTimeBasedCPVChecks")
    return UpdateSecurityCredentialsKRP(
        remote_party_role=read_role(node),
        replacement=read_pair(replacement),
        certification_path=read_path(node),
        execution_time=read_execution(node),
        apply_time_based_cpv_checks=read_bool(apply.text(), apply.path),
    )


def _krp_effect(body: UpdateSecurityCredentialsKRP, target: Eui64, state: DspState) -> Effect:
    return Effect(updates=certificate_updates(body.remote_party_role, body.replacement))


def _krp_sample(rng: random.Random, cast: Samples) -> UpdateSecurityCredentialsKRP:
    role = rng.choice(_HANDED_OVER)
    user = rng.choice(cast.users)
    return UpdateSecurityCredentialsKRP(role, cast.pair(user, role), cast.path, sample_time(rng))


KRP = BodySpec(
    element="UpdateSecurityCredentialsKRP",
    body_type=UpdateSecurityCredentialsKRP,
    build=_krp_build,
    encode=_krp_encode,
    decode=_krp_decode,
    effect=_krp_effect,
    sample=_krp_sample,
)


# -- 6.21 Request Handover of DCC Controlled Device ------------------------------------
def _handover_build(scene: Scene, args: BodyArgs) -> RequestHandover:
    if args.certificates_of is None:
        raise InvalidValue("SRV 6.21 needs the certificates to hand over to")
    role = scene.remote_role_of(args.certificates_of)
    pair = scene.certificates(args.certificates_of, role) if role else None
    supplier = pair if role is RemotePartyRole.SUPPLIER else None
    network = pair if role is RemotePartyRole.NETWORK_OPERATOR else None
    return RequestHandover(supplier, network, args.execution_time, scene.certification_path())


def _handover_encode(
    body: RequestHandover, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    given = [
        (role, pair)
        for role, pair in zip(_HANDED_OVER, (body.supplier, body.network_operator), strict=True)
        if pair is not None
    ]
    if len(given) != 1:
        raise CannotEncode(
            "a DUIS 6.21 hands over one remote party's certificates; this request has "
            f"{len(given)} (send one 6.21 per remote party)"
        )
    role, pair = given[0]
    element = add(parent, "RequestHandoverOfDCCControlledDevice")
    write_execution(element, body.execution_time)
    add(element, "RemotePartyRole", spelling(role))
    write_pair(add(element, "ReplacementCertificates"), pair, signing_required=True)
    write_path(element, path, "SRV 6.21 (pass certification_path=…)")
    add(element, "ApplyTimeBasedCPVChecks", write_bool(True))
    return element


def _handover_decode(node: Node) -> RequestHandover:
    role = read_role(node)
    pair = read_pair(node.required("ReplacementCertificates"))
    when = read_execution(node)
    if role is RemotePartyRole.SUPPLIER:
        return RequestHandover(supplier=pair, execution_time=when)
    if role is RemotePartyRole.NETWORK_OPERATOR:
        return RequestHandover(network_operator=pair, execution_time=when)
    raise CannotDecode(f"{node.path}: the harness hands over Supplier or NetworkOperator only")


def _handover_effect(body: RequestHandover, target: Eui64, state: DspState) -> Effect:
    updates: dict[Cell, OrgCertificate] = {}
    for role, pair in zip(_HANDED_OVER, (body.supplier, body.network_operator), strict=True):
        if pair is not None:
            updates |= certificate_updates(role, pair)
    return Effect(updates=updates)


def _handover_sample(rng: random.Random, cast: Samples) -> RequestHandover:
    pair = cast.pair(rng.choice(cast.users), RemotePartyRole.SUPPLIER)
    return RequestHandover(supplier=pair, execution_time=sample_time(rng))


HANDOVER = BodySpec(
    element="RequestHandoverOfDCCControlledDevice",
    body_type=RequestHandover,
    build=_handover_build,
    encode=_handover_encode,
    decode=_handover_decode,
    effect=_handover_effect,
    sample=_handover_sample,
)


# -- 6.23 Update Security Credentials (CoS) --------------------------------------------
def _cos_build(scene: Scene, args: BodyArgs) -> UpdateSecurityCredentialsCoS:
    point = (
        scene.meter_point(args.meter_point)
        if args.meter_point
        else scene.device(args.device).meter_point
    )
    if point is None or args.certificates_of is None:
        raise InvalidValue("SRV 6.23 needs a meter point and the gaining supplier's certificates")
    return UpdateSecurityCredentialsCoS(
        point,
        scene.certificates(args.certificates_of, RemotePartyRole.SUPPLIER),
        args.execution_time,
        scene.certification_path(),
    )


def _cos_encode(
    body: UpdateSecurityCredentialsCoS, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, "UpdateSecurityCredentialsCoS")
    write_execution(element, body.execution_time)
    add(element, "SupplierFloorSeqNumber", "0")
    replacement = add(element, "SupplierReplacementCertificates")
    write_pair(replacement, body.replacement, signing_required=True)
    write_path(element, path, "SRV 6.23 (pass certification_path=…)")
    add(element, "ApplyTimeBasedCPVChecks", write_bool(True))
    add(element, "ImportMPxN", body.meter_point.number)
    return element


def _cos_decode(node: Node) -> UpdateSecurityCredentialsCoS:
    return UpdateSecurityCredentialsCoS(
        meter_point=read_meter_point(node.required("ImportMPxN")),
        replacement=read_pair(node.required("SupplierReplacementCertificates")),
        execution_time=read_execution(node),
    )


def _cos_effect(body: UpdateSecurityCredentialsCoS, target: Eui64, state: DspState) -> Effect:
    return Effect(updates=certificate_updates(RemotePartyRole.SUPPLIER, body.replacement))


def _cos_sample(rng: random.Random, cast: Samples) -> UpdateSecurityCredentialsCoS:
    pair = cast.pair(rng.choice(cast.users), RemotePartyRole.SUPPLIER)
    point = make_mpan("".join(rng.choice("0123456789") for _ in range(12)))
    return UpdateSecurityCredentialsCoS(point, pair, sample_time(rng))


COS = BodySpec(
    element="UpdateSecurityCredentialsCoS",
    body_type=UpdateSecurityCredentialsCoS,
    build=_cos_build,
    encode=_cos_encode,
    decode=_cos_decode,
    effect=_cos_effect,
    sample=_cos_sample,
)
