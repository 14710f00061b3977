"""The speed-ups give the same answers as the code they replaced: the Gherkin placeholder
substitution, the offline report's checks on a large page, the results folder emptied in the
background, results enriched in place, the certificate parse cache, unique certificate names
across processes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.domain.certificates import KeyUsage, OrgCertificate
from harness.domain.eui import Eui64
from harness.features import _compiler_class, read_features
from harness.pki import TestPki
from harness.report import allure_html
from harness.running.clearing import clear_results
from harness.running.enrich import RunIdentity, enrich
from harness.settings import DEFAULT_FEATURES

OUTLINE = """Feature: F
  Scenario Outline: S <a.b> <plain>
    Given a <a.b> and <plain> and <x y> and <plain>
    | <plain> | <a.b> |
    Examples:
      | a.b  | plain | x y |
      | 1\\2 | \\g<0> | $1 |
      | <plain> | z | w |
"""


def _pickles(text: str, compiler: type[Compiler]) -> list[object]:
    document = Parser().parse(text)
    return list(compiler().compile({**document, "uri": "f.feature"}))


def test_placeholder_substitution_matches_gherkin_on_odd_column_names() -> None:
    assert _pickles(OUTLINE, _compiler_class()) == _pickles(OUTLINE, Compiler)


def test_every_committed_feature_reads_the_same_as_with_gherkin_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness import features

    fast = read_features(DEFAULT_FEATURES)
    monkeypatch.setattr(features, "_compiler_class", lambda: Compiler)
    assert read_features(DEFAULT_FEATURES) == fast


def _slow_urls(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in allure_html._URL.finditer(text)]


def _slow_analytics(text: str) -> bool:
    return allure_html._ANALYTICS.search(allure_html._DATA_URI.sub("data:", text)) is not None


PIECES = st.sampled_from(
    ["http:", "https:", "HTTPS:", "hTtP:", "//", "data:", "src=", "gtag(", "gtag (", "DataLayer",
     " ", '"', "'", "<script>", "</script>", "a.example", "/", "x", ")", "(", "\\", "ſ", "K",
     "İ", "googletagmanager.com", "GOOGLE-analytics.com", "xmlns=", "localhost"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_the_offline_checks_answer_as_the_plain_regular_expressions_do(text: str) -> None:
    assert list(allure_html._urls(text)) == _slow_urls(text)
    assert allure_html._analytics_in(text) == _slow_analytics(text)


def test_the_offline_checks_still_find_what_they_look_for() -> None:
    page = (
        '<script src="https://www.googletagmanager.com/gtag/js"></script><img src="//x.example/a">'
    )
    assert allure_html.strip_analytics(page)[1] == 1
    assert allure_html.external_urls(page) == [
        "https://www.googletagmanager.com/gtag/js",
        "//x.example/a",
    ]


def test_the_results_folder_is_emptied_at_once_and_deleted_in_the_background(
    tmp_path: Path,
) -> None:
    results = tmp_path / "allure-results"
    results.mkdir()
    for i in range(50):
        (results / f"{i}-result.json").write_text("{}")
    (tmp_path / ".allure-results.old-1-0").mkdir()  # left by a run that was killed
    cleaner = clear_results(results)
    assert results.is_dir()
    assert not any(results.iterdir())
    assert cleaner is not None
    cleaner.join(timeout=60)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["allure-results"]
    assert clear_results(results, keep=True) is None
    (results / "kept").write_text("")
    assert clear_results(results, keep=True) is None
    assert (results / "kept").exists()


def test_enrichment_rewrites_each_result_in_place(tmp_path: Path) -> None:
    from harness.catalogue.requirements import load_catalogue

    path = tmp_path / "1-result.json"
    owned = [{"name": "suite", "value": f"runner's own suite label {i}"} for i in range(300)]
    original = json.dumps({"name": "S", "status": "passed", "labels": owned})
    path.write_text(original)
    documents = enrich(
        {path},
        read_features(DEFAULT_FEATURES),
        load_catalogue(DEFAULT_FEATURES / "requirements.yaml"),
        RunIdentity("baseline", "reference", "pytest-bdd"),
    )
    assert len(path.read_text()) < len(original)  # shorter: the old tail is gone
    assert json.loads(path.read_text()) == documents[0]
    assert {"name": "profile", "value": "baseline"} in documents[0]["parameters"]


def test_a_parsed_certificate_is_the_same_parse() -> None:
    credential = TestPki().issue(Eui64(7), "02", KeyUsage.DIGITAL_SIGNING)
    der = credential.certificate.der
    assert OrgCertificate.from_der(der) == credential.certificate
    assert OrgCertificate.from_der(der) is OrgCertificate.from_der(der)


def test_two_test_pkis_never_name_two_certificates_alike() -> None:
    """Each process has its own PKI with the same issuer name; a served DSP that sees
    certificates from several workers (or runs) must never find two with one name."""
    names = set()
    for _ in range(20):
        pki = TestPki()
        for usage in KeyUsage:
            certificate = pki.issue(Eui64(1), "02", usage).certificate
            names.add((certificate.id.issuer, certificate.id.serial))
    assert len(names) == 40
    assert all(re.fullmatch(r"ZH", issuer) for issuer, _ in names)


def test_a_counter_is_written_over_the_last_one_never_truncated(tmp_path: Path) -> None:
    """Truncating a counter file frees its block (1–3 ms on a discarding file system): the
    new value is written over the old one at a fixed width, and read back the same."""
    from harness.counters import WIDTH, OriginatorCounters, now_ms

    originator = Eui64(0x90B3D51F30010000)
    path = tmp_path / f"{originator.value:016X}"
    ahead = now_ms() + 10_000_000
    path.write_text(f"{ahead}" + " " * 30)  # longer than the width: cut to it once
    assert OriginatorCounters(tmp_path).next(originator) == ahead + 1
    assert path.read_text() == f"{ahead + 1:<{WIDTH}}"
    path.write_text("12")  # shorter (as an older version wrote): extended, not truncated
    fresh = OriginatorCounters(tmp_path)
    drawn = [fresh.next(originator) for _ in range(3)]
    assert drawn == sorted(set(drawn))
    assert path.read_text() == f"{drawn[-1]:<{WIDTH}}"
    assert int(path.read_text()) == drawn[-1]
