"""The Allure 3 report: installing the pinned version, rendering offline, removing analytics."""

from __future__ import annotations

import fcntl
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_constants import CATALOGUE

from harness.errors import HarnessError
from harness.report import (
    ALLURE_VERSION,
    AllureError,
    AllureTool,
    RenderedReports,
    ResultsError,
    UnsafeReport,
    ensure_allure,
    render_allure,
    render_reports,
)
from harness.report.allure_html import (
    CONTENT_SECURITY_POLICY,
    add_content_security_policy,
    external_urls,
    installed_version,
    make_offline,
    strip_analytics,
)

# The shape of what Allure 3.18's "awesome" plugin writes at the end of <body> (abridged).
ALLURE_LIKE_PAGE = """<!DOCTYPE html>
<html dir="ltr" lang="en">
<head>
    <meta charset="utf-8">
    <title> Report </title>
    <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E">
</head>
<body>
    <div id="app"></div>
    <svg viewBox="0 0 32 32" xmlns="http://www.w3.org/2000/svg"></svg>
    <script   src="data:text/javascript;base64,Y29uc29sZS5sb2coIjEiKQ=="></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-TEST', {"report": "awesome"});
    </script>
    <script async>
      window.allureReportData = window.allureReportData || {};
    </script>
</body>
</html>
"""


def test_analytics_scripts_are_removed_and_the_rest_kept() -> None:
    cleaned, removed = strip_analytics(ALLURE_LIKE_PAGE)
    assert removed == 2
    assert "googletagmanager" not in cleaned
    assert "gtag" not in cleaned
    assert "window.allureReportData" in cleaned
    assert 'src="data:text/javascript;base64,' in cleaned
    assert external_urls(cleaned) == []


def test_external_addresses_are_found_but_namespaces_and_local_hosts_are_not() -> None:
    page = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<img src="https://tracker.example/pixel.gif">'
        '<link rel="stylesheet" href="//cdn.example/site.css">'
        "<style>body { background: url(https://fonts.example/bg.png) }</style>"
        '<a href="http://localhost:8080/x">local</a><a href="http://127.0.0.1/y">loopback</a>'
        "<script src=\"data:text/javascript,fetch('https://hidden.example')\"></script>"
        "<script>// a comment, not an address</script>"
    )
    assert external_urls(page) == [
        "https://tracker.example/pixel.gif",
        "//cdn.example/site.css",
        "https://fonts.example/bg.png",
    ]


def test_the_security_policy_goes_first_in_head_once() -> None:
    once = add_content_security_policy(ALLURE_LIKE_PAGE)
    assert once.index("Content-Security-Policy") < once.index("<title>")
    assert CONTENT_SECURITY_POLICY in once
    assert add_content_security_policy(once) == once
    with pytest.raises(UnsafeReport):
        add_content_security_policy("<html><body>no head</body></html>")


def test_a_report_that_would_still_call_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        ALLURE_LIKE_PAGE.replace("<div id", '<img src="https://beacon.example/p.gif"><div id'),
        encoding="utf-8",
    )
    with pytest.raises(UnsafeReport, match=r"beacon\.example"):
        make_offline(tmp_path)


def test_make_offline_cleans_every_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(ALLURE_LIKE_PAGE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.html").write_text(ALLURE_LIKE_PAGE, encoding="utf-8")
    assert make_offline(tmp_path) == 4
    for page in (tmp_path / "index.html", tmp_path / "sub" / "other.html"):
        html = page.read_text(encoding="utf-8")
        assert "googletagmanager" not in html
        assert "Content-Security-Policy" in html


# --- installing -------------------------------------------------------------------------------


def path_with(tmp_path: Path, *tools: str) -> str:
    """A PATH holding only the named real tools (so a missing one is really missing)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed")
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def test_missing_node_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", path_with(tmp_path))
    with pytest.raises(AllureError, match=r"Node\.js is not installed") as caught:
        ensure_allure(tmp_path / "tools")
    assert isinstance(caught.value, HarnessError)


def test_missing_npm_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", path_with(tmp_path, "node"))
    with pytest.raises(AllureError, match="npm is not installed") as caught:
        ensure_allure(tmp_path / "tools")
    assert ALLURE_VERSION in str(caught.value)


@pytest.fixture
def offline_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Real npm pointed at a registry on 127.0.0.1 that accepts connections and never answers,
    with an empty cache so nothing can come from an earlier install."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm is not installed")
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{port}/")
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    monkeypatch.setenv("npm_config_fetch_timeout", "2000")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        silent.close()


def test_a_failing_npm_is_reported_with_its_output(tmp_path: Path, offline_npm: str) -> None:
    with pytest.raises(AllureError, match=r"(?s)npm install allure@.* failed \(exit \d+\)"):
        ensure_allure(tmp_path / "tools", timeout=120)


def test_a_hanging_npm_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline_npm: str
) -> None:
    monkeypatch.setenv("npm_config_fetch_timeout", "600000")
    with pytest.raises(AllureError, match="did not finish within 2 s"):
        ensure_allure(tmp_path / "tools", timeout=2)


def test_installs_take_turns(tmp_path: Path, offline_npm: str) -> None:
    prefix = tmp_path / "tools"
    prefix.mkdir()
    with (prefix / ".install.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another process installing right now would
        with pytest.raises(AllureError, match="another process has been installing"):
            ensure_allure(prefix, timeout=1)


def test_the_pinned_version_is_installed(allure_tool: AllureTool) -> None:
    assert installed_version(allure_tool.prefix) == ALLURE_VERSION
    assert allure_tool.cli.is_file()
    assert ensure_allure(allure_tool.prefix) == allure_tool  # already there: no reinstall


# --- rendering ----------------------------------------------------------------------------------


def test_a_folder_we_did_not_write_is_never_replaced(tmp_path: Path, results_dir: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(AllureError, match="did not write"):
        render_allure(results_dir, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_both_reports_are_rendered(rendered: RenderedReports) -> None:
    assert rendered.summary.name == "summary.html"
    assert rendered.allure_index is not None
    assert rendered.allure_index == rendered.summary.parent / "allure" / "index.html"
    assert 'href="allure/index.html"' in rendered.summary.read_text(encoding="utf-8")


def test_the_allure_report_is_one_file_without_analytics(rendered: RenderedReports) -> None:
    assert rendered.allure_index is not None
    html = rendered.allure_index.read_text(encoding="utf-8")
    assert "googletagmanager" not in html
    assert "gtag(" not in html
    assert CONTENT_SECURITY_POLICY in html
    assert external_urls(html) == []
    leftovers = [
        p.name for p in rendered.allure_index.parent.iterdir() if p.suffix in (".js", ".css")
    ]
    assert leftovers == []  # scripts and styles are inlined: one self-contained page


def test_rendering_again_replaces_our_own_output(
    rendered: RenderedReports, results_dir: Path, allure_tool: AllureTool
) -> None:
    assert rendered.allure_index is not None
    report = render_allure(results_dir, rendered.allure_index.parent, tool=allure_tool)
    assert report.single_file
    assert report.analytics_removed == 2
    assert report.index.is_file()


def test_the_summary_alone_needs_no_node(
    tmp_path: Path, results_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH at all
    reports = render_reports(results_dir, tmp_path / "out", catalogue=CATALOGUE, allure=False)
    assert reports.allure_index is None
    assert reports.summary.is_file()


def test_bad_results_stop_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="does not exist"):
        render_reports(tmp_path / "missing", tmp_path / "out", catalogue=CATALOGUE)
    assert not (tmp_path / "out").exists()
