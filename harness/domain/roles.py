"""User Roles (SEC) and remote party roles (GBCS trust anchor cells)."""

from __future__ import annotations

from enum import Enum

from harness.domain.choices import parse_choice
from harness.domain.meterpoint import Fuel
from harness.errors import InvalidValue


class UserRole(Enum):
    IMPORT_SUPPLIER = "IS"
    EXPORT_SUPPLIER = "ES"
    GAS_SUPPLIER = "GS"
    ELECTRICITY_DISTRIBUTOR = "ED"
    GAS_TRANSPORTER = "GT"
    REGISTERED_SUPPLIER_AGENT = "RSA"
    OTHER_USER = "OU"

    @classmethod
    def parse(cls, text: str) -> UserRole:
        key = text.strip()
        for role in cls:
            if key.upper() == role.value or key.lower() == role.label.lower():
                return role
        known = ", ".join(f"{r.value} ({r.label})" for r in cls)
        raise InvalidValue(f"unknown User Role {text!r}; known: {known}")

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def with_article(self) -> str:
        """``an Import Supplier``, ``a Gas Supplier``: the label as a sentence names it."""
        label = self.label
        return f"{'an' if label[0].lower() in 'aeiou' else 'a'} {label}"

    @property
    def is_supplier(self) -> bool:
        return self in (UserRole.IMPORT_SUPPLIER, UserRole.GAS_SUPPLIER)

    @property
    def is_network_operator(self) -> bool:
        return self in (UserRole.ELECTRICITY_DISTRIBUTOR, UserRole.GAS_TRANSPORTER)

    @property
    def remote_party_role(self) -> RemotePartyRole | None:
        """The trust anchor cell this role's organisation certificates belong in."""
        if self.is_supplier:
            return RemotePartyRole.SUPPLIER
        if self.is_network_operator:
            return RemotePartyRole.NETWORK_OPERATOR
        return None


_LABELS = {
    UserRole.IMPORT_SUPPLIER: "Import Supplier",
    UserRole.EXPORT_SUPPLIER: "Export Supplier",
    UserRole.GAS_SUPPLIER: "Gas Supplier",
    UserRole.ELECTRICITY_DISTRIBUTOR: "Electricity Distributor",
    UserRole.GAS_TRANSPORTER: "Gas Transporter",
    UserRole.REGISTERED_SUPPLIER_AGENT: "Registered Supplier Agent",
    UserRole.OTHER_USER: "Other User",
}

# Which Registration Data role a User Role is checked against, per fuel (SRPD 6.1(f)).
REGISTERED_ROLE_FOR_FUEL: dict[tuple[UserRole, Fuel], UserRole] = {
    (UserRole.IMPORT_SUPPLIER, Fuel.ELECTRICITY): UserRole.IMPORT_SUPPLIER,
    (UserRole.EXPORT_SUPPLIER, Fuel.ELECTRICITY): UserRole.EXPORT_SUPPLIER,
    (UserRole.ELECTRICITY_DISTRIBUTOR, Fuel.ELECTRICITY): UserRole.ELECTRICITY_DISTRIBUTOR,
    (UserRole.GAS_SUPPLIER, Fuel.GAS): UserRole.GAS_SUPPLIER,
    (UserRole.GAS_TRANSPORTER, Fuel.GAS): UserRole.GAS_TRANSPORTER,
}


class RemotePartyRole(Enum):
    """GBCS remote party roles; the value is the DUIS ``RemotePartyRole`` spelling."""

    ROOT = "Root"
    RECOVERY = "Recovery"
    SUPPLIER = "Supplier"
    NETWORK_OPERATOR = "NetworkOperator"
    ACCESS_CONTROL_BROKER = "AccessControlBroker"
    TRANSITIONAL_COS = "TransitionalCoS"
    WAN_PROVIDER = "WANProvider"

    @property
    def ou_code(self) -> str:
        """The two-hex-digit role code in an organisation certificate's subject OU."""
        return _OU_CODES[self]

    @classmethod
    def parse(cls, text: str) -> RemotePartyRole:
        return parse_choice(cls, text, "remote party role")


_OU_CODES = {
    RemotePartyRole.ROOT: "00",  # the DCC templates' root certificate: OU=00
    RemotePartyRole.RECOVERY: "01",
    RemotePartyRole.SUPPLIER: "02",
    RemotePartyRole.NETWORK_OPERATOR: "03",
    RemotePartyRole.ACCESS_CONTROL_BROKER: "04",
    RemotePartyRole.TRANSITIONAL_COS: "05",
    RemotePartyRole.WAN_PROVIDER: "06",
}

XML_SIGNING_OU = "87"
ISSUING_AUTHORITY_OU = "07"
