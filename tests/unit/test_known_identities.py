"""Signing as Users the target already knows: [[signers]] with a role, and the World using them."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from harness.adapters.reference import ReferenceAdapter
from harness.adapters.target_config import load_target_config
from harness.capture import capture_to, emitted
from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.roles import XML_SIGNING_OU, UserRole
from harness.errors import ConfigurationError
from harness.pki import Credential, TestPki
from harness.reference.profiles import resolve
from harness.world import World

KNOWN = Eui64.parse("90-B3-D5-1F-30-01-00-00")


def _write_signer(pki: TestPki, folder: Path) -> Credential:
    credential = pki.issue(KNOWN, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    (folder / "s.pem").write_bytes(credential.certificate.certificate.public_bytes(Encoding.PEM))
    (folder / "s.key").write_bytes(
        credential.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    return credential


def _config(folder: Path, role: str) -> Path:
    path = folder / "target.toml"
    path.write_text(
        f'[[signers]]\nuser_id = "{KNOWN}"\ncertificate = "s.pem"\nkey = "s.key"\nrole = "{role}"\n'
    )
    return path


def test_a_signer_with_a_role_is_an_identity(pki: TestPki, tmp_path: Path) -> None:
    _write_signer(pki, tmp_path)
    config = load_target_config(_config(tmp_path, "IS"))
    assert config.identities == {UserRole.IMPORT_SUPPLIER: KNOWN}
    assert KNOWN in config.signers


def test_an_unknown_role_is_one_clear_error(pki: TestPki, tmp_path: Path) -> None:
    _write_signer(pki, tmp_path)
    with pytest.raises(ConfigurationError, match="unknown User Role 'XX'"):
        load_target_config(_config(tmp_path, "XX"))


def test_the_first_party_in_the_role_is_the_known_user(pki: TestPki, tmp_path: Path) -> None:
    credential = _write_signer(pki, tmp_path)
    world = World(
        ReferenceAdapter(resolve("baseline")),
        "baseline",
        identities={UserRole.IMPORT_SUPPLIER: credential},
    )
    first = world.add_party("SUP-A", "IS")
    second = world.add_party("SUP-B", "IS")
    other = world.add_party("NO-A", "ED")
    assert first.user.user_id == KNOWN
    assert first.xml_signing is credential
    assert second.user.user_id != KNOWN
    assert other.user.user_id != KNOWN


def test_captured_requests_set_aside_the_ones_corrupted_on_purpose(tmp_path: Path) -> None:
    from harness.adapters.base import EnvelopeFault
    from tests.duis.duis_samples import sample_requests

    request = sample_requests(TestPki())["4.1.1"]
    capture = capture_to(tmp_path)
    capture(request, None, b"<a/>", b"<b/>", b"PEM")
    capture(request, EnvelopeFault.TAMPERED_SIGNATURE, b"<c/>", None, None)
    sent, faulty = emitted(tmp_path)
    assert [p.read_bytes() for p in sent] == [b"<a/>"]
    assert [p.read_bytes() for p in faulty] == [b"<c/>"]
    assert (
        sent[0].with_name(sent[0].name.replace(".request.xml", ".signer.pem")).read_bytes()
        == b"PEM"
    )
