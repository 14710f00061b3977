"""Requests the harness signs, read by the DCC's own tool (XSD + signature)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from harness.domain.certificates import KeyUsage
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.requests import encode_request
from harness.duis.signing import sign
from harness.pki import TestPki
from tests.duis.duis_samples import ca_path, sample_requests
from tests.interop.dcc_tool import DccTool


def test_every_sample_request_signed_by_the_harness_validates_with_the_dcc_tool(
    dcc_tool: DccTool, pki: TestPki, tmp_path: Path
) -> None:
    signed: dict[str, bytes] = {}
    signer_pems: dict[str, Path] = {}
    for name, request in sample_requests(pki).items():
        credential = pki.issue(request.sender, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
        path = getattr(request.body, "certification_path", ()) or ca_path(pki)
        signed[name] = sign(
            encode_request(request, certification_path=path),
            credential.private_key,
            credential.certificate,
        )
        pem = tmp_path / f"{request.sender}.pem"
        pem.write_bytes(credential.certificate.certificate.public_bytes(Encoding.PEM))
        signer_pems[name] = pem
    failed = {}
    for name, document in signed.items():
        [verdict] = dcc_tool.validate([document], signer_pems[name])
        if not verdict.ok:
            failed[name] = verdict.reason()
    assert not failed, f"{len(failed)}/{len(signed)} rejected by the DCC tool: {failed}"


pytestmark = pytest.mark.xfail(
    strict=True,
    reason="the harness signs the indented document; the DCC tool drops element-content "
    "whitespace when it reads, so the digest does not match",
)
