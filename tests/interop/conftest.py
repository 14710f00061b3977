"""Session fixtures for the real peers: the DCC Boxed tool (one JVM) and duis-parser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.interop import dcc_tool as dcc_tool_module
from tests.interop import duis_parser as duis_parser_module
from tests.interop.peers import PeerUnavailable, dcc_tools_dir, need_programs


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "interop: checks the harness against the DCC's own DUIS tools"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/interop/" in item.nodeid:
            item.add_marker(pytest.mark.interop)


@pytest.fixture(scope="session")
def dcc_tool() -> Iterator[dcc_tool_module.DccTool]:
    if not dcc_tools_dir().is_dir():
        pytest.skip(f"the DCC tools are not at {dcc_tools_dir()} (../shared is absent)")
    need_programs("java", "javac", "jar")
    try:
        built = dcc_tool_module.build()
    except PeerUnavailable as exc:
        pytest.skip(str(exc))
    tool = dcc_tool_module.DccTool(built)
    try:
        yield tool
    finally:
        tool.close()


@pytest.fixture(scope="session")
def duis_parser() -> duis_parser_module.DuisParser:
    if not dcc_tools_dir().parent.is_dir():
        pytest.skip(f"../shared is absent ({dcc_tools_dir().parent})")
    need_programs("node", "npm")
    return duis_parser_module.DuisParser(duis_parser_module.install())
