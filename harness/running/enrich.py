"""One tag vocabulary, the same Allure labels under both runners.

allure-behave turns Gherkin tags into ``tag`` labels; allure-pytest-bdd does not; neither
knows our requirements. Every result a runner writes is completed here from the feature
files and the catalogue: requirement labels and links, epic/feature/story/severity,
``profile``/``target``/``runner`` parameters (so runs never merge as retries), a
runner-independent name and history ID, and steps without the World fixture among their
parameters (only a step's own values are kept). The outcome the World attached (its verdict,
expected and observed outcome) moves into the document (``harness/results/writer.py``) and
names the scenario it ran, so results are matched to scenarios by file and name.

``dsp-conformance run`` enriches inside the runner process, as each result is written
(:mod:`harness.running.allure_logger`): the CLI hands the runner an :class:`EnrichmentIndex`
(what the feature files and the catalogue say of each scenario), and reads back the records.
:func:`enrich` is the same completion as a pass over a results folder afterwards.

A pass rewrites each result in place, not through a renamed temporary file: replacing a file
frees its blocks, which costs 1–3 ms on a file system that discards freed blocks (ext4
``-o discard``, common on cloud disks) against ~20 µs for writing over it. A run killed in
the middle of a write can leave one result the report then refuses by name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.catalogue.requirements import SEVERITIES, Catalogue, Requirement
from harness.errors import ConfigurationError
from harness.features import ScenarioInfo
from harness.results.outcome import OUTCOME_KEY, ScenarioOutcome
from harness.results.writer import fold_outcome
from harness.tags import read_tags

# Labels the harness owns; the runners' own versions of them are replaced.
OWNED_LABELS = {
    "profile",
    "epic",
    "feature",
    "story",
    "severity",
    "requirement",
    "tag",
    "suite",
    "parentSuite",
}
EPIC = "SEC Service Request validation"
GROUP_BY = ("epic", "feature", "story", "profile")
"""The levels of the Allure 3 tree: ``groupBy`` of its awesome plugin (allure_html.py)."""


@dataclass(frozen=True)
class RunIdentity:
    profile: str
    target: str
    runner: str

    def to_json(self) -> dict[str, str]:
        return {"profile": self.profile, "target": self.target, "runner": self.runner}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunIdentity:
        return cls(str(data["profile"]), str(data["target"]), str(data["runner"]))


def result_files(results: Path) -> set[Path]:
    return set(results.glob("*-result.json")) if results.is_dir() else set()


@dataclass(frozen=True)
class ScenarioRef:
    """What enrichment needs of one scenario of the feature files."""

    path: str
    line: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class RequirementRef:
    """What enrichment writes for one requirement of the catalogue."""

    id: str
    group: str
    title: str
    severity: str
    link_name: str
    url: str

    @classmethod
    def of(cls, requirement: Requirement, catalogue: Catalogue) -> RequirementRef:
        document = catalogue.document_of(requirement)
        return cls(
            requirement.id,
            requirement.group,
            requirement.title,
            requirement.severity,
            f"{requirement.id} — {requirement.document} {requirement.clause}",
            (document.url if document else None) or "",
        )


# One serialised scenario: resolved file, feature name, scenario name, path, line, tags.
_Row = tuple[str, str, str, str, int, tuple[str, ...]]


@dataclass(frozen=True)
class EnrichmentIndex:
    """The suite's scenarios by (feature file, name) and, for results the World never
    concluded (an unknown step), by (feature name, name); and the catalogue's requirements.
    Serialisable, so a runner process enriches without reading the features again."""

    rows: tuple[_Row, ...]
    requirements: Mapping[str, RequirementRef]
    by_file: Mapping[tuple[str, str], ScenarioRef] = field(init=False, repr=False, compare=False)
    by_feature: Mapping[tuple[str, str], ScenarioRef] = field(init=False, repr=False, compare=False)

    @classmethod
    def of(cls, scenarios: list[ScenarioInfo], catalogue: Catalogue) -> EnrichmentIndex:
        resolved: dict[Path, str] = {}  # one resolve() per feature file, not per scenario
        rows = []
        for scenario in scenarios:
            if scenario.path not in resolved:
                resolved[scenario.path] = str(scenario.path.resolve())
            rows.append(
                (
                    resolved[scenario.path],
                    scenario.feature,
                    scenario.name,
                    str(scenario.path),
                    scenario.line,
                    scenario.tags,
                )
            )
        requirements = {r.id: RequirementRef.of(r, catalogue) for r in catalogue.requirements}
        return cls(tuple(rows), requirements)

    def __post_init__(self) -> None:
        by_file: dict[tuple[str, str], ScenarioRef] = {}
        by_feature: dict[tuple[str, str], ScenarioRef] = {}
        for resolved, feature, name, path, line, tags in self.rows:
            ref = ScenarioRef(path, line, tags)
            by_file.setdefault((resolved, name), ref)
            by_feature.setdefault((feature, name), ref)
        object.__setattr__(self, "by_file", by_file)
        object.__setattr__(self, "by_feature", by_feature)

    def find(self, outcome: ScenarioOutcome | None, feature: str, name: str) -> ScenarioRef | None:
        if outcome is not None and outcome.scenario_name:
            found = self.by_file.get((outcome.feature_file, outcome.scenario_name))
            if found is not None:
                return found
        return self.by_feature.get((feature, name))

    def to_json(self) -> dict[str, Any]:
        return {
            "scenarios": [list(row) for row in self.rows],
            "requirements": [list(r.__dict__.values()) for r in self.requirements.values()],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EnrichmentIndex:
        """Raises ValueError (or KeyError/TypeError) on a document this class did not write."""
        rows = tuple(
            (str(f), str(feat), str(n), str(p), int(line), tuple(map(str, tags)))
            for f, feat, n, p, line, tags in data["scenarios"]
        )
        requirements = {
            str(values[0]): RequirementRef(*map(str, values)) for values in data["requirements"]
        }
        return cls(rows, requirements)


def _label(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


# What every step of the library is given under pytest-bdd (steps/binders/pytest_bdd.py): the
# World, a fixture, and the phrase the step's text matched, with its arguments. allure-pytest-bdd
# lists them among each step's parameters ("<harness.world.World object at 0x…>", the phrase),
# which says nothing the step's own text does not; behave's results have no step parameters.
FIXTURE_PARAMETERS = frozenset({"world", "bound"})


def _without_fixtures(steps: list[dict[str, Any]]) -> None:
    for step in steps:
        parameters = step.get("parameters")
        if parameters:
            kept = [p for p in parameters if p.get("name") not in FIXTURE_PARAMETERS]
            if kept:
                step["parameters"] = kept
            else:
                del step["parameters"]
        if step.get("steps"):
            _without_fixtures(step["steps"])


def enrich_result(
    data: dict[str, Any],
    index: EnrichmentIndex,
    run: RunIdentity,
    outcome: ScenarioOutcome | None = None,
) -> dict[str, Any]:
    """Complete one result document (an outcome already folded in, if the World wrote one;
    ``outcome``, when given, is the one folded in, not read back from the document)."""
    _without_fixtures(data.get("steps") or [])
    labels: list[dict[str, str]] = list(data.get("labels", []))
    feature = next((lb["value"] for lb in labels if lb.get("name") == "feature"), "")
    if outcome is None and OUTCOME_KEY in data:
        outcome = ScenarioOutcome.from_json(data[OUTCOME_KEY])
    base_name = (outcome.scenario_name if outcome else "") or str(data.get("name", ""))
    scenario = index.find(outcome, feature, base_name)
    tags = (
        scenario.tags
        if scenario
        else tuple(lb["value"] for lb in labels if lb.get("name") == "tag")
    )
    parsed = read_tags(tags)
    requirements = [
        r for rid in parsed.requirements if (r := index.requirements.get(rid)) is not None
    ]
    parameters = [
        p
        for p in data.get("parameters") or []
        if p.get("name") not in ("profile", "target", "runner")
    ]
    example = ", ".join(f"{p['name']}={p['value']}" for p in parameters)

    kept = [lb for lb in labels if lb.get("name") not in OWNED_LABELS]
    # The tree a stakeholder navigates (GROUP_BY): requirement group → feature file's
    # title → requirement → profile.
    new_labels = [
        _label("suite", feature),
        _label("parentSuite", EPIC),
        _label("feature", feature),
        _label("profile", run.profile),
    ]
    if requirements:
        first = requirements[0]
        new_labels += [
            _label("epic", first.group),
            _label("story", f"{first.id}: {first.title}"),
        ]
        worst = min(requirements, key=lambda r: SEVERITIES.index(r.severity))
        new_labels.append(_label("severity", worst.severity))
    else:
        new_labels += [_label("epic", EPIC), _label("severity", "normal")]
    new_labels += [_label("requirement", r.id) for r in requirements]
    new_labels += [_label("tag", t) for t in tags]
    links = [{"name": r.link_name, "url": r.url, "type": "requirement"} for r in requirements]
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
    if scenario is not None:
        data["harnessScenario"] = {"file": scenario.path, "line": scenario.line}
    return data


def enrich(
    files: set[Path],
    scenarios: list[ScenarioInfo],
    catalogue: Catalogue,
    run: RunIdentity,
) -> list[dict[str, Any]]:
    """Complete every result in ``files`` in place, as a pass after the runner; the enriched
    documents are returned, so the caller reads its verdicts without reading the files again."""
    index = EnrichmentIndex.of(scenarios, catalogue)
    documents = []
    for path in sorted(files):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            fold_outcome(data, path.parent)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"{path}: cannot read an Allure result: {exc}") from None
        enriched = enrich_result(data, index, run)
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
