"""The signed bytes are the bytes that travel, in the form the DCC's tool reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_private_key

from harness.duis.schema import duis_dir
from harness.duis.signing import lookup_in, sign, verify
from harness.duis.tree import readable
from tests.interop.dcc_tool import DccTool

SUPPLIER = "xml-sign-90B3D51F30010000-ds"
# Some ZAZ1 Users' certificates (Z1-*) expired in late 2025; on this day all were valid.
ZAZ1_ALL_VALID = datetime(2025, 10, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def duis() -> Path:
    path = duis_dir()
    if not (path / "templates").is_dir() or not (path / "zaz1").is_dir():
        pytest.skip(f"DCC templates and ZAZ1 PKI are not at {path} (../shared/duis)")
    return path


def zaz1_certificates(duis: Path) -> list[x509.Certificate]:
    pems = [p for p in (duis / "zaz1").glob("*.pem") if not p.name.endswith(".key.pem")]
    return [x509.load_pem_x509_certificate(p.read_bytes()) for p in pems]


def supplier_key(duis: Path) -> ec.EllipticCurvePrivateKey:
    key = load_der_private_key((duis / "zaz1" / f"{SUPPLIER}.key").read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def test_an_indented_document_signed_by_the_harness_validates_with_the_dcc_tool(
    dcc_tool: DccTool, duis: Path
) -> None:
    certificate = x509.load_pem_x509_certificate((duis / "zaz1" / f"{SUPPLIER}.pem").read_bytes())
    template = (duis / "templates" / "8.2_READ_INVENTORY_REQUEST_DUIS.XML").read_bytes()
    indented = readable(template)
    assert b"\n    <" in indented
    signed = sign(indented, supplier_key(duis), certificate)
    assert b">\n" not in signed.split(b"?>", 1)[1], "the signed form carries no indentation"
    built_in, named = (
        dcc_tool.validate([signed]),
        dcc_tool.validate([signed], duis / "zaz1" / f"{SUPPLIER}.pem"),
    )
    assert built_in[0].ok, built_in[0].reason()
    assert named[0].ok, named[0].reason()
    # the DCC tool ignores element-content whitespace, so the indented evidence copy reads
    # the same to it
    [evidence] = dcc_tool.validate([readable(signed)])
    assert evidence.ok, evidence.reason()


def test_the_harness_verifies_what_the_dcc_tools_sign_signs(dcc_tool: DccTool, duis: Path) -> None:
    templates = sorted((duis / "templates").glob("*_REQUEST_DUIS.XML"))
    assert len(templates) > 100
    verdicts = dcc_tool.sign_verdicts([t.read_bytes() for t in templates])
    signed = [(t.name, v.output) for t, v in zip(templates, verdicts, strict=True) if v.ok]
    assert len(signed) >= len(templates) * 0.9, [v.reason() for v in verdicts if not v.ok][:5]
    lookup = lookup_in(zaz1_certificates(duis))
    refused = {}
    for name, document in signed:
        try:
            verify(document, lookup, at=ZAZ1_ALL_VALID)
        except Exception as exc:
            refused[name] = str(exc)
    assert not refused, f"{len(refused)}/{len(signed)} DCC-signed templates refused: {refused}"
