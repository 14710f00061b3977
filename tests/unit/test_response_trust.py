"""Every response is verified before it is believed, and what fails is the target's
non-conformance with its own message; garbage stays inconclusive."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.adapters.trust import ASYNCHRONOUS, SYNCHRONOUS, ResponseTrust, check_names
from harness.domain.certificates import KeyUsage
from harness.domain.devices import Generation
from harness.domain.eui import Eui64
from harness.domain.requests import Outcome, RequestId, Response
from harness.domain.roles import XML_SIGNING_OU
from harness.duis.answers import Answering, encode_answer
from harness.duis.xml_signer import XmlSigner
from harness.errors import Inconclusive, NonConformance
from harness.pki import TestPki

WHEN = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
RID = RequestId.parse("90-B3-D5-1F-30-02-00-00:00-DB-12-34-56-78-90-A0:1200")


def _signer(prefix: str, owner: str) -> XmlSigner:
    credential = TestPki(prefix).issue(Eui64.parse(owner), XML_SIGNING_OU, KeyUsage.DIGITAL_SIGNING)
    return XmlSigner(credential.private_key, credential.certificate.certificate)


@pytest.fixture(scope="module")
def dsp() -> XmlSigner:
    return _signer("ZD", "90-B3-D5-1F-30-00-00-02")


@pytest.fixture(scope="module")
def s1sp() -> XmlSigner:
    return _signer("ZS", "90-B3-D5-1F-30-00-00-51")


@pytest.fixture(scope="module")
def forger() -> XmlSigner:
    return _signer("ZF", "90-B3-D5-1F-30-00-00-02")


def _answer(
    response: Response, generation: Generation, signer: XmlSigner, s1sp: XmlSigner
) -> bytes:
    context = Answering("6.15.1", RID.target, generation)
    return signer.sign(encode_answer(response, WHEN, context, s1sp))


COMPLETED = Response(RID, "I0", Outcome.COMPLETED, "device")


def test_a_genuine_answer_is_believed(dsp: XmlSigner, s1sp: XmlSigner) -> None:
    trust = ResponseTrust([dsp.certificate], [s1sp.certificate])
    read = trust.read(_answer(COMPLETED, Generation.SMETS1, dsp, s1sp), ASYNCHRONOUS)
    assert (read.request_id, read.outcome) == (RID, Outcome.COMPLETED)


def test_a_forged_asynchronous_answer_is_a_non_conformance(
    dsp: XmlSigner, s1sp: XmlSigner, forger: XmlSigner
) -> None:
    trust = ResponseTrust([dsp.certificate], [s1sp.certificate])
    forged = _answer(COMPLETED, Generation.SMETS1, forger, s1sp)
    with pytest.raises(NonConformance, match="asynchronous response is not signed by the DSP"):
        trust.read(forged, ASYNCHRONOUS)
    tampered = _answer(COMPLETED, Generation.SMETS1, dsp, s1sp).replace(b"success", b"other")
    with pytest.raises(NonConformance, match="not signed by the DSP"):
        trust.read(tampered, ASYNCHRONOUS)


def test_an_s1sp_part_signed_by_someone_else_is_a_non_conformance(
    dsp: XmlSigner, s1sp: XmlSigner, forger: XmlSigner
) -> None:
    trust = ResponseTrust([dsp.certificate], [s1sp.certificate])
    with pytest.raises(NonConformance, match="S1SP"):
        trust.read(_answer(COMPLETED, Generation.SMETS1, dsp, forger), ASYNCHRONOUS)


def test_several_dsp_certificates_are_accepted(
    dsp: XmlSigner, s1sp: XmlSigner, forger: XmlSigner
) -> None:
    trust = ResponseTrust([forger.certificate, dsp.certificate], [s1sp.certificate])
    assert trust.read(_answer(COMPLETED, Generation.SMETS1, dsp, s1sp), ASYNCHRONOUS)


def test_unverified_reading_believes_what_it_is_told(
    dsp: XmlSigner, s1sp: XmlSigner, forger: XmlSigner
) -> None:
    trust = ResponseTrust([], [], unverified=True)
    read = trust.read(_answer(COMPLETED, Generation.SMETS1, forger, forger), ASYNCHRONOUS)
    assert read.outcome is Outcome.COMPLETED


def test_answers_on_the_wrong_leg_are_non_conformances(dsp: XmlSigner, s1sp: XmlSigner) -> None:
    trust = ResponseTrust([dsp.certificate], [s1sp.certificate])
    device = _answer(COMPLETED, Generation.SMETS1, dsp, s1sp)
    with pytest.raises(NonConformance, match="arrived synchronously"):
        trust.read(device, SYNCHRONOUS)
    e4 = _answer(Response(RID, "E4", Outcome.REJECTED), Generation.SMETS1, dsp, s1sp)
    assert trust.read(e4, SYNCHRONOUS).code == "E4"
    with pytest.raises(NonConformance, match="arrived asynchronously"):
        trust.read(e4, ASYNCHRONOUS)


def test_a_synchronous_answer_naming_another_request_is_a_non_conformance() -> None:
    other = RequestId(RID.originator, RID.target, RID.counter + 1)
    with pytest.raises(NonConformance, match="names RequestID"):
        check_names(Response(other, "I99", Outcome.ACKNOWLEDGED), RID)


def test_garbage_stays_inconclusive(dsp: XmlSigner, s1sp: XmlSigner) -> None:
    trust = ResponseTrust([dsp.certificate], [s1sp.certificate])
    with pytest.raises(Inconclusive):
        trust.read(b"<<<not xml", SYNCHRONOUS)


def test_without_an_s1sp_certificate_a_smets1_answer_is_inconclusive(
    dsp: XmlSigner, s1sp: XmlSigner
) -> None:
    trust = ResponseTrust([dsp.certificate], [])
    with pytest.raises(Inconclusive, match="no S1SP certificate"):
        trust.read(_answer(COMPLETED, Generation.SMETS1, dsp, s1sp), ASYNCHRONOUS)
    refreshed = ResponseTrust([dsp.certificate], [], refresh_s1sp=lambda: [s1sp.certificate])
    assert refreshed.read(_answer(COMPLETED, Generation.SMETS1, dsp, s1sp), ASYNCHRONOUS)
