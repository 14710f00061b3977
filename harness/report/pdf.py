"""Print report pages to PDF with headless Chromium, for attaching to a modification report.

Each page carries the run's identity in its bottom margin (a CSS ``@page`` margin box the
pages declare, ``harness/report/identity.py``). Chromium runs with a fresh profile folder,
no background networking, and a timeout; when it is not installed nothing is printed and the
reason is returned.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ENV = "DSP_CONFORMANCE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
TIMEOUT_S = 120.0
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


@dataclass(frozen=True)
class PrintedPages:
    pdfs: tuple[Path, ...]
    skipped: str | None = None  # why nothing (or not everything) was printed


def chromium() -> str | None:
    """The Chromium to print with: ``$DSP_CONFORMANCE_CHROMIUM``, /usr/bin/chromium, or one
    on the PATH; None when there is none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_page(browser: str, page: Path, pdf: Path, *, timeout: float = TIMEOUT_S) -> str | None:
    """Print ``page`` to ``pdf``; the reason when Chromium could not."""
    with tempfile.TemporaryDirectory(prefix="dsp-conformance-chromium-") as profile:
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return f"Chromium did not print {page.name} within {timeout:.0f} s"
        except OSError as exc:
            return f"Chromium could not start: {exc.strerror or exc}"
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = [line for line in done.stderr.splitlines() if line.strip()][-3:]
        return f"Chromium could not print {page.name} (exit {done.returncode}): " + " | ".join(last)
    return None


def print_pages(out_dir: Path, pages: tuple[Path, ...]) -> PrintedPages:
    """``page.html`` → ``page.pdf`` beside it, for each page."""
    browser = chromium()
    if browser is None:
        return PrintedPages((), f"no Chromium at {DEFAULT_CHROMIUM} or on the PATH")
    printed: list[Path] = []
    for page in pages:
        pdf = out_dir / f"{page.stem}.pdf"
        pdf.unlink(missing_ok=True)
        problem = print_page(browser, page, pdf)
        if problem is not None:
            return PrintedPages(tuple(printed), problem)
        printed.append(pdf)
    return PrintedPages(tuple(printed))
