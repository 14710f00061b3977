"""The conformance summary page: content, structure and escaping."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml.html import HtmlElement
from report_constants import GENERATED_AT
from synthetic_results import (
    ALL_SCENARIOS,
    BASELINE,
    DATE_RANGE,
    DEADLOCK_OWNER,
    DEADLOCK_REGISTERED,
    HAZARD,
    HOSTILE,
    HOSTILE_MESSAGE,
    HOSTILE_SCENARIO,
    MP063,
    OWNER,
    PRECOMMAND,
    PROFILES,
    REFERENCE,
    REGISTERED,
    REQUEST_ID_1,
    SMETS2_CONTRAST,
    TWO_RUNNERS,
    UNKNOWN_USER,
    Outcome,
    ResultsWriter,
    Scenario,
    every,
)

import harness
from harness.report import (
    Catalogue,
    Conformance,
    ResultSet,
    Verdict,
    analyse,
    load_catalogue,
    read_results,
    render_summary,
)
from harness.report.analysis import UNCATALOGUED_GROUP, UNCITED_GROUP

STATUS_LABEL = {
    "passed": "Pass",
    "failed": "Fail",
    "broken": "Inconclusive",
    "skipped": "Not applicable",
}


@pytest.fixture(scope="module")
def page(conformance: Conformance) -> str:
    return render_summary(conformance, generated_at=GENERATED_AT, allure_href="allure/index.html")


@pytest.fixture(scope="module")
def doc(page: str) -> HtmlElement:
    return lxml.html.fromstring(page)


def text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def section(doc: HtmlElement, anchor: str) -> HtmlElement:
    (found,) = doc.xpath(f'//section[@id="{anchor}"]')
    return found


def table_after(container: HtmlElement, heading: str) -> HtmlElement:
    (found,) = container.xpath(f'.//h3[normalize-space(.)="{heading}"]/following-sibling::table[1]')
    return found


def header(table: HtmlElement) -> list[str]:
    return [text(th) for th in table.xpath("./thead/tr/th")]


def row_of(table: HtmlElement, name: str) -> dict[str, str]:
    """The row whose first cell starts with ``name``, as {column heading: cell text}."""
    heads = header(table)
    for tr in table.xpath("./tbody/tr"):
        cells = tr.xpath("./td")
        if text(cells[0]).startswith(name):
            return dict(zip(heads, (text(c) for c in cells), strict=False))
    raise AssertionError(f"no row for {name!r} in a table headed {heads}")


def expected_counts() -> Counter[tuple[str, str, str]]:
    """(profile, target, Allure status) → number of results, from the synthetic run's spec."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for scenario in ALL_SCENARIOS:
        for target in scenario.targets:
            for profile, outcome in scenario.outcomes.items():
                counts[(profile, target, outcome.status)] += 1
    return counts


# --- the page as a whole -------------------------------------------------------------------------


def test_the_page_is_self_contained(doc: HtmlElement, page: str) -> None:
    assert doc.xpath("//script | //link | //img | //iframe | //object | //embed") == []
    assert doc.xpath("//@src | //@srcset | //@style") == []
    assert "@import" not in page
    assert "url(" not in page
    (csp,) = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert "default-src 'none'" in csp
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("#", "https://smartenergycodecompany.co.uk/", "allure/"))


def test_the_header_names_targets_profiles_and_versions(doc: HtmlElement) -> None:
    facts = dict(
        zip(
            (text(dt) for dt in doc.xpath("//dl/dt")),
            (text(dd) for dd in doc.xpath("//dl/dd")),
            strict=True,
        )
    )
    assert facts["Targets"] == "http://127.0.0.1:8080, reference"
    assert facts["Profiles"] == ", ".join((BASELINE, MP063, OWNER, REGISTERED))
    assert facts["Harness version"] == harness.__version__
    assert facts["Git commit"] == "4f3c2b1a9e8d"
    assert facts["DUIS schema version"] == "5.4"
    assert facts["Generated"] == "2026-11-24 09:30:00 UTC"
    assert "1 older dropped" in facts["Results"]
    (banner,) = doc.xpath('//div[contains(@class, "banner")]')
    assert "fail" in banner.get("class")
    assert text(banner) == "3 failures (non-conformance) found; 1 inconclusive."


def test_counts_per_verdict_per_profile(doc: HtmlElement) -> None:
    table = section(doc, "verdicts").xpath(".//table")[0]
    heads = header(table)
    assert heads == ["Profile", "Target", "Pass", "Fail", "Inconclusive", "Not applicable", "Total"]
    expected = expected_counts()
    rows = [[text(td) for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
    assert [r[0] for r in rows][:2] == [BASELINE, BASELINE]
    for profile, target, *numbers in rows:
        wanted = [expected[(profile, target, status)] for status in STATUS_LABEL]
        assert [int(n) for n in numbers] == [*wanted, sum(wanted)]


def test_rendering_is_reproducible(conformance: Conformance, page: str) -> None:
    again = render_summary(conformance, generated_at=GENERATED_AT, allure_href="allure/index.html")
    assert again == page


# --- requirements side by side -------------------------------------------------------------------


def test_groups_follow_the_catalogue_then_list_the_strays(
    doc: HtmlElement, catalogue: Catalogue
) -> None:
    headings = [text(h) for h in section(doc, "requirements").xpath(".//h3")]
    assert headings == [*catalogue.groups, UNCATALOGUED_GROUP, UNCITED_GROUP]


def test_profiles_are_columns_side_by_side(doc: HtmlElement) -> None:
    table = table_after(
        section(doc, "requirements"), "DP107 — wrong NO certificate on a SMETS1 meter"
    )
    assert header(table) == ["Requirement / scenario", BASELINE, MP063, OWNER, REGISTERED]
    row = row_of(table, DEADLOCK_REGISTERED.name)
    for profile in PROFILES:
        status = DEADLOCK_REGISTERED.outcomes[profile].status
        assert row[profile] == f"{REFERENCE} {STATUS_LABEL[status]}"
    requirement = row_of(table, "DP107-deadlock")
    assert requirement[REGISTERED].endswith("Fail")  # one failing scenario decides
    assert requirement[BASELINE].endswith("Pass")


def test_several_targets_are_shown_within_each_profile_cell(doc: HtmlElement) -> None:
    table = table_after(
        section(doc, "requirements"), "SRPD 6.1(f) eligibility against Registration Data"
    )
    row = row_of(table, DATE_RANGE.name)
    assert row[BASELINE] == "http://127.0.0.1:8080 Pass reference Pass"


def test_a_scenario_not_run_under_a_profile_says_so(doc: HtmlElement) -> None:
    table = table_after(section(doc, "requirements"), "DUIS authorisation checks")
    row = row_of(table, HOSTILE)
    assert row[MP063] == "not run"
    assert row[BASELINE] == f"{REFERENCE} Fail"


def test_each_requirement_links_to_its_document_and_clause(
    doc: HtmlElement, catalogue: Catalogue
) -> None:
    (link,) = section(doc, "requirements").xpath('.//a[normalize-space(.)="DP107-deadlock"]')
    assert link.get("href") == catalogue.documents["DP107"].url
    assert link.get("title") == catalogue.documents["DP107"].title
    cell = link.getparent()
    assert "SEC Draft Proposal DP107, §2 What is the issue?" in text(cell)


def test_requirements_without_scenarios_give_the_reason(doc: HtmlElement) -> None:
    table = table_after(section(doc, "requirements"), "DUIS envelope")
    signature = row_of(table, "DUIS-signature")
    assert "Only a target reached over DUIS/HTTP sees XML signatures" in signature[BASELINE]
    untested = section(doc, "untested")
    assert "DUIS-signature" in text(untested)
    assert "No scenario in these results, though the requirement is testable" in text(untested)


def test_uncatalogued_and_uncited_scenarios_are_not_lost(doc: HtmlElement) -> None:
    stray = table_after(section(doc, "requirements"), UNCATALOGUED_GROUP)
    assert (
        "not in the requirements catalogue"
        in row_of(stray, "XYZ-not-in-catalogue")["Requirement / scenario"]
    )
    uncited = table_after(section(doc, "requirements"), UNCITED_GROUP)
    assert row_of(uncited, "A scenario citing no requirement at all")[BASELINE].endswith("Pass")


# --- DP107 ---------------------------------------------------------------------------------------


def test_dp107_section_lists_every_dp107_scenario_with_the_outcome_per_profile(
    doc: HtmlElement,
) -> None:
    dp107 = section(doc, "dp107")
    table = table_after(dp107, "Outcome of each DP107 scenario under each profile")
    names = {text(tr.xpath("./td")[0]) for tr in table.xpath("./tbody/tr")}
    for scenario in (DEADLOCK_REGISTERED, DEADLOCK_OWNER, HAZARD, SMETS2_CONTRAST):
        assert any(n.startswith(scenario.name) for n in names)
    owner = row_of(table, DEADLOCK_OWNER.name)
    assert "applied: the RDP check is waived for the owner" in owner[OWNER]
    assert "rejected by the DSP with E4" in owner[BASELINE]
    assert "outcome differs by profile" in owner["Scenario"]
    registered = row_of(table, DEADLOCK_REGISTERED.name)
    assert registered[REGISTERED].startswith(f"{REFERENCE} Fail required: applied expected:")
    assert "verdict differs by profile" in registered["Scenario"]
    assert "differs" not in row_of(table, SMETS2_CONTRAST.name)["Scenario"]


def test_dp107_cells_show_what_each_profile_required(doc: HtmlElement) -> None:
    table = table_after(section(doc, "dp107"), "Outcome of each DP107 scenario under each profile")
    registered = row_of(table, DEADLOCK_REGISTERED.name)
    assert "required: applied" in registered[REGISTERED]
    assert "required: rejected by the S1SP with I0" in registered[MP063]
    smets2 = row_of(table, SMETS2_CONTRAST.name)
    assert "about this scenario" in smets2["Scenario"]  # a shared description, shown once
    assert "checks ownership itself" in smets2["Scenario"]
    assert "checks ownership itself" not in smets2[BASELINE]


def test_dp107_requirements_by_profile(doc: HtmlElement) -> None:
    table = table_after(section(doc, "dp107"), "DP107 requirements by profile")
    assert row_of(table, "DP107-hazard")[MP063] == f"{REFERENCE} Not applicable"
    assert "No scenario" in row_of(table, "DP107-owner-path")[BASELINE]


# --- changes and lists ---------------------------------------------------------------------------


def test_verdict_changes_list_exactly_the_scenarios_that_change(doc: HtmlElement) -> None:
    table = section(doc, "changes").xpath(".//table")[0]
    assert header(table) == ["Scenario", "Target", BASELINE, MP063, OWNER, REGISTERED]
    names = [text(tr.xpath("./td")[0]) for tr in table.xpath("./tbody/tr")]
    changing = (HAZARD, DEADLOCK_REGISTERED, UNKNOWN_USER, HOSTILE_SCENARIO)
    for scenario in changing:
        assert sum(n.startswith(scenario.name) for n in names) == 1
    assert sum("counter=18446744073709551615" in n for n in names) == 1
    for steady in (DEADLOCK_OWNER, SMETS2_CONTRAST, DATE_RANGE, PRECOMMAND):
        assert not any(n.startswith(steady.name) for n in names)
    assert not any("counter=1]" in n for n in names)
    hazard = row_of(table, HAZARD.name)
    assert hazard[MP063] == (
        "Not applicable mp063-check only covers Service Requests sent by a Supplier"
    )


@pytest.mark.parametrize(
    ("anchor", "status"),
    [("failures", "failed"), ("inconclusive", "broken"), ("not-applicable", "skipped")],
)
def test_lists_give_every_result_with_its_reason(
    doc: HtmlElement, anchor: str, status: str
) -> None:
    listing = section(doc, anchor)
    expected = [
        (scenario, profile, outcome)
        for scenario in ALL_SCENARIOS
        for profile, outcome in scenario.outcomes.items()
        for _ in scenario.targets
        if outcome.status == status
    ]
    assert f"({len(expected)})" in text(listing.xpath("./h2")[0])
    rows = [[text(td) for td in tr.xpath("./td")] for tr in listing.xpath(".//tbody/tr")]
    assert len(rows) == len(expected)
    for scenario, profile, outcome in expected:
        assert any(
            r[0].startswith(scenario.name) and r[1] == profile and outcome.message in r[3]
            for r in rows
        ), (scenario.name, profile)


def test_kill_matrix(doc: HtmlElement, page: str) -> None:
    matrix = section(doc, "kill-matrix")
    assert "1 of 2 deliberately broken rules were caught" in text(matrix)
    table = matrix.xpath(".//table")[0]
    dropped = row_of(table, "drop-rdp-check")
    assert DEADLOCK_OWNER.name in dropped["Caught by"]
    assert DATE_RANGE.name in dropped["Caught by"]
    assert row_of(table, "accept-any-owner")["Caught by"] == "survived"
    assert "&lt;any&gt;" in page


# --- escaping ------------------------------------------------------------------------------------


def test_tester_text_is_escaped_everywhere(doc: HtmlElement, page: str) -> None:
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert HOSTILE in text(doc)  # shown as text, exactly as the tester wrote it
    assert HOSTILE_MESSAGE in text(section(doc, "failures"))


def test_only_web_links_are_linked(tmp_path: Path, result_set: ResultSet) -> None:
    catalogue_path = tmp_path / "requirements.yaml"
    catalogue_path.write_text(
        "documents:\n"
        '  EVIL: {title: "Evil <doc>", url: "javascript:alert(1)"}\n'
        "requirements:\n"
        "  - {id: DUIS-E1, document: EVIL, clause: x, group: G, title: t, severity: normal}\n",
        encoding="utf-8",
    )
    page = render_summary(analyse(result_set, load_catalogue(catalogue_path)))
    assert "javascript:" not in page
    assert "Evil &lt;doc&gt;" in page


# --- banners and edge cases ----------------------------------------------------------------------


def render_for(tmp_path: Path, catalogue: Catalogue, *scenarios: Scenario) -> HtmlElement:
    writer = ResultsWriter(tmp_path / "results")
    for scenario in scenarios:
        writer.scenario(scenario)
    conformance = analyse(read_results(writer.directory), catalogue)
    return lxml.html.fromstring(render_summary(conformance, generated_at=GENERATED_AT))


def test_an_all_pass_run_says_so(tmp_path: Path, catalogue: Catalogue) -> None:
    doc = render_for(tmp_path, catalogue, SMETS2_CONTRAST, REQUEST_ID_1)
    (banner,) = doc.xpath('//div[contains(@class, "banner")]')
    assert "pass" in banner.get("class")
    assert "No scenario changes verdict between profiles" in text(section(doc, "changes"))
    assert text(section(doc, "failures").xpath("./h2")[0]) == "Failures (non-conformances) (0)"
    assert doc.xpath('//section[@id="kill-matrix"]') == []


def test_an_inconclusive_run_is_flagged(tmp_path: Path, catalogue: Catalogue) -> None:
    broken = Scenario(
        "unreachable", "F", ("DUIS-E1",), every(Outcome("broken", "timed out"), (BASELINE,))
    )
    doc = render_for(tmp_path, catalogue, broken)
    (banner,) = doc.xpath('//div[contains(@class, "banner")]')
    assert "inconclusive" in banner.get("class")
    assert "Only one profile ran" in text(section(doc, "changes"))


def test_a_run_in_which_nothing_executed_is_never_green(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    excluded = Outcome("skipped", "target offers no test-control API to provision state")
    skipped = Scenario("needs provisioning", "F", ("DUIS-E1",), every(excluded, (BASELINE,)))
    doc = render_for(tmp_path, catalogue, skipped)
    (banner,) = doc.xpath('//div[contains(@class, "banner")]')
    assert "inconclusive" in banner.get("class")
    assert text(banner).startswith("No scenario executed")
    facts = dict(zip(map(text, doc.xpath("//dt")), map(text, doc.xpath("//dd")), strict=True))
    assert facts["Executed"] == (
        "0 of 1 executed; 1 not applicable (target offers no test-control API to provision "
        "state: 1); 0 inconclusive"
    )


def test_a_run_without_dp107_scenarios_says_so(tmp_path: Path, catalogue: Catalogue) -> None:
    doc = render_for(tmp_path, catalogue, REQUEST_ID_1)
    assert "No scenario in these results verifies a DP107 requirement" in text(
        section(doc, "dp107")
    )


def test_the_verdict_legend_explains_all_four(doc: HtmlElement) -> None:
    legend = text(section(doc, "verdicts"))
    for verdict in Verdict:
        assert verdict.label in legend
    assert "non-conformance" in legend


def test_results_from_two_runners_are_told_apart(tmp_path: Path, catalogue: Catalogue) -> None:
    doc = render_for(tmp_path, catalogue, TWO_RUNNERS, SMETS2_CONTRAST)
    facts = dict(
        zip(
            (text(dt) for dt in doc.xpath("//dl/dt")),
            (text(dd) for dd in doc.xpath("//dl/dd")),
            strict=True,
        )
    )
    assert facts["Runners"] == "behave, pytest-bdd"
    table = table_after(section(doc, "requirements"), "DUIS authorisation checks")
    assert row_of(table, TWO_RUNNERS.name)[BASELINE] == (
        "reference (behave) Pass reference (pytest-bdd) Pass"
    )


def test_the_contents_and_the_body_come_from_one_list_of_sections(
    doc: HtmlElement, tmp_path: Path, catalogue: Catalogue
) -> None:
    """Every section the page shows is in the contents, in the same order, and vice versa;
    the kill matrix appears in both only when the results carry one."""
    from harness.report.sections import SECTIONS

    listed = [a.get("href").lstrip("#") for a in doc.xpath("//nav//a")]
    shown = [s.get("id") for s in doc.xpath("//main/section")]
    assert listed == shown
    assert set(shown) <= {s.anchor for s in SECTIONS}
    assert {"dp107", "kill-matrix"} <= set(shown)

    without_matrix = render_for(tmp_path, catalogue, REQUEST_ID_1)
    listed = [a.get("href").lstrip("#") for a in without_matrix.xpath("//nav//a")]
    assert listed == [s.get("id") for s in without_matrix.xpath("//main/section")]
    assert "kill-matrix" not in listed
