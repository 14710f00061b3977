"""CA certificates can be lodged in the reference DSP's SMKI repository."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding

from harness.adapters.provisioning import PublishCertificate
from harness.adapters.reference import ReferenceAdapter
from harness.domain.certificates import ca_certificate
from harness.pki import TestPki
from harness.reference.profiles import resolve


def test_a_ca_certificate_is_provisioned_as_an_authority(pki: TestPki) -> None:
    adapter = ReferenceAdapter(resolve("baseline"))
    der = pki.issuing_ca.public_bytes(Encoding.DER)
    adapter.provision(PublishCertificate(der))
    authorities = adapter.dsp.state.authorities
    assert [c.serial_number for c in authorities.values()] == [pki.issuing_ca.serial_number]
    assert adapter.dsp.state.repository == {}


def test_an_organisation_certificate_is_not_taken_for_a_ca(pki: TestPki) -> None:
    from harness.domain.certificates import KeyUsage
    from harness.domain.eui import Eui64

    credential = pki.issue(Eui64(1), "02", KeyUsage.DIGITAL_SIGNING)
    assert ca_certificate(credential.certificate.der) is None
    assert ca_certificate(b"not a certificate") is None
