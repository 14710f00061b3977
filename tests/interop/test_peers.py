"""The real peers themselves: the fixtures can say yes and can say no."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.duis.schema import duis_dir
from tests.interop.dcc_tool import DccTool
from tests.interop.duis_parser import DuisParser

TEMPLATE = "CS02aMAC_6.24.1_SUCCESS_REQUEST_DUIS.XML"


@pytest.fixture(scope="module")
def template() -> bytes:
    path = duis_dir() / "templates" / TEMPLATE
    if not path.is_file():
        pytest.skip(f"DCC template {path} is absent (../shared/duis)")
    return path.read_bytes()


def test_the_dcc_tool_signs_a_template_and_validates_what_it_signed(
    dcc_tool: DccTool, template: bytes
) -> None:
    [signed] = dcc_tool.sign([template])
    [verdict] = dcc_tool.validate([signed])
    assert verdict.ok, verdict.reason()
    assert b"<ds:Signature" in signed


def test_the_dcc_tool_refuses_a_tampered_document_and_a_non_duis_one(
    dcc_tool: DccTool, template: bytes
) -> None:
    [signed] = dcc_tool.sign([template])
    tampered = signed.replace(b"6.24.1", b"6.24.2", 1)
    assert tampered != signed
    verdicts = dcc_tool.validate([tampered, b"<not-duis/>", b"not xml at all"])
    assert [v.ok for v in verdicts] == [False, False, False]
    assert any("validation failed" in line for line in verdicts[0].stderr), verdicts[0].stderr
    assert verdicts[2].code == 10, verdicts[2].reason()


def test_the_one_jvm_survives_the_tool_trying_to_exit(
    dcc_tool: DccTool, template: bytes, tmp_path: Path
) -> None:
    [signed] = dcc_tool.sign([template])
    [missing] = dcc_tool.validate([signed], tmp_path / "no-such.pem")
    assert missing.code == 3, missing.reason()  # the tool's System.exit(MISSING_KEY), trapped
    [again] = dcc_tool.validate([signed])
    assert again.ok, again.reason()


def test_the_dcc_tool_validates_against_a_named_certificate(
    dcc_tool: DccTool, template: bytes
) -> None:
    zaz1 = duis_dir() / "zaz1"
    [signed] = dcc_tool.sign([template])
    [right] = dcc_tool.validate([signed], zaz1 / "xml-sign-90B3D51F30010000-ds.pem")
    [wrong] = dcc_tool.validate([signed], zaz1 / "xml-sign-90B3D51F30020000-ds.pem")
    assert right.ok, right.reason()
    assert not wrong.ok


def test_duis_parser_parses_a_template_as_a_request(
    duis_parser: DuisParser, template: bytes
) -> None:
    [verdict, broken] = duis_parser.parse([template, b"<<<"])
    assert verdict.parsed, verdict.error
    assert verdict.request_ok, verdict.guards
    assert not verdict.response_ok
    assert not broken.request_ok


def test_the_tool_cache_is_outside_version_control(repo_root: Path) -> None:
    ignored = (repo_root / ".gitignore").read_text().splitlines()
    assert ".tools/" in ignored
