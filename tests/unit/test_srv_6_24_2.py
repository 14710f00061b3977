"""SRV 6.24.2 end to end below the scenarios: the DCC's template reads, the encoding is
valid DUIS 5.4, and the reference DSP answers only for a SMETS2 device whose supplier
certificate the signer owns."""

from __future__ import annotations

from pathlib import Path

import pytest
from dsp_scene import Scene

from harness.domain.requests import Outcome
from harness.duis.errors import CannotDecode
from harness.duis.requests import decode_request, encode_request
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import SCHEMA_FILE, duis_dir, load_schema
from harness.srv import registry
from harness.srv.retrieval import CredentialType, RetrieveDeviceSecurityCredentialsDevice

TEMPLATE = "CS02e_6.24.2_SUCCESS_REQUEST_DUIS.XML"


@pytest.fixture(scope="module")
def template() -> Path:
    path = duis_dir() / "templates" / TEMPLATE
    if not (duis_dir() / SCHEMA_FILE).is_file() or not path.is_file():
        pytest.skip(f"DUIS reference data not found at {duis_dir()} (needs {TEMPLATE} and the XSD)")
    return path


def test_the_dcc_template_decodes_and_encodes_back_valid(template: Path) -> None:
    request = decode_request(template.read_bytes())
    assert request.srv == "6.24.2"
    assert request.command_variant == 4
    assert request.body == RetrieveDeviceSecurityCredentialsDevice(CredentialType.DIGITAL_SIGNATURE)
    again = encode_request(request)
    load_schema(duis_dir()).validate(parse_untrusted(again))
    assert b"<sr:CredentialType>Digital Signature</sr:CredentialType>" in again
    assert decode_request(again) == request


def test_a_credential_type_duis_does_not_know_is_refused(template: Path) -> None:
    xml = template.read_bytes().replace(b"Digital Signature", b"Signature")
    with pytest.raises(CannotDecode, match="unknown credential type 'Signature'"):
        decode_request(xml)


def test_the_table_row_is_the_dcc_matrix_s() -> None:
    variants = registry.variants_of(registry.for_srv("6.24.2"))
    assert [v.srv for v in variants] == ["6.24.2"]
    row = variants[0]
    assert row.critical
    assert row.future_dated == "No"
    assert {r.value for r in row.eligible_roles} == {"IS", "GS"}


@pytest.mark.parametrize("credential", list(CredentialType))
def test_a_smets2_meter_returns_its_own_certificate(
    scene: Scene, credential: CredentialType
) -> None:
    flow = scene.critical(
        "SUP-A", "esme2", RetrieveDeviceSecurityCredentialsDevice(credential), srv="6.24.2"
    )
    assert flow.transformed.outcome is Outcome.TRANSFORMED
    final = flow.final
    assert final is not None
    assert (final.code, final.outcome) == ("I0", Outcome.COMPLETED)
    device_id = str(scene.devices["esme2"].device_id)
    assert final.data == ((f"DeviceCertificate/{credential.value}", device_id),)


def test_a_smets1_meter_is_refused_with_e062401(scene: Scene) -> None:
    response = scene.submit(
        scene.request(
            "SUP-A", "esme1", "6.24.2", RetrieveDeviceSecurityCredentialsDevice(), command_variant=4
        )
    )
    assert (response.code, response.requirement) == ("E062401", "SRV-6.24.2-device-certificate")


def test_only_the_owner_of_the_supplier_certificate_is_answered(scene: Scene) -> None:
    scene.party("SUP-B", "IS")
    flow = scene.critical("SUP-B", "esme2", RetrieveDeviceSecurityCredentialsDevice(), srv="6.24.2")
    final = flow.final
    assert final is not None
    assert final.outcome is Outcome.REJECTED
    assert final.answered_by == "device"
