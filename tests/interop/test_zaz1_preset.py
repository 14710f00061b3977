"""DCC templates signed by the DCC's own tool as ZAZ1 Users, sent to ``serve --preset zaz1``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from harness.adapters.provisioning import AddDevice, Provision, Register
from harness.adapters.wire import to_json
from harness.domain.devices import Device, DeviceStatus, DeviceType, Generation
from harness.domain.eui import Eui64
from harness.domain.meterpoint import make_mpan
from harness.domain.registration import Registration
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval
from harness.duis.names import SR_NS
from harness.duis.schema import duis_dir
from tests.interop.dcc_tool import DccTool
from tests.served.served import served

SUPPLIER = Eui64.parse("90-B3-D5-1F-30-01-00-00")
ESME = Eui64.parse("00-DB-12-34-56-78-90-A0")  # the device the DCC's templates address
GSME = Eui64.parse("00-DB-12-34-56-78-90-A2")
MPAN = make_mpan("120000000001")
PATHS = {1: "/api/v1/serviceS", 4: "/api/v1/serviceT", 8: "/api/v1/serviceD"}

# template → (Command Variant, what DUIS says the synchronous answer is)
CASES = {
    "ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS.XML": (1, "I99", None),
    "ECS22b_4.8.1_SINGLE_SUCCESS_REQUEST_DUIS.XML": (1, "I99", None),
    "CS02bSupplierBySupplier_6.15.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML": (4, "I0", "PreCommand"),
    "CS02aMAC_6.24.1_SUCCESS_REQUEST_DUIS.XML": (1, "I99", None),
    "8.2_READ_INVENTORY_REQUEST_DUIS.XML": (8, "I0", None),
}


@pytest.fixture(scope="module")
def zaz1_dir() -> Path:
    path = duis_dir() / "zaz1"
    if not path.is_dir():
        pytest.skip(f"the ZAZ1 test PKI is not at {path} (../shared/duis)")
    return path


@pytest.fixture(scope="module")
def zaz1_dsp(zaz1_dir: Path) -> Iterator[str]:
    with served("baseline", "--preset", "zaz1", "--zaz1-dir", str(zaz1_dir)) as url:
        setup: list[Provision] = [
            AddDevice(
                Device(ESME, DeviceType.ESME, Generation.SMETS2, DeviceStatus.COMMISSIONED, MPAN)
            ),
            AddDevice(
                Device(GSME, DeviceType.ESME, Generation.SMETS2, DeviceStatus.COMMISSIONED, MPAN)
            ),
            Register(
                Registration(
                    MPAN,
                    UserRole.IMPORT_SUPPLIER,
                    SUPPLIER,
                    Interval(datetime(2010, 1, 1, tzinfo=UTC)),  # before the 4.8.1 read log
                )
            ),
        ]
        for command in setup:
            answer = httpx.post(f"{url}/test-control/provision", json=to_json(command), timeout=10)
            assert answer.status_code in (200, 204), answer.text
        yield url


def _answer(xml: bytes) -> dict[str, Any]:
    root = etree.fromstring(xml)
    code = root.findtext(f".//{{{SR_NS}}}ResponseCode")
    body = root.find(f"{{{SR_NS}}}Body")
    kinds = (
        [etree.QName(e).localname for e in body.iter() if isinstance(e.tag, str)]
        if body is not None
        else []
    )
    return {"code": code, "body": kinds, "request_id": root.findtext(f".//{{{SR_NS}}}RequestID")}


def test_dcc_signed_templates_are_accepted_and_answered_as_duis_says(
    dcc_tool: DccTool, zaz1_dsp: str
) -> None:
    templates = duis_dir() / "templates"
    documents = [(templates / name).read_bytes() for name in CASES]
    signed = dcc_tool.sign(documents)  # as the ZAZ1 supplier, counter = now in ms
    got = {}
    for (name, (variant, _, _)), document in zip(CASES.items(), signed, strict=True):
        answer = httpx.post(
            zaz1_dsp + PATHS[variant],
            content=document,
            headers={"content-type": "application/xml"},
            timeout=30,
        )
        assert answer.status_code == 200, f"{name}: HTTP {answer.status_code} {answer.text[:300]}"
        got[name] = _answer(answer.content)
    wrong = {
        name: got[name]
        for name, (_, code, element) in CASES.items()
        if got[name]["code"] != code or (element is not None and element not in got[name]["body"])
    }
    assert not wrong, f"{len(CASES) - len(wrong)}/{len(CASES)} answered as DUIS says; not: {wrong}"


def test_a_dcc_signed_template_altered_after_signing_is_refused(
    dcc_tool: DccTool, zaz1_dsp: str
) -> None:
    template = (duis_dir() / "templates" / "8.2_READ_INVENTORY_REQUEST_DUIS.XML").read_bytes()
    [signed] = dcc_tool.sign([template])
    altered = signed.replace(b"90-A2</sr:DeviceID>", b"90-A0</sr:DeviceID>")
    assert altered != signed
    answer = httpx.post(
        zaz1_dsp + PATHS[8],
        content=altered,
        headers={"content-type": "application/xml"},
        timeout=30,
    )
    assert _answer(answer.content)["code"] == "E50"
