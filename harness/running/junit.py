"""JUnit XML of a run: one test case per scenario run (an outline's example named with its
values), one suite per runner and profile, and how many executed, were not applicable (by
reason) or inconclusive as properties a CI server shows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

from harness.results.limits import run_limits
from harness.results.record import ResultRecord
from harness.results.tally import Tally
from harness.results.verdict import Verdict
from harness.running.verdicts import RunSummary

_ELEMENT = {
    Verdict.FAIL: "failure",
    Verdict.INCONCLUSIVE: "error",
    Verdict.NOT_APPLICABLE: "skipped",
}


def _properties(parent: ET.Element, records: list[ResultRecord]) -> None:
    tally = Tally.of(records)
    properties = ET.SubElement(parent, "properties")
    rows = [
        ("executed", tally.executed),
        ("deviation: code differs from the model", tally.count(Verdict.DEVIATION)),
        ("inconclusive", tally.count(Verdict.INCONCLUSIVE)),
        ("not applicable", tally.count(Verdict.NOT_APPLICABLE)),
        *((f"not applicable: {reason}", n) for reason, n in tally.not_applicable_by_reason),
    ]
    for name, value in rows:
        ET.SubElement(properties, "property", name=name, value=str(value))


def junit_document(summary: RunSummary, *, strict_codes: bool = False) -> ET.ElementTree:
    """A deviation is a passing test case with its own property and output, or a failure
    under ``strict_codes``."""
    tally = summary.tally
    deviations = tally.count(Verdict.DEVIATION) if strict_codes else 0
    suites = ET.Element(
        "testsuites",
        name="dsp-conformance",
        tests=str(tally.total),
        failures=str(tally.count(Verdict.FAIL) + deviations),
        errors=str(tally.count(Verdict.INCONCLUSIVE)),
        skipped=str(tally.count(Verdict.NOT_APPLICABLE)),
    )
    _properties(suites, summary.records)
    limits = suites.find("properties")
    assert limits is not None
    for limit in run_limits(summary.records):  # what the run could not observe
        ET.SubElement(
            limits, "property", name=f"not observed: {limit.what}", value=str(limit.count)
        )
    by_suite: dict[str, list[ResultRecord]] = {}
    for record in summary.records:
        by_suite.setdefault(f"{record.runner}:{record.profile}", []).append(record)
    for suite_name, items in sorted(by_suite.items()):
        per_suite = Counter(r.verdict for r in items)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=suite_name,
            tests=str(len(items)),
            failures=str(
                per_suite[Verdict.FAIL] + (per_suite[Verdict.DEVIATION] if strict_codes else 0)
            ),
            errors=str(per_suite[Verdict.INCONCLUSIVE]),
            skipped=str(per_suite[Verdict.NOT_APPLICABLE]),
        )
        _properties(suite, items)
        for record in items:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=suite_name,
                name=record.title,
                time=f"{record.duration_ms / 1000:.3f}",
            )
            tag = _ELEMENT.get(record.verdict)
            if record.verdict is Verdict.DEVIATION:
                text = f"{Verdict.DEVIATION.description}: {record.reason}"
                if strict_codes:
                    ET.SubElement(case, "failure", message=text[:500]).text = text
                else:
                    case_properties = ET.SubElement(case, "properties")
                    ET.SubElement(
                        case_properties, "property", name="verdict", value=Verdict.DEVIATION.value
                    )
                    ET.SubElement(case, "system-out").text = text
            elif tag:
                text = record.reason if record.verdict is Verdict.NOT_APPLICABLE else record.message
                ET.SubElement(case, tag, message=record.reason[:500]).text = text
    return ET.ElementTree(suites)


def write_junit(summary: RunSummary, path: Path, *, strict_codes: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    junit_document(summary, strict_codes=strict_codes).write(
        path, encoding="utf-8", xml_declaration=True
    )
