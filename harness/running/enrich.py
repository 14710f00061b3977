"""One tag vocabulary, the same Allure labels under both runners.

allure-behave turns Gherkin tags into ``tag`` labels; allure-pytest-bdd does not; neither
knows our requirements. After each runner process, every result it wrote is completed
here from the feature files and the catalogue: requirement labels and links, epic/feature/
story/severity, ``profile``/``target``/``runner`` parameters (so runs never merge as
retries), a runner-independent name and history ID.

Each result is rewritten in place, not replaced by a renamed temporary file: replacing a file
frees its blocks, which costs 1–3 ms on a file system that discards freed blocks (ext4
``-o discard``, common on cloud disks) against ~20 µs for writing over it; that was most of
the enrichment's time on 10,000 results. A run killed in the middle of a write can leave one
result the report then refuses by name.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.catalogue.requirements import SEVERITIES, Catalogue, Requirement
from harness.errors import ConfigurationError
from harness.features import ScenarioInfo
from harness.tags import read_tags

# Labels the harness owns; the runners' own versions of them are replaced.
OWNED_LABELS = {
    "epic",
    "feature",
    "story",
    "severity",
    "requirement",
    "tag",
    "suite",
    "parentSuite",
}
_BEHAVE_SUFFIX = re.compile(r" -- @\d+\.\d+.*$")
EPIC = "SEC Service Request validation"


@dataclass(frozen=True)
class RunIdentity:
    profile: str
    target: str
    runner: str


def result_files(results: Path) -> set[Path]:
    return set(results.glob("*-result.json")) if results.is_dir() else set()


def _index(scenarios: list[ScenarioInfo]) -> dict[tuple[str, str], ScenarioInfo]:
    index: dict[tuple[str, str], ScenarioInfo] = {}
    for scenario in scenarios:
        index.setdefault((scenario.feature, scenario.name), scenario)
    return index


def _label(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


_EXCEPTION_PREFIX = re.compile(r"^(?:Skipped: )?(?:[A-Za-z_][\w]*\.)*(?P<name>[A-Za-z_]\w*): ")
_READABLE = {
    "NonConformance": "non-conformance: ",
    "Inconclusive": "inconclusive: ",
    "NotApplicable": "not applicable: ",
    "AssertionError": "non-conformance: ",
}


def readable_message(message: str) -> str:
    """``harness.errors.NonConformance: expected …`` → ``non-conformance: expected …``;
    other exceptions keep their class name without the module path."""
    text = message.strip()
    if text.startswith("Skipped: "):
        text = text.removeprefix("Skipped: ")
    match = _EXCEPTION_PREFIX.match(text)
    if match is None:
        return text
    name = match["name"]
    return _READABLE.get(name, f"{name}: ") + text[match.end() :]


def _url(catalogue: Catalogue, requirement: Requirement) -> str:
    document = catalogue.document_of(requirement)
    return (document.url if document else None) or ""


def enrich_result(
    data: dict[str, Any],
    index: dict[tuple[str, str], ScenarioInfo],
    catalogue: Catalogue,
    run: RunIdentity,
) -> dict[str, Any]:
    labels: list[dict[str, str]] = list(data.get("labels", []))
    feature = next((lb["value"] for lb in labels if lb.get("name") == "feature"), "")
    base_name = _BEHAVE_SUFFIX.sub("", str(data.get("name", "")))
    scenario = index.get((feature, base_name))
    tags = (
        scenario.tags
        if scenario
        else tuple(lb["value"] for lb in labels if lb.get("name") == "tag")
    )
    parsed = read_tags(tags)
    requirements = [r for rid in parsed.requirements if (r := catalogue.get(rid)) is not None]
    parameters = [
        p
        for p in data.get("parameters") or []
        if p.get("name") not in ("profile", "target", "runner")
    ]
    example = ", ".join(f"{p['name']}={p['value']}" for p in parameters)

    kept = [lb for lb in labels if lb.get("name") not in OWNED_LABELS]
    new_labels = [_label("epic", EPIC), _label("suite", feature), _label("parentSuite", EPIC)]
    if requirements:
        first = requirements[0]
        new_labels += [_label("feature", first.group), _label("story", first.title)]
        worst = min(requirements, key=lambda r: SEVERITIES.index(r.severity))
        new_labels.append(_label("severity", worst.severity))
    else:
        new_labels += [_label("feature", feature), _label("severity", "normal")]
    new_labels += [_label("requirement", r.id) for r in requirements]
    new_labels += [_label("tag", t) for t in tags]
    links = [
        {
            "name": f"{r.id} — {r.document} {r.clause}",
            "url": _url(catalogue, r),
            "type": "requirement",
        }
        for r in requirements
    ]
    full_name = f"{feature}: {base_name}"
    identity = "|".join([full_name, example, run.profile, run.target, run.runner])
    data.update(
        name=base_name,
        fullName=full_name,
        labels=kept + new_labels,
        links=[lk for lk in data.get("links", []) if lk.get("type") != "requirement"] + links,
        parameters=parameters
        + [
            {"name": "profile", "value": run.profile},
            {"name": "target", "value": run.target},
            {"name": "runner", "value": run.runner},
        ],
        historyId=hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest(),
        testCaseId=hashlib.md5(full_name.encode(), usedforsecurity=False).hexdigest(),
    )
    details = data.get("statusDetails")
    if isinstance(details, dict) and isinstance(details.get("message"), str):
        details["message"] = readable_message(details["message"])
    if scenario is not None:
        data["harnessScenario"] = {"file": str(scenario.path), "line": scenario.line}
    return data


def enrich(
    files: set[Path],
    scenarios: list[ScenarioInfo],
    catalogue: Catalogue,
    run: RunIdentity,
) -> list[dict[str, Any]]:
    """Complete every result in ``files`` in place; the enriched documents are returned,
    so the caller reads its verdicts without reading the files again."""
    index = _index(scenarios)
    documents = []
    for path in sorted(files):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"{path}: cannot read an Allure result: {exc}") from None
        enriched = enrich_result(data, index, catalogue, run)
        _overwrite(path, json.dumps(enriched, ensure_ascii=False).encode("utf-8"))
        documents.append(enriched)
    return documents


def _overwrite(path: Path, content: bytes) -> None:
    """Write ``content`` over the file (see the module's docstring for why not rename)."""
    try:
        with path.open("r+b") as handle:
            handle.write(content)
            handle.truncate(len(content))
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot rewrite an Allure result: {exc}") from None
