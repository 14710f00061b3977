"""The DP107 options appraisal from a real run of the DP107 and MP063 scenarios under every
profile: its matrix read in headless Chromium against the roles the feature files declare,
the summary that links it, the PDFs, and the evidence manifest that ties them to the run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp_browser import Chromium, LocalServer, RecordingProxy, find_chromium
from report_constants import GENERATED_AT, PROJECT_CATALOGUE, REPO_ROOT

from harness.appraisal_roles import SITUATIONS, read_role, role_tags
from harness.cli.main import main
from harness.expectations import expectation_for_profile, profile_row
from harness.features import ScenarioInfo, read_features
from harness.reference.profiles import standard_profiles
from harness.report import RenderedReports, render_reports
from harness.results.manifest import MANIFEST_FILE, listed_files, manifest_digest
from harness.settings import DEFAULT_FEATURES
from harness.tags import profile_selects

ROLE_TAGS = " or ".join(
    (
        "@req:DP107-deadlock or @req:DP107-hazard or @req:DP107-smets2-contrast",
        "@req:MP063-check",
        *(f"@situation:{situation}" for situation in SITUATIONS),
    )
)
SCREENSHOTS = Path(tempfile.gettempdir()) / "dsp-conformance-screenshots"
CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (/usr/bin/chromium); `make system-deps`"
)
BROWSER_SERVICE_HOST = re.compile(
    r"(.+\.)?googleapis\.com|accounts\.google\.com|clients\d*\.google\.com"
)

MATRIX_PROBE = """(() => ({
  cells: Array.from(document.querySelectorAll('#matrix td[data-situation]')).map((td) => ({
    situation: td.dataset.situation, option: td.dataset.option, restorable: td.dataset.restorable,
    links: Array.from(td.querySelectorAll('a')).map((a) => a.getAttribute('href')),
  })),
  evidence: Array.from(document.querySelectorAll('#evidence .evidence')).map((div) => ({
    id: div.id, title: div.querySelector('h3').innerText,
    facts: Object.fromEntries(Array.from(div.querySelectorAll('dt')).map(
      (dt) => [dt.innerText, dt.nextElementSibling.innerText])),
  })),
  options: Array.from(document.querySelectorAll('section.option')).map((s) => ({
    id: s.id, conclusion: s.querySelector('.conclusion').innerText,
  })),
}))()"""

SUMMARY_PROBE = """(() => ({
  first: document.querySelector('header a')?.getAttribute('href'),
  text: document.body.innerText,
  dp107: Array.from(document.querySelectorAll('#dp107 table')[1]?.tBodies[0].rows ?? []).map(
    (tr) => Array.from(tr.cells).map((c) => c.innerText.replace(/\\s+/g, ' ').trim())),
}))()"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DP107 and MP063 scenarios under every standard profile, against the reference."""
    results = tmp_path_factory.mktemp("dp107-results")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli.main",
            "run",
            "--all-profiles",
            "--tags",
            ROLE_TAGS,
            "--results",
            str(results),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (results / MANIFEST_FILE).is_file()
    return results


@pytest.fixture(scope="module")
def rendered(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> RenderedReports:
    return render_reports(
        run_dir,
        tmp_path_factory.mktemp("dp107-reports"),
        catalogue=PROJECT_CATALOGUE,
        allure=False,
        generated_at=GENERATED_AT,
    )


@pytest.fixture(scope="module")
def proxy() -> Iterator[RecordingProxy]:
    with RecordingProxy() as recorder:
        yield recorder


@pytest.fixture(scope="module")
def browser(proxy: RecordingProxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium"), proxy=proxy.address) as chromium:
        yield chromium


def _declared() -> list[ScenarioInfo]:
    return [s for s in read_features(DEFAULT_FEATURES) if role_tags(s.tags).get("situation")]


def _profile_table(scenario: ScenarioInfo) -> tuple[tuple[str, ...], ...] | None:
    tables = [
        s.table for s in scenario.steps if s.table and s.table[0][:2] == ("profile", "outcome")
    ]
    return tables[-1] if tables else None


def _applies(scenario: ScenarioInfo, profile: str) -> bool:
    only = [t.partition(":")[2] for t in scenario.tags if t.startswith("profile:")]
    return not only or any(profile_selects(tag, profile) for tag in only)


def _effect(scenario: ScenarioInfo, profile: str) -> str | None:
    """The effect the feature file declares for the profile: the table's column, else the tag."""
    table = _profile_table(scenario)
    column = None
    if table is not None and "effect" in table[0]:
        at = table[0].index("effect")
        effects = {row[0]: row[at] for row in table[1:]}
        column = effects.get(profile_row(list(effects), profile) or "")
    role = read_role(scenario.tags, column)
    return role.effect if role else None


def _expected_matrix() -> dict[tuple[str, str], str]:
    """Straight from the feature files: can some scenario of the situation restore the
    certificate under the profile ('True'/'False'), or does none run ('None')?"""
    matrix: dict[tuple[str, str], str] = {}
    for profile in standard_profiles():
        for situation in SITUATIONS:
            effects = [
                _effect(s, profile)
                for s in _declared()
                if role_tags(s.tags)["situation"][0] == situation and _applies(s, profile)
            ]
            matrix[(situation, profile)] = (
                "None" if not effects else str(any(e == "restores" for e in effects))
            )
    return matrix


def test_every_situation_is_exercised_under_every_profile() -> None:
    """No row of the committed suite's appraisal says "not exercised": every situation of
    the vocabulary has a scenario that runs under every standard profile."""
    unexercised = sorted(
        key for key, restorable in _expected_matrix().items() if restorable == "None"
    )
    assert not unexercised, f"situations no scenario exercises, by profile: {unexercised}"


def _assert_nothing_left(visit_third_party: tuple[str, ...], proxy: RecordingProxy) -> None:
    assert visit_third_party == (), f"the page asked other hosts for: {visit_third_party}"
    strangers = {h for h in proxy.hosts() if not BROWSER_SERVICE_HOST.fullmatch(h)}
    assert strangers == set(), f"the proxy was asked for: {sorted(strangers)}"


@needs_chromium
def test_the_matrix_follows_the_declared_roles(
    rendered: RenderedReports, browser: Chromium, proxy: RecordingProxy
) -> None:
    assert rendered.appraisal is not None
    with LocalServer(rendered.appraisal.parent) as server:
        visit = browser.visit(
            f"{server.base_url}/appraisal.html",
            probe=MATRIX_PROBE,
            ready=lambda value: bool(value and value["cells"]),
            screenshot=SCREENSHOTS / "appraisal-top.png",
            sections={
                "#matrix": SCREENSHOTS / "appraisal-matrix.png",
                "#option-dp107-registered-path": SCREENSHOTS / "appraisal-option.png",
            },
        )
    _assert_nothing_left(visit.third_party, proxy)
    page = visit.value
    shown = {(c["situation"], c["option"]): c["restorable"] for c in page["cells"]}
    assert shown == _expected_matrix()
    # the seed's cases, read plainly
    assert shown[("deadlock-registered-no", "baseline")] == "False"
    assert shown[("deadlock-owner", "baseline")] == "False"
    assert shown[("deadlock-owner", "dp107-owner-path")] == "True"
    assert shown[("deadlock-registered-no", "dp107-registered-path")] == "True"
    assert shown[("gas", "baseline")] == "False"
    assert shown[("gas", "dp107-owner-path")] == "True"
    # every link of every cell lands on its evidence
    anchors = {e["id"] for e in page["evidence"]}
    links = [href for c in page["cells"] for href in c["links"]]
    assert links
    assert all(href.lstrip("#") in anchors for href in links)
    # each option has a generated conclusion that names it
    for option in page["options"]:
        name = option["id"].removeprefix("option-")
        assert option["conclusion"].startswith(f"Under {name} ")
        grade = "published text only" if name == "baseline" else "the harness's model"
        assert grade in option["conclusion"], option
    assert (SCREENSHOTS / "appraisal-matrix.png").stat().st_size > 10_000


@needs_chromium
def test_the_evidence_shows_each_profiles_required_outcome(
    rendered: RenderedReports, browser: Chromium, proxy: RecordingProxy
) -> None:
    assert rendered.appraisal is not None
    with LocalServer(rendered.appraisal.parent) as server:
        visit = browser.visit(
            f"{server.base_url}/appraisal.html",
            probe=MATRIX_PROBE,
            ready=lambda value: bool(value and value["evidence"]),
        )
    _assert_nothing_left(visit.third_party, proxy)
    evidence = {e["title"]: e["facts"] for e in visit.value["evidence"]}
    listed = listed_files(rendered.results.directory)
    checked = 0
    for scenario in _declared():
        table = _profile_table(scenario)
        if table is None:
            continue
        for profile in standard_profiles():
            facts = evidence.get(f"{scenario.name} — {profile}")
            if facts is None or not _applies(scenario, profile):
                continue
            rows = [(row[0], row[1]) for row in table[1:]]
            assert facts["Required"] == expectation_for_profile(rows, profile).stated().text
            assert facts["Written at"].endswith(f"{scenario.path.name}:{scenario.line}")
            result_file, digest = re.split(r"\s*sha256:", facts["Result file"])
            assert listed[result_file.strip()] == digest.strip()
            checked += 1
    assert checked >= 20


@needs_chromium
def test_the_summary_links_the_appraisal_first(
    rendered: RenderedReports, browser: Chromium, proxy: RecordingProxy
) -> None:
    with LocalServer(rendered.summary.parent) as server:
        visit = browser.visit(
            f"{server.base_url}/summary.html",
            probe=SUMMARY_PROBE,
            ready=lambda value: bool(value and value["dp107"]),
            screenshot=SCREENSHOTS / "summary-top.png",
        )
    _assert_nothing_left(visit.third_party, proxy)
    page = visit.value
    assert page["first"] == "appraisal.html"
    titles = {s.feature for s in _declared()}
    assert titles
    assert all(title in page["text"] for title in titles)
    digest = manifest_digest(rendered.results.directory)
    assert digest is not None
    assert digest in page["text"]
    for row in page["dp107"]:  # every profile's cell says what it required
        for cell in row[1:]:
            assert "Not applicable" in cell or "required: " in cell, row


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed; `make system-deps`",
)


@needs_chromium
@needs_poppler
@pytest.mark.parametrize("name", ["appraisal", "summary"])
def test_the_pdf_carries_the_run_identity_on_every_page(
    rendered: RenderedReports, name: str, tmp_path: Path
) -> None:
    assert rendered.pdf_skipped is None, rendered.pdf_skipped
    (pdf,) = [p for p in rendered.pdfs if p.stem == name]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "20", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) > 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    printed = [page for page in text.split("\f") if page.strip()]
    assert len(printed) == len(pages)
    digest = manifest_digest(rendered.results.directory)
    assert digest is not None
    assert all(digest in "".join(page.split()) for page in printed)


def test_verify_evidence_names_an_edited_or_missing_file(
    run_dir: Path, rendered: RenderedReports, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-evidence", str(run_dir), str(rendered.summary.parent)]) == 0
    copy = tmp_path / "results"
    shutil.copytree(run_dir, copy)
    assert main(["verify-evidence", str(copy)]) == 0
    attachment = sorted(copy.glob("*-attachment.*"))[0]
    data = bytearray(attachment.read_bytes())
    data[len(data) // 2] ^= 0x01
    attachment.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["verify-evidence", str(copy)]) == 1
    out = capsys.readouterr().out
    assert f"{attachment}: edited" in out
    assert out.count(": edited") == 1
    removed = sorted(copy.glob("*-result.json"))[0]
    removed.unlink()
    assert main(["verify-evidence", str(copy)]) == 1
    assert f"{removed}: missing" in capsys.readouterr().out
