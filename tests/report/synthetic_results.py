"""Write Allure results directories shaped like allure-pytest-bdd 2.16.2 writes them.

Parameters are written the way allure-python writes them (``repr`` of the value, so the string
``baseline`` becomes ``'baseline'``), the ``profile`` parameter appears twice as it does when a
pytest fixture is parametrised and the step also records it, and requirement IDs arrive through
labels, ``req:`` tags and links alike.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.expectations import expectation_for_profile
from harness.results.outcome import OUTCOME_KEY, ScenarioOutcome
from harness.results.verdict import Verdict

BASELINE = "baseline"
OWNER = "dp107-owner-path"
REGISTERED = "dp107-registered-path"
MP063 = "baseline+mp063-check"
PROFILES = (BASELINE, OWNER, REGISTERED, MP063)
REFERENCE = "reference"
HTTP_TARGET = "http://127.0.0.1:8080"
HOSTILE = '<script>alert("pwned")</script> & "quoted" scenario'
HOSTILE_MESSAGE = "<img src=x onerror=alert(1)> went wrong"
T0 = 1_795_000_000_000  # a fixed instant (ms) so reports are reproducible


@dataclass(frozen=True)
class Outcome:
    status: str  # passed | failed | broken | skipped
    message: str = ""
    description: str = ""


PASS = Outcome("passed")


@dataclass(frozen=True)
class Scenario:
    name: str
    feature: str
    requirements: tuple[str, ...]
    outcomes: Mapping[str, Outcome]  # profile -> outcome; absent profile: not run
    examples: tuple[tuple[str, str], ...] = ()
    story: str | None = None
    severity: str = "normal"
    targets: tuple[str, ...] = (REFERENCE,)
    via_links: bool = False  # cite requirements by link instead of label
    runners: tuple[str | None, ...] = (None,)  # None: no runner parameter, as allure writes
    profile_table: tuple[tuple[str, str], ...] = ()  # "Then the outcome depends on the profile"


@dataclass
class ResultsWriter:
    directory: Path
    clock: int = T0
    written: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    def scenario(self, scenario: Scenario) -> None:
        for runner in scenario.runners:
            for target in scenario.targets:
                for profile, outcome in scenario.outcomes.items():
                    self.result(scenario, profile, target, outcome, runner=runner)

    def result(
        self,
        scenario: Scenario,
        profile: str,
        target: str,
        outcome: Outcome,
        *,
        duration: int = 40,
        attach: bool = True,
        runner: str | None = None,
    ) -> dict[str, Any]:
        result_uuid = str(uuid.uuid4())
        start = self.clock
        self.clock += duration + 5
        labels = [
            {"name": "host", "value": "ci-runner"},
            {"name": "framework", "value": "pytest-bdd"},
            {"name": "language", "value": "cpython3"},
            {"name": "epic", "value": "DSP conformance"},
            {"name": "feature", "value": scenario.feature},
            {"name": "severity", "value": scenario.severity},
            {"name": "parentSuite", "value": scenario.feature},
        ]
        if scenario.story:
            labels.append({"name": "story", "value": scenario.story})
        links = []
        for requirement in scenario.requirements:
            labels.append({"name": "tag", "value": f"req:{requirement}"})
            if scenario.via_links:  # named the way the harness names them: "ID — clause"
                links.append(
                    {
                        "type": "requirement",
                        "name": f"{requirement} — RequestID uniqueness",
                        "url": "https://smartenergycodecompany.co.uk/the-smart-energy-code-2/",
                    }
                )
            else:
                labels.append({"name": "requirement", "value": requirement})
        parameters = [
            {"name": "profile", "value": repr(profile)},
            *({"name": k, "value": repr(v)} for k, v in scenario.examples),
            {"name": "profile", "value": repr(profile)},
            {"name": "target", "value": repr(target)},
            *([{"name": "runner", "value": runner}] if runner else []),
        ]
        steps: list[dict[str, Any]] = [
            {
                "name": "Given a SMETS1 ESME whose notified NO certificate belongs to NO-B",
                "status": "passed",
                "start": start,
                "stop": start + 10,
            },
            {
                "name": "When NO-A sends SRV 6.15.1 replacing the NO certificate",
                "status": "passed",
                "start": start + 10,
                "stop": start + 30,
            },
            {
                "name": "Then the outcome is as the profile requires",
                "status": outcome.status,
                "start": start + 30,
                "stop": start + duration,
            },
        ]
        if attach:
            source = f"{uuid.uuid4()}-attachment.xml"
            (self.directory / source).write_text(
                "<sr:Request xmlns:sr='http://www.dccinterface.co.uk/ServiceUserGateway'/>",
                encoding="utf-8",
            )
            steps[1]["attachments"] = [
                {"name": "DUIS request", "source": source, "type": "application/xml"}
            ]
        if scenario.profile_table:
            table = f"{uuid.uuid4()}-attachment.csv"
            lines = ["profile,outcome", *(f"{p},{o}" for p, o in scenario.profile_table)]
            (self.directory / table).write_text("\n".join(lines), encoding="utf-8")
            steps[2]["attachments"] = [{"name": "Data table", "source": table, "type": "text/csv"}]
        document: dict[str, Any] = {
            "name": scenario.name,
            "status": outcome.status,
            "steps": steps,
            "parameters": parameters,
            "start": start,
            "stop": start + duration,
            "uuid": result_uuid,
            "historyId": f"{abs(hash((scenario.name, profile, target))):x}",
            "testCaseId": f"{abs(hash(scenario.name)):x}",
            "fullName": f"features/dp107.feature:{scenario.name}",
            "labels": labels,
            "links": links,
            "titlePath": [scenario.feature],
        }
        if scenario.profile_table:  # the outcome the World records, as enrichment stores it
            expected = expectation_for_profile(scenario.profile_table, profile).stated()
            document[OUTCOME_KEY] = ScenarioOutcome(
                Verdict.from_status(outcome.status),
                outcome.message,
                expected=expected,
                by_profile=True,
            ).to_json()
        if outcome.message:
            document["statusDetails"] = {"message": outcome.message, "trace": "Traceback: ..."}
        if outcome.description:
            document["description"] = outcome.description
        path = self.directory / f"{result_uuid}-result.json"
        path.write_text(json.dumps(document, indent=1), encoding="utf-8")
        self.written.append(path)
        return document

    def container(self, children: Iterable[str], fixture_attachment: str) -> str:
        source = f"{uuid.uuid4()}-attachment.txt"
        (self.directory / source).write_text("provisioned state", encoding="utf-8")
        container_uuid = str(uuid.uuid4())
        (self.directory / f"{container_uuid}-container.json").write_text(
            json.dumps(
                {
                    "uuid": container_uuid,
                    "children": list(children),
                    "befores": [
                        {
                            "name": "world",
                            "status": "passed",
                            "attachments": [
                                {"name": fixture_attachment, "source": source, "type": "text/plain"}
                            ],
                        }
                    ],
                    "start": T0,
                    "stop": T0 + 1,
                }
            ),
            encoding="utf-8",
        )
        return source

    def environment(self, properties: Mapping[str, str]) -> None:
        lines = ["# written by dsp-conformance run"]
        lines += [f"{key}={value}" for key, value in properties.items()]
        (self.directory / "environment.properties").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )

    def kill_matrix(self, mutants: list[dict[str, Any]]) -> None:
        (self.directory / "kill-matrix.json").write_text(
            json.dumps({"mutants": mutants}), encoding="utf-8"
        )


def every(outcome: Outcome, profiles: Iterable[str] = PROFILES) -> dict[str, Outcome]:
    return dict.fromkeys(profiles, outcome)


DEADLOCK_REGISTERED = Scenario(
    name="The registered NO cannot replace a wrong NO certificate",
    feature="DP107: a wrong NO certificate on a SMETS1 meter",
    requirements=("DP107-deadlock", "SEC-OWNERSHIP-SMETS1"),
    story="the deadlock",
    severity="blocker",
    profile_table=(
        (BASELINE, "rejected by the S1SP"),
        ("+mp063-check", "rejected by the S1SP with I0"),
        (REGISTERED, "applied"),
        ("any other profile", "rejected by the S1SP"),
    ),
    outcomes={
        BASELINE: Outcome(
            "passed", description="rejected by the S1SP with I0: NO-A does not own the certificate"
        ),
        OWNER: Outcome(
            "passed", description="rejected by the S1SP with I0: the owner path does not help NO-A"
        ),
        REGISTERED: Outcome(
            "failed",
            message="expected: applied (the registered NO may replace it); "
            "observed: rejected by the S1SP with I0",
        ),
        MP063: Outcome("passed", description="rejected by the S1SP with I0"),
    },
)
DEADLOCK_OWNER = Scenario(
    name="The certificate's owner cannot replace it either",
    feature="DP107: a wrong NO certificate on a SMETS1 meter",
    requirements=("DP107-deadlock", "SRPD-6.1f-ii"),
    story="the deadlock",
    severity="blocker",
    outcomes={
        BASELINE: Outcome("passed", description="rejected by the DSP with E4 [SRPD-6.1f-ii]"),
        OWNER: Outcome("passed", description="applied: the RDP check is waived for the owner"),
        REGISTERED: Outcome("passed", description="rejected by the DSP with E4 [SRPD-6.1f-ii]"),
        MP063: Outcome("passed", description="rejected by the DSP with E4 [SRPD-6.1f-ii]"),
    },
)
HAZARD = Scenario(
    name="The correct NO sends another NO's certificates by mistake",
    feature="DP107: a wrong NO certificate on a SMETS1 meter",
    requirements=("DP107-hazard",),
    story="the hazard",
    outcomes={
        BASELINE: PASS,
        OWNER: PASS,
        REGISTERED: PASS,
        MP063: Outcome(
            "skipped", message="mp063-check only covers Service Requests sent by a Supplier"
        ),
    },
)
SMETS2_CONTRAST = Scenario(
    name="On SMETS2 the owner of the current certificate can always replace it",
    feature="DP107: a wrong NO certificate on a SMETS1 meter",
    requirements=("DP107-smets2-contrast",),
    outcomes=every(
        Outcome("passed", description="A SMETS2 device checks ownership itself; no RDP check.")
    ),
)
DATE_RANGE = Scenario(
    name="A date range straddling a change of registration passes for nobody",
    feature="SRPD 6.1(f) eligibility",
    requirements=("SRPD-6.1f-i",),
    outcomes=every(PASS),
    targets=(REFERENCE, HTTP_TARGET),
)
UNKNOWN_USER = Scenario(
    name="An unknown User ID is rejected with E1",
    feature="DUIS authorisation",
    requirements=("DUIS-E1",),
    outcomes={
        BASELINE: PASS,
        OWNER: PASS,
        REGISTERED: Outcome(
            "broken", message="Inconclusive: target unreachable: connection refused"
        ),
        MP063: PASS,
    },
)
HOSTILE_SCENARIO = Scenario(
    name=HOSTILE,
    feature="DUIS authorisation <b>bold</b>",
    requirements=("DUIS-E2",),
    outcomes={BASELINE: Outcome("failed", message=HOSTILE_MESSAGE), OWNER: PASS},
)
UNCATALOGUED = Scenario(
    name="A scenario citing a requirement nobody catalogued",
    feature="DUIS envelope",
    requirements=("XYZ-not-in-catalogue",),
    outcomes={BASELINE: PASS},
)
UNCITED = Scenario(
    name="A scenario citing no requirement at all",
    feature="DUIS envelope",
    requirements=(),
    outcomes={BASELINE: PASS},
)
REQUEST_ID_1 = Scenario(
    name="A RequestID counter is never accepted twice",
    feature="DUIS envelope",
    requirements=("DUIS-request-id",),
    outcomes=every(PASS, (BASELINE, OWNER)),
    examples=(("counter", "1"),),
    via_links=True,
)
REQUEST_ID_2 = Scenario(
    name="A RequestID counter is never accepted twice",
    feature="DUIS envelope",
    requirements=("DUIS-request-id",),
    outcomes={BASELINE: PASS, OWNER: Outcome("failed", message="E44 expected, got I0")},
    examples=(("counter", "18446744073709551615"),),
    via_links=True,
)
TWO_RUNNERS = Scenario(
    name="A User whose status does not allow Service Requests is rejected",
    feature="DUIS authorisation",
    requirements=("DUIS-E2",),
    outcomes={BASELINE: PASS},
    runners=("pytest-bdd", "behave"),
)
PRECOMMAND = Scenario(
    name="A signed pre-command must be the one the DSP issued",
    feature="Critical command flow",
    requirements=("CRIT-precommand",),
    outcomes=every(
        Outcome("skipped", message="the target does not declare the capability 'critical-flow'")
    ),
)

ALL_SCENARIOS = (
    DEADLOCK_REGISTERED,
    DEADLOCK_OWNER,
    HAZARD,
    SMETS2_CONTRAST,
    DATE_RANGE,
    UNKNOWN_USER,
    HOSTILE_SCENARIO,
    UNCATALOGUED,
    UNCITED,
    REQUEST_ID_1,
    REQUEST_ID_2,
    PRECOMMAND,
)

KILL_MATRIX = [
    {
        "name": "drop-rdp-check",
        "description": "the DSP skips the SRPD 6.1(f) check for SMETS1 critical SRs",
        "killed_by": [DEADLOCK_OWNER.name, DATE_RANGE.name],
    },
    {
        "name": "accept-any-owner",
        "description": "the S1SP accepts a signature by <any> NO",
        "killed_by": [],
    },
]


def write_conformance_run(directory: Path) -> ResultsWriter:
    """A run of every scenario above under all four profiles, with the extras a run writes."""
    writer = ResultsWriter(directory)
    # An earlier attempt of the deadlock scenario that a retry superseded.
    writer.result(
        DEADLOCK_OWNER,
        BASELINE,
        REFERENCE,
        Outcome("broken", message="Inconclusive: timed out"),
        attach=False,
    )
    for scenario in ALL_SCENARIOS:
        writer.scenario(scenario)
    first = json.loads(writer.written[1].read_text(encoding="utf-8"))
    writer.container([first["uuid"]], "provisioned world")
    writer.environment(
        {"git.sha": "4f3c2b1a9e8d", "duis.schema.version": "5.4", "harness.version": "0.1.0"}
    )
    writer.kill_matrix(KILL_MATRIX)
    return writer
