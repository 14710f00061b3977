"""A served DSP without test control that holds what a binding declares, and that binding.

The shipped binding (``tests/binding/zaz1.toml``, the same as ``docs/bindings/zaz1.toml``)
names DCC Boxed's three ZAZ1 Users. Most scenarios need two Users in one role (NO-A and
NO-B); the ZAZ1 PKI holds the XML-signing keys of one User per role, so the kit adds a
second network operator and a second supplier with keys issued here (as a DSP team would
add its own test Users) and the state one feature's Background declares.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from harness.domain.certificates import KeyUsage
from harness.domain.eui import Eui64
from harness.domain.roles import XML_SIGNING_OU, RemotePartyRole
from harness.duis.schema import duis_dir
from harness.pki import Credential, TestPki
from tests.served.served import free_port, served

SHIPPED = Path(__file__).resolve().parent / "zaz1.toml"
ZAZ1 = duis_dir() / "zaz1"
NO_2 = Eui64.parse("90-B3-D5-1F-30-02-00-0B")
NO_3 = Eui64.parse("90-B3-D5-1F-30-02-00-0C")
SUPPLIER_2 = Eui64.parse("90-B3-D5-1F-30-01-00-0B")
S1SP = Eui64.parse("90-B3-D5-1F-30-00-00-51")


def write_credential(credential: Credential, stem: Path) -> tuple[Path, Path]:
    pem, key = stem.with_suffix(".pem"), stem.with_suffix(".key")
    pem.write_bytes(credential.certificate.certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        credential.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem, key


def _user(pki: TestPki, folder: Path, user_id: Eui64, role: str, cell: RemotePartyRole) -> str:
    stem = f"{user_id.value:016X}"
    xml = write_credential(
        pki.issue(user_id, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING), folder / f"{stem}-xml"
    )
    ds = write_credential(
        pki.issue(user_id, cell.ou_code, KeyUsage.DIGITAL_SIGNING), folder / f"{stem}-ds"
    )
    ka = write_credential(
        pki.issue(user_id, cell.ou_code, KeyUsage.KEY_AGREEMENT), folder / f"{stem}-ka"
    )
    return (
        f'\n[[binding.users]]\nuser_id = "{user_id}"\nrole = "{role}"\n'
        f'xml_signing_certificate = "{xml[0]}"\nxml_signing_key = "{xml[1]}"\n'
        f'digital_signing_certificate = "{ds[0]}"\ndigital_signing_key = "{ds[1]}"\n'
        f'key_agreement_certificate = "{ka[0]}"\nkey_agreement_key = "{ka[1]}"\n'
    )


@dataclass(frozen=True)
class Bound:
    url: str
    config: Path


def shipped_binding(folder: Path, receiver_port: int) -> Path:
    """The shipped binding as it stands, with its files found from ``folder`` and its own
    receiver port."""
    text = (
        SHIPPED.read_text(encoding="utf-8")
        .replace("../../../shared/duis/zaz1", str(ZAZ1))
        .replace("receiver_port = 18099", f"receiver_port = {receiver_port}")
    )
    config = folder / "zaz1.toml"
    config.write_text(text, encoding="utf-8")
    tomllib.loads(text)  # still TOML
    return config


def extended_binding(folder: Path, receiver_port: int, state: str, *, first: bool = False) -> Path:
    """The shipped ZAZ1 Users, two more NOs and a second supplier (listed before the ZAZ1
    Users when ``first``: they hold key-agreement certificates, which the ZAZ1 PKI does not
    give), and ``state`` (devices, registrations, held certificates and clock, as TOML)
    instead of the shipped state."""
    pki = TestPki("ZB")
    text = SHIPPED.read_text(encoding="utf-8").replace("../../../shared/duis/zaz1", str(ZAZ1))
    text = text.replace("receiver_port = 18099", f"receiver_port = {receiver_port}")
    users = text[text.index("[[binding.users]]") : text.index("[[binding.devices]]")]
    head = text[: text.index("[binding]")]
    s1sp_pem, _ = write_credential(
        pki.issue(S1SP, XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING), folder / "s1sp"
    )
    head = head.replace("[ics]", f's1sp_certificate = "{s1sp_pem}"\n\n[ics]')
    now, _, rest = state.partition("\n")
    extra = (
        _user(pki, folder, NO_2, "ED", RemotePartyRole.NETWORK_OPERATOR)
        + _user(pki, folder, NO_3, "ED", RemotePartyRole.NETWORK_OPERATOR)
        + _user(pki, folder, SUPPLIER_2, "IS", RemotePartyRole.SUPPLIER)
    )
    cast = extra + users if first else users + extra
    body = f"{head}[binding]\n{now}\n\n{cast}\n{rest}"
    config = folder / "binding.toml"
    config.write_text(body, encoding="utf-8")
    tomllib.loads(body)
    return config


@contextlib.contextmanager
def served_without_test_control(config: Path, folder: Path) -> Iterator[str]:
    """``serve --no-test-control --preset zaz1 --binding config``, signing as DCC Boxed's DSP."""
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    port = data["target"]["receiver_port"]
    extra = [
        "--no-test-control",
        "--preset",
        "zaz1",
        "--zaz1-dir",
        str(ZAZ1),
        "--binding",
        str(config),
        "--response-url",
        f"http://127.0.0.1:{port}/responses",
        "--sign-key",
        str(ZAZ1 / "dsp-xml-sign-90B3D51F30000002-ds.key"),
        "--sign-cert",
        str(ZAZ1 / "dsp-xml-sign-90B3D51F30000002-ds.pem"),
    ]
    if (folder / "s1sp.pem").is_file():
        extra += ["--s1sp-key", str(folder / "s1sp.key"), "--s1sp-cert", str(folder / "s1sp.pem")]
    with served("baseline", *extra) as url:
        yield url


def receiver_port() -> int:
    return free_port()
