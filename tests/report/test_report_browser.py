"""Open both rendered reports in headless Chromium, served from 127.0.0.1.

Each page must show the expected scenarios and verdicts, run no tester-supplied script, and make
no request to any host other than the loopback server. Requests are watched two ways: the
DevTools protocol reports every request the page (and any frame or worker) starts, and Chromium's
proxy is a recorder on 127.0.0.1 that answers 403 to everything, so nothing leaves the machine.
A control test shows both watchers do catch a third-party call when a page makes one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp_browser import Chromium, LocalServer, PageVisit, RecordingProxy, find_chromium
from report_constants import SCREENSHOTS
from synthetic_results import (
    DEADLOCK_OWNER,
    DEADLOCK_REGISTERED,
    HAZARD,
    HOSTILE,
    OWNER,
    REGISTERED,
    SMETS2_CONTRAST,
)

from harness.report import AllureTool, RenderedReports

ANALYTICS_HOST = "www.googletagmanager.com"
# Chromium's own background services (update checks, sign-in, network time) go to the proxy
# whatever the page does; they are told apart from the page's requests by host.
BROWSER_SERVICE_HOST = re.compile(
    r"(.+\.)?googleapis\.com|accounts\.google\.com|clients\d*\.google\.com"
)

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (/usr/bin/chromium); `make system-deps` installs it",
)

SUMMARY_PROBE = """(() => {
  const cells = (tr) => Array.from(tr.cells).map((c) => c.innerText.replace(/\\s+/g, ' ').trim());
  const table = document.querySelectorAll('#dp107 table')[1];
  return {
    text: document.body.innerText,
    head: table ? cells(table.tHead.rows[0]) : [],
    rows: table ? Array.from(table.tBodies[0].rows).map(cells) : [],
  };
})()"""

# The tree is grouped (epic → feature → story → profile): open every section, a level per
# poll, then read the leaves.
ALLURE_PROBE = """(() => {
  const closed = Array.from(document.querySelectorAll('[data-testid="tree-section"]'))
    .filter((section) => section.nextElementSibling === null);
  closed.forEach((section) => section.querySelector('[data-testid="tree-arrow"]')?.click());
  if (closed.length) return null;
  return Array.from(document.querySelectorAll('[data-testid="tree-leaf"]')).map((leaf) => [
    leaf.querySelector('[data-testid="tree-leaf-title"]')?.textContent ?? '',
    (leaf.querySelector('[data-testid^="tree-leaf-status-"]')?.getAttribute('data-testid') ?? '')
      .replace('tree-leaf-status-', ''),
  ]);
})()"""


@pytest.fixture(scope="module")
def proxy() -> Iterator[RecordingProxy]:
    with RecordingProxy() as recorder:
        yield recorder


@pytest.fixture(autouse=True)
def clean_proxy_log(proxy: RecordingProxy) -> None:
    """Each test judges only what was asked for while it ran."""
    proxy.log.clear()


@pytest.fixture(scope="module")
def browser(proxy: RecordingProxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium"), proxy=proxy.address) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def served(rendered: RenderedReports) -> Iterator[LocalServer]:
    with LocalServer(rendered.summary.parent) as server:
        yield server


def assert_nothing_left_the_machine(visit: PageVisit, proxy: RecordingProxy) -> None:
    assert visit.third_party == (), f"the page asked other hosts for: {visit.third_party}"
    assert visit.dialogs == (), f"a script on the page ran: {visit.dialogs}"
    strangers = {h for h in proxy.hosts() if not BROWSER_SERVICE_HOST.fullmatch(h)}
    assert strangers == set(), f"the proxy was asked for: {sorted(strangers)}\n{proxy.log}"


def test_summary_in_a_browser(
    browser: Chromium, served: LocalServer, proxy: RecordingProxy
) -> None:
    visit = browser.visit(
        f"{served.base_url}/summary.html",
        probe=SUMMARY_PROBE,
        ready=lambda value: bool(value and value["rows"]),
        screenshot=SCREENSHOTS / "summary-top.png",
        sections={"#dp107": SCREENSHOTS / "summary-dp107.png"},
    )
    assert_nothing_left_the_machine(visit, proxy)
    assert visit.requested[0] == f"{served.base_url}/summary.html"
    page = visit.value
    assert "DSP conformance summary" in page["text"]
    assert "3 failures (non-conformance) found; 1 inconclusive." in page["text"]
    assert HOSTILE in page["text"]  # shown as text; the dialog check proves it did not run

    head = page["head"]
    rows = {row[0].split(" DP107")[0]: dict(zip(head, row, strict=True)) for row in page["rows"]}
    for scenario in (DEADLOCK_REGISTERED, DEADLOCK_OWNER, HAZARD, SMETS2_CONTRAST):
        assert scenario.name in rows
    assert rows[DEADLOCK_REGISTERED.name][REGISTERED].startswith("reference Fail")
    assert rows[DEADLOCK_OWNER.name][OWNER] == (
        "reference Pass applied: the RDP check is waived for the owner"
    )
    assert (SCREENSHOTS / "summary-top.png").stat().st_size > 10_000


def test_allure_report_in_a_browser(
    browser: Chromium, served: LocalServer, proxy: RecordingProxy
) -> None:
    visit = browser.visit(
        f"{served.base_url}/allure/index.html",
        probe=ALLURE_PROBE,
        ready=lambda leaves: bool(leaves) and any(name == HOSTILE for name, _ in leaves),
        screenshot=SCREENSHOTS / "allure.png",
    )
    assert_nothing_left_the_machine(visit, proxy)
    leaves = {(name, status) for name, status in visit.value}
    assert (DEADLOCK_REGISTERED.name, "failed") in leaves
    assert (DEADLOCK_REGISTERED.name, "passed") in leaves
    assert (HAZARD.name, "skipped") in leaves
    assert (HOSTILE, "failed") in leaves


def test_the_watchers_do_see_a_page_that_calls_out(
    browser: Chromium, proxy: RecordingProxy, tmp_path: Path
) -> None:
    """Control: a page with an analytics tag and a remote image is caught by both watchers."""
    (tmp_path / "calls-out.html").write_text(
        "<!DOCTYPE html><html><head>"
        f'<script async src="https://{ANALYTICS_HOST}/gtag/js?id=G-CONTROL"></script>'
        '</head><body><p id="ready">control page</p>'
        '<img src="http://images.example.org/pixel.gif"></body></html>',
        encoding="utf-8",
    )
    with LocalServer(tmp_path) as server:
        visit = browser.visit(
            f"{server.base_url}/calls-out.html",
            probe="document.getElementById('ready')?.textContent",
            ready=lambda value: value == "control page",
        )
    hosts = {re.sub(r"^\w+://([^/:]+).*$", r"\1", url) for url in visit.third_party}
    assert {ANALYTICS_HOST, "images.example.org"} <= hosts
    assert {ANALYTICS_HOST, "images.example.org"} <= proxy.hosts()


def test_unpatched_allure_output_would_call_google(
    browser: Chromium,
    proxy: RecordingProxy,
    allure_tool: AllureTool,
    results_dir: Path,
    tmp_path: Path,
) -> None:
    """Control: Allure's own output, before our clean-up, does contact Google Analytics."""
    config = tmp_path / "allurerc.json"
    output = tmp_path / "raw"
    config.write_text(
        json.dumps({"plugins": {"awesome": {"options": {"singleFile": True}}}}), encoding="utf-8"
    )
    subprocess.run(
        [
            allure_tool.node,
            str(allure_tool.cli),
            "generate",
            "--config",
            str(config),
            "--output",
            str(output),
            str(results_dir),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with LocalServer(output) as server:
        visit = browser.visit(
            f"{server.base_url}/index.html",
            probe="document.readyState",  # the tag is requested while the page is parsed
            ready=lambda state: state == "complete",
        )
    assert any(ANALYTICS_HOST in url for url in visit.third_party)
    assert ANALYTICS_HOST in proxy.hosts()
    shutil.rmtree(output)
