"""DCC Boxed's Users and their ZAZ1 test certificates, read from a folder the user names.

The ZAZ1 test PKI is the DCC's published material (``../shared/duis/zaz1`` beside this
repository): it is read from where the user keeps it and never copied into the repository.
DCC Boxed knows three Users out of the box; the DCC's own signing tool signs as them with
the XML-signing keys named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from harness.adapters.provisioning import AddUser, Provision, PublishCertificate
from harness.adapters.target_config import load_certificate, load_private_key
from harness.domain.certificates import OrgCertificate
from harness.domain.eui import Eui64
from harness.domain.parties import User
from harness.domain.roles import XML_SIGNING_OU, UserRole
from harness.errors import ConfigurationError, HarnessError
from harness.pki import Credential


@dataclass(frozen=True)
class Zaz1User:
    user_id: Eui64
    role: UserRole
    name: str

    @property
    def xml_signing_file(self) -> str:
        """The stem of its XML-signing certificate (``.pem``) and key (``.key``)."""
        return f"xml-sign-{self.user_id.value:016X}-ds"


USERS = (
    Zaz1User(Eui64.parse("90-B3-D5-1F-30-01-00-00"), UserRole.IMPORT_SUPPLIER, "ZAZ1 supplier"),
    Zaz1User(
        Eui64.parse("90-B3-D5-1F-30-02-00-00"),
        UserRole.ELECTRICITY_DISTRIBUTOR,
        "ZAZ1 network operator",
    ),
    Zaz1User(Eui64.parse("00-DB-12-34-56-78-00-04"), UserRole.OTHER_USER, "ZAZ1 other user"),
)


@dataclass(frozen=True)
class Zaz1:
    """What a ZAZ1 folder holds that a DSP or a User needs."""

    folder: Path
    certificates: tuple[OrgCertificate, ...]  # every organisation certificate in the folder

    def provisioning(self) -> list[Provision]:
        """DCC Boxed's Users and every ZAZ1 organisation certificate, as provider states."""
        commands: list[Provision] = [AddUser(User(u.user_id, u.role, u.name)) for u in USERS]
        commands += [PublishCertificate(c.der) for c in self.certificates]
        return commands

    def xml_signer(self, user: Zaz1User) -> Credential:
        """The User's ZAZ1 XML-signing key and certificate."""
        stem = self.folder / user.xml_signing_file
        certificate = _certificate(stem.with_suffix(".pem"))
        key = load_private_key(_read(stem.with_suffix(".key")), f"ZAZ1 key {stem}.key")
        if key.public_key() != certificate.public_key():
            raise ConfigurationError(f"{stem}.key does not belong to {stem}.pem")
        org = OrgCertificate.from_x509(certificate)
        if org.owner != user.user_id or org.role_code != XML_SIGNING_OU:
            raise ConfigurationError(
                f"{stem}.pem is not {user.user_id}'s XML-signing certificate "
                f"(owner {org.owner}, role code {org.role_code})"
            )
        return Credential(org, key)


def load(folder: Path) -> Zaz1:
    """Read the ZAZ1 folder; one clear :class:`ConfigurationError` when it is not one."""
    if not folder.is_dir():
        raise ConfigurationError(f"ZAZ1 folder {folder} does not exist")
    certificates = []
    for path in sorted(folder.glob("*.pem")):
        if path.name.endswith(".key.pem"):
            continue
        try:
            certificates.append(OrgCertificate.from_x509(_certificate(path)))
        except HarnessError:
            continue  # not an organisation certificate (e.g. a CA): not a User's
    zaz1 = Zaz1(folder, tuple(certificates))
    missing = [
        f"{u.xml_signing_file}.pem"
        for u in USERS
        if not (folder / f"{u.xml_signing_file}.pem").is_file()
    ]
    if missing:
        raise ConfigurationError(
            f"{folder} is not a ZAZ1 folder: {', '.join(missing)} missing "
            "(the DCC's ZAZ1 test PKI, e.g. ../shared/duis/zaz1)"
        )
    return zaz1


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror or exc}") from None


def _certificate(path: Path) -> x509.Certificate:
    return load_certificate(_read(path), str(path))
