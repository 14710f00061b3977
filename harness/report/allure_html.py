"""Render the Allure HTML report offline with Allure 3 (the npm package ``allure``).

Allure is installed on demand into a project-local, git-ignored folder (``.tools/allure`` by
default) at a pinned version. The report is generated as a single self-contained ``index.html``;
afterwards the Google Analytics tag Allure 3.18 embeds is removed, a Content-Security-Policy that
forbids loading anything from another host is added, and the page is checked for any remaining
http(s) address the browser would fetch. A report that fails the check is never handed back.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from harness.report.errors import AllureError, UnsafeReport
from harness.running.enrich import GROUP_BY

ALLURE_PACKAGE = "allure"
ALLURE_VERSION = "3.18.0"  # `npm view allure versions`: the 3.18.x line, pinned exactly
INSTALL_TIMEOUT_S = 300.0
RENDER_TIMEOUT_S = 300.0
PROBE_TIMEOUT_S = 30.0
MIN_NODE_MAJOR = 20
TOOLS_DIR_ENV = "DSP_CONFORMANCE_TOOLS_DIR"
OWNED_MARKER = ".rendered-by-dsp-conformance"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
TOO_LARGE_FOR_ONE_FILE = "too large to be generated in the single file mode"

# Loads nothing from another origin; inline and data: scripts/styles are how Allure's
# single-file report is built, so those stay allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self' data: blob:; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
    "style-src 'self' 'unsafe-inline' data: blob:; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
    "connect-src 'self' data: blob:; frame-src 'self' data: blob:; worker-src 'self' data: blob:; "
    "object-src 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class AllureTool:
    """An installed Allure command line: run as ``node <cli> ...``."""

    prefix: Path
    node: str
    cli: Path
    version: str


@dataclass(frozen=True)
class AllureReport:
    index: Path
    single_file: bool
    analytics_removed: int  # <script> elements taken out


def default_tools_dir() -> Path:
    """``$DSP_CONFORMANCE_TOOLS_DIR`` or ``.tools/allure`` under the working directory."""
    configured = os.environ.get(TOOLS_DIR_ENV)
    if configured:
        return Path(configured)
    return Path.cwd() / ".tools" / "allure"


# --- installing ------------------------------------------------------------------------------


def installed_version(prefix: Path) -> str | None:
    manifest = prefix / "node_modules" / ALLURE_PACKAGE / "package.json"
    try:
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None


def find_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise AllureError(
            "Node.js is not installed (no 'node' on PATH); the Allure report needs Node.js "
            f"{MIN_NODE_MAJOR} or later. Install it (e.g. apt-get install nodejs npm) or render "
            "without the Allure report."
        )
    output = _run([node, "--version"], timeout=PROBE_TIMEOUT_S, what="node --version")
    match = re.match(r"v(\d+)\.", output.strip())
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise AllureError(
            f"Node.js {output.strip() or '(unknown version)'} is too old for Allure 3; "
            f"{MIN_NODE_MAJOR} or later is needed"
        )
    return node


def ensure_allure(prefix: Path | None = None, *, timeout: float = INSTALL_TIMEOUT_S) -> AllureTool:
    """The pinned Allure, installed into ``prefix`` with npm first if it is not there yet.

    Concurrent callers (parallel test workers, two CI jobs on one checkout) take turns through
    a lock file, so only one of them runs npm.
    """
    prefix = (prefix or default_tools_dir()).resolve()
    node = find_node()
    if installed_version(prefix) != ALLURE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            raise AllureError(
                "npm is not installed (no 'npm' on PATH), so Allure "
                f"{ALLURE_VERSION} cannot be installed into {prefix}. Install npm, or render "
                "without the Allure report."
            )
        prefix.mkdir(parents=True, exist_ok=True)
        with _install_lock(prefix, timeout):
            if installed_version(prefix) != ALLURE_VERSION:  # another process may have done it
                _npm_install(npm, prefix, timeout)
    cli = prefix / "node_modules" / ALLURE_PACKAGE / "cli.js"
    if not cli.is_file():
        raise AllureError(f"Allure is installed in {prefix} but {cli} is missing")
    return AllureTool(prefix=prefix, node=node, cli=cli, version=ALLURE_VERSION)


def _npm_install(npm: str, prefix: Path, timeout: float) -> None:
    manifest = prefix / "package.json"
    if not manifest.exists():
        manifest.write_text(
            json.dumps({"name": "dsp-conformance-tools", "private": True}, indent=2) + "\n",
            encoding="utf-8",
        )
    _run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--save-exact",
            "--no-audit",
            "--no-fund",
            "--no-update-notifier",
            "--loglevel=error",
            f"{ALLURE_PACKAGE}@{ALLURE_VERSION}",
        ],
        timeout=timeout,
        what=f"npm install {ALLURE_PACKAGE}@{ALLURE_VERSION}",
        cwd=prefix,
    )
    found = installed_version(prefix)
    if found != ALLURE_VERSION:
        raise AllureError(
            f"npm finished but {prefix} holds allure {found or 'nothing'}, not {ALLURE_VERSION}"
        )


@contextmanager
def _install_lock(prefix: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on ``prefix/.install.lock``, waited for at most ``timeout`` s."""
    deadline = time.monotonic() + timeout
    with (prefix / ".install.lock").open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise AllureError(
                        f"another process has been installing Allure into {prefix} for more "
                        f"than {timeout:.0f} s"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- rendering -------------------------------------------------------------------------------


def render_allure(
    results_dir: Path,
    out_dir: Path,
    *,
    tool: AllureTool | None = None,
    report_name: str = "DSP conformance",
    timeout: float = RENDER_TIMEOUT_S,
) -> AllureReport:
    """Generate the Allure report for ``results_dir`` into ``out_dir`` (replaced if we made it)."""
    results_dir = Path(results_dir).resolve()
    out_dir = Path(out_dir).resolve()
    if not results_dir.is_dir():
        raise AllureError(f"results directory {results_dir} does not exist")
    _check_replaceable(out_dir)
    tool = tool or ensure_allure()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".allure-", dir=out_dir.parent) as scratch:
        staging = Path(scratch) / "report"
        single_file = True
        try:
            _generate(tool, results_dir, staging, Path(scratch), report_name, True, timeout)
        except AllureError as exc:
            if TOO_LARGE_FOR_ONE_FILE not in str(exc):
                raise
            shutil.rmtree(staging, ignore_errors=True)
            single_file = False
            _generate(tool, results_dir, staging, Path(scratch), report_name, False, timeout)
        removed = make_offline(staging)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.move(str(staging), out_dir)
    (out_dir / OWNED_MARKER).write_text(f"allure {tool.version}\n", encoding="utf-8")
    return AllureReport(
        index=out_dir / "index.html", single_file=single_file, analytics_removed=removed
    )


def _check_replaceable(out_dir: Path) -> None:
    if out_dir.is_file():
        raise AllureError(f"{out_dir} is a file; the Allure report needs a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / OWNED_MARKER).exists():
        raise AllureError(
            f"{out_dir} already holds files this tool did not write; "
            "choose an empty or new folder for the Allure report"
        )


def _generate(
    tool: AllureTool,
    results_dir: Path,
    output: Path,
    scratch: Path,
    report_name: str,
    single_file: bool,
    timeout: float,
) -> None:
    config = scratch / "allurerc.json"
    config.write_text(
        json.dumps(
            {
                "name": report_name,
                "output": str(output),
                "plugins": {
                    "awesome": {
                        "options": {
                            "singleFile": single_file,
                            "reportName": report_name,
                            "reportLanguage": "en",
                            "groupBy": list(GROUP_BY),
                        }
                    }
                },
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    _run(
        [
            tool.node,
            str(tool.cli),
            "generate",
            "--config",
            str(config),
            "--output",
            str(output),
            str(results_dir),
        ],
        timeout=timeout,
        what="allure generate",
        cwd=scratch,
    )
    if not (output / "index.html").is_file():
        raise AllureError(f"allure generate wrote no index.html into {output}")


def _run(command: list[str], *, timeout: float, what: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AllureError(f"{what} did not finish within {timeout:.0f} s") from None
    except OSError as exc:
        raise AllureError(f"{what} could not start: {exc}") from None
    if completed.returncode != 0:
        tail = "\n".join((completed.stderr + completed.stdout).strip().splitlines()[-15:])
        raise AllureError(f"{what} failed (exit {completed.returncode}):\n{tail}")
    return completed.stdout


# --- making the output safe to open ------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_DATA_URI = re.compile(r"\"data:[^\"]*\"|'data:[^']*'|data:[^\"'\s)>]*", re.IGNORECASE)
_ANALYTICS = re.compile(
    r"googletagmanager\.com|google-analytics\.com|\bgtag\s*\(|\bdataLayer\b", re.IGNORECASE
)
_URL = re.compile(r"(?:https?:)?//[^\s\"'<>()\\]+", re.IGNORECASE)
_LOADING_ATTRIBUTE = re.compile(
    r"\b(?:src|href|srcset|poster|action|data|background)\s*=\s*[\"']?\s*$", re.IGNORECASE
)
_NAMESPACE_ATTRIBUTE = re.compile(r"xmlns(?::\w+)?\s*=\s*[\"']?$", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.IGNORECASE)
# Speed, same answers: a 10,000-result report is a 75 MB page, where the case-insensitive
# alternations above take seconds. Every _ANALYTICS match contains one of these words and
# every _URL match contains "//" (found by plain substring search), unless the page holds one
# of the four non-ASCII letters re.IGNORECASE also matches to i, i, s or k: then the plain
# regular expressions run.
_ANALYTICS_WORDS = ("googletagmanager.com", "google-analytics.com", "gtag", "datalayer")
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_SLASHES = re.compile(r"//[^\s\"'<>()\\]+")


def _analytics_in(text: str) -> bool:
    if not any(c in text for c in _FOLDS_TO_ASCII):
        lowered = text.lower()
        if not any(word in lowered for word in _ANALYTICS_WORDS):
            return False
    return _ANALYTICS.search(_DATA_URI.sub("data:", text)) is not None


def _urls(text: str) -> Iterator[tuple[int, str]]:
    """(start, url) of each _URL match, by the fast route when it gives the same matches."""
    if any(c in text for c in _FOLDS_TO_ASCII):
        yield from ((m.start(), m.group(0)) for m in _URL.finditer(text))
        return
    for match in _SLASHES.finditer(text):
        start = match.start()
        scheme = text[max(0, start - 6) : start].lower()
        start -= 6 if scheme.endswith("https:") else 5 if scheme.endswith("http:") else 0
        yield start, text[start : match.end()]


def strip_analytics(html: str) -> tuple[str, int]:
    """Remove every <script> that loads or calls Google Analytics / Tag Manager."""
    removed = 0

    def keep(match: re.Match[str]) -> str:
        nonlocal removed
        if _analytics_in(match.group(0)):
            removed += 1
            return ""
        return match.group(0)

    return _SCRIPT.sub(keep, html), removed


def add_content_security_policy(html: str) -> str:
    """Put a CSP <meta> first in <head>: the browser then refuses any load from another host."""
    if "Content-Security-Policy" in html:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    match = _CHARSET.search(html)
    if match:
        return html[: match.end()] + "\n    " + meta + html[match.end() :]
    head = re.search(r"<head\b[^>]*>", html, re.IGNORECASE)
    if head is None:
        raise UnsafeReport("the Allure report has no <head>; cannot add a security policy")
    return html[: head.end()] + meta + html[head.end() :]


def external_urls(html: str) -> list[str]:
    """http(s) or protocol-relative addresses of non-local hosts left in the page's markup.

    ``data:`` URIs (Allure's inlined scripts and styles) are not looked into: what their code
    fetches is what the browser test watches for. XML namespace names
    (``xmlns="http://www.w3.org/2000/svg"``) are identifiers a browser never fetches.
    """
    found: list[str] = []
    text = _DATA_URI.sub("data:", html)
    for start, url in _urls(text):
        before = text[max(0, start - 40) : start]
        if _NAMESPACE_ATTRIBUTE.search(before):
            continue
        if url.startswith("//") and not _LOADING_ATTRIBUTE.search(before):
            continue  # a comment or a regular expression, not an address
        host = (urlsplit(url if "://" in url else "http:" + url).hostname or "").lower()
        if host and host not in LOCAL_HOSTS:
            found.append(url)
    return found


def make_offline(report_dir: Path) -> int:
    """Strip analytics from every HTML file, add the CSP, and prove nothing external remains."""
    removed = 0
    for page in sorted(report_dir.rglob("*.html")):
        html, count = strip_analytics(page.read_text(encoding="utf-8"))
        removed += count
        html = add_content_security_policy(html)
        leftovers = external_urls(html)
        if leftovers or _analytics_in(html):
            raise UnsafeReport(
                f"{page} would still contact other hosts after removing analytics: "
                + (", ".join(sorted(set(leftovers))[:10]) or "an analytics call")
            )
        page.write_text(html, encoding="utf-8")
    return removed
