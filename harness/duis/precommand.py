"""The ``GBCSPayload`` of a Command Variant 5 request: the pre-command with its signature.

GBCS appends a command's ECDSA signature as a length octet (64) and the 64-octet ``r‖s``
value. The harness does the same to whatever pre-command the DSP returned, converting the
DER signature ``cryptography`` makes to and from ``r‖s``. Any valid P-256 DER signature
survives the trip unchanged (DER is canonical); bytes that are not one cannot be written,
just as GBCS could not carry them.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from harness.duis.errors import CannotDecode, CannotEncode

_SIGNATURE_LENGTH = 64
_HALF = _SIGNATURE_LENGTH // 2


def pack(pre_command: bytes, der_signature: bytes) -> bytes:
    """``pre_command ‖ 0x40 ‖ r ‖ s``."""
    try:
        r, s = decode_dss_signature(der_signature)
    except ValueError:
        raise CannotEncode(
            "the signed pre-command's signature is not a DER ECDSA signature, so it has no "
            "GBCS form (64 octets r‖s)"
        ) from None
    if r >= 1 << (8 * _HALF) or s >= 1 << (8 * _HALF):
        raise CannotEncode("the signed pre-command's signature is not a P-256 signature")
    return (
        pre_command
        + bytes([_SIGNATURE_LENGTH])
        + r.to_bytes(_HALF, "big")
        + s.to_bytes(_HALF, "big")
    )


def unpack(payload: bytes, path: str) -> tuple[bytes, bytes]:
    """``(pre_command, DER signature)`` from a packed payload."""
    if len(payload) < _SIGNATURE_LENGTH + 1 or payload[-_SIGNATURE_LENGTH - 1] != _SIGNATURE_LENGTH:
        raise CannotDecode(
            f"{path}: the signed pre-command does not end with a 64-octet GBCS signature"
        )
    raw = payload[-_SIGNATURE_LENGTH:]
    r = int.from_bytes(raw[:_HALF], "big")
    s = int.from_bytes(raw[_HALF:], "big")
    return payload[: -_SIGNATURE_LENGTH - 1], encode_dss_signature(r, s)
