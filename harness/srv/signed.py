"""Command Variant 5: the User's signature over the pre-command a transform returned. It
follows any critical SRV and has no SRV of its own, so no step builds it alone."""

from __future__ import annotations

import random
from collections.abc import Sequence

from lxml import etree

from harness.domain.requests import SignedPreCommand
from harness.duis import precommand
from harness.duis.lexical import read_base64, write_base64
from harness.duis.tree import Node, add
from harness.signing import sign_payload
from harness.srv.spec import BodySpec, Samples, no_effect

ELEMENT = "SignedPreCommand"


def _encode(
    body: SignedPreCommand, parent: etree._Element, path: Sequence[bytes]
) -> etree._Element:
    element = add(parent, ELEMENT)
    add(element, "GBCSPayload", write_base64(precommand.pack(body.pre_command, body.signature)))
    return element


def _decode(node: Node) -> SignedPreCommand:
    payload = node.required("GBCSPayload")
    pre_command, signature = precommand.unpack(
        read_base64(payload.text(), payload.path), payload.path
    )
    return SignedPreCommand(pre_command=pre_command, signature=signature)


def _sample(rng: random.Random, cast: Samples) -> SignedPreCommand:
    payload = rng.randbytes(rng.randint(0, 64))
    key = cast.signing_key(rng.choice(cast.users))
    return SignedPreCommand(payload, sign_payload(key, payload))


SIGNED_PRE_COMMAND = BodySpec(
    element=ELEMENT,
    body_type=SignedPreCommand,
    build=None,
    encode=_encode,
    decode=_decode,
    effect=no_effect,
    sample=_sample,
)
