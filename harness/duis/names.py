"""The names DUIS 5.4 uses: namespaces, element names, and the DUIS spellings of domain values."""

from __future__ import annotations

from harness.domain.roles import RemotePartyRole

SR_NS = "http://www.dccinterface.co.uk/ServiceUserGateway"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_VERSION = "5.4"
NSMAP = {"sr": SR_NS, "ds": DS_NS}

# The target of the processing instruction that carries harness-only response fields.
ANNOTATION_TARGET = "dsp-conformance"

# The GBCS version written in a response's PreCommand (the one the DUIS 5.4 XSD is aligned
# with); the harness's pre-commands are stand-ins, so decoding ignores it.
GBCS_VERSION = "4.3"


def sr(local: str) -> str:
    """The Clark name ``{namespace}local`` of an element in the DUIS namespace."""
    return f"{{{SR_NS}}}{local}"


def ds(local: str) -> str:
    """The Clark name of an element in the XML-DSig namespace."""
    return f"{{{DS_NS}}}{local}"


_CLARK_PREFIXES = tuple((f"{{{namespace}}}", f"{prefix}:") for prefix, namespace in NSMAP.items())


def prefixed(tag: str) -> str:
    """``sr:Header`` for ``{http://…ServiceUserGateway}Header``: for paths in messages."""
    for clark, prefix in _CLARK_PREFIXES:
        if tag.startswith(clark):
            return prefix + tag[len(clark) :]
    return tag


# DUIS ``RemotePartyRole`` spellings. The domain enum's values differ for two roles, and
# DUIS has no remote party role for the WAN provider (a 6.15.1 cannot name that cell).
_ROLE_SPELLING: dict[RemotePartyRole, str] = {
    RemotePartyRole.ROOT: "Root",
    RemotePartyRole.RECOVERY: "Recovery",
    RemotePartyRole.SUPPLIER: "Supplier",
    RemotePartyRole.NETWORK_OPERATOR: "NetworkOperator",
    RemotePartyRole.ACCESS_CONTROL_BROKER: "ACB",
    RemotePartyRole.TRANSITIONAL_COS: "TransCoS",
}
_ROLE_BY_SPELLING = {spelling: role for role, spelling in _ROLE_SPELLING.items()}


def role_spelling(role: RemotePartyRole) -> str | None:
    """The DUIS spelling of a remote party role, or ``None`` when DUIS has none."""
    return _ROLE_SPELLING.get(role)


def role_from_spelling(text: str) -> RemotePartyRole | None:
    """The domain role for a DUIS spelling, or ``None`` (e.g. ``LoadController``)."""
    return _ROLE_BY_SPELLING.get(text)
