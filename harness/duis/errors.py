"""What can go wrong when the harness reads, writes, validates or signs DUIS XML.

Every error is a :class:`~harness.errors.HarnessError` with a one-line message for a person.
"""

from __future__ import annotations

from harness.errors import HarnessError


class HostileXml(HarnessError):
    """Untrusted XML refused for safety: a DTD, an entity, too big, too deep, too many elements."""


class MalformedXml(HarnessError):
    """Untrusted bytes that are not well-formed XML."""


class DuisSchemaError(HarnessError):
    """XML that is not DUIS as the XSD defines it: the message names the path and the reason."""


class SchemaUnavailable(HarnessError):
    """The DUIS XSD cannot be found or loaded."""


class CannotEncode(HarnessError):
    """A harness value that DUIS 5.4 has no way to say (e.g. a role without a DUIS spelling)."""


class CannotDecode(HarnessError):
    """Valid DUIS that the harness's domain model cannot hold (e.g. an SRV out of scope)."""


class SignatureInvalid(HarnessError):
    """A DUIS XML signature that is missing, malformed, of the wrong kind or does not verify."""


class UnknownSigner(HarnessError):
    """A DUIS XML signature naming a certificate (issuer and serial) nobody knows."""
