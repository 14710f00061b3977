"""``dsp-conformance check --target-config FILE``: before anything is sent, which scenarios
will run against a target, which will not, and why.

Each scenario's Givens run against a target that only answers what its configuration
declares: the conformance statement (``[ics]``: SRVs, devices, capabilities, the profile it
claims) and the binding (``[binding]``: its Users, devices, registrations, held certificates
and clock). Nothing is sent; a scenario whose Givens all hold will run, any other is not
applicable with the reason the run would give.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness.adapters.base import Capabilities, EnvelopeFault, HeldCertificates
from harness.adapters.provisioning import Provision
from harness.adapters.target_config import load_target_config
from harness.binding import Binding, load_binding
from harness.domain.eui import Eui64
from harness.domain.requests import RequestId, Response, ServiceRequest
from harness.errors import HarnessError, NotApplicable
from harness.features import ScenarioInfo
from harness.ics import Ics, load_ics
from harness.pki import Credential
from harness.tags import read_tags
from harness.world import World
from steps.library import Table, call, matching_steps


class DeclaredTarget:
    """A target as its configuration declares it: it provisions (and answers) nothing."""

    name = "the declared target"

    def __init__(self, capabilities: Capabilities) -> None:
        self.capabilities = capabilities
        self.last_raw: tuple[bytes, bytes] | None = None

    def provision(self, command: Provision) -> None:
        return None  # only reached when the statement claims provisioning

    def enrol_signer(self, user_id: Eui64, credential: Credential) -> None:
        return None

    def enrol_command_signer(self, user_id: Eui64, credential: Credential) -> None:
        return None

    def submit(self, request: ServiceRequest, fault: EnvelopeFault | None = None) -> Response:
        raise HarnessError("a plan sends nothing")

    def collect(self, request_id: RequestId) -> list[Response]:
        return []

    def held_certificates(self, device_id: Eui64) -> HeldCertificates:
        raise HarnessError("a plan inspects nothing")

    def close(self) -> None:
        return None


def declared_capabilities(ics: Ics) -> Capabilities:
    """What the statement claims; a target that claims nothing offers no test control. The
    harness faults a DUIS envelope itself, and no DUIS answer cites a requirement."""
    claimed = ics.capabilities or frozenset()
    return Capabilities(
        provision="provision" in claimed,
        move_clock="move_clock" in claimed,
        inspect="inspect" in claimed,
        inject_faults="inject_faults" in claimed,
        xml_envelope=True,
        cite_requirements=False,
    )


@dataclass(frozen=True)
class Planned:
    scenario: ScenarioInfo
    reason: str = ""  # empty: it will run
    group: str = ""


def plan_scenario(scenario: ScenarioInfo, profile: str, ics: Ics, binding: Binding) -> Planned:
    world = World(
        DeclaredTarget(declared_capabilities(ics)), profile, salt=1, binding=binding, ics=ics
    )
    try:
        world.begin(read_tags(scenario.tags))
        for line in scenario.steps:
            found = matching_steps(line.text, line.keyword)
            if len(found) != 1:
                return Planned(scenario, f"{len(found)} steps match {line.text!r}", "bad step")
            arguments = found[0].match(line.text)
            assert arguments is not None
            table = _table(line.table)
            if line.keyword == "when":
                _srv_of(world, line.text)
            elif line.keyword == "then":
                _then(world, line.text)
            else:
                call(found[0], world, arguments, table)
    except NotApplicable as exc:
        return Planned(scenario, str(exc), exc.group)
    return Planned(scenario)


def _table(rows: tuple[tuple[str, ...], ...] | None) -> Table | None:
    if rows is None:
        return None
    head, *body = rows
    return [dict(zip(head, row, strict=True)) for row in body]


def _then(world: World, text: str) -> None:
    """What a Then needs of the target, as the World would ask it."""
    if "cites requirement" in text:
        world.require("cite_requirements")
    elif "certificates held for" in text or "copies" in text:
        world.require("inspect")


def _srv_of(world: World, text: str) -> None:
    """The SRV a When sends, checked against the statement (the World checks it again)."""
    if text.startswith("the time reaches"):
        world.require("move_clock")
    words = text.split()
    if "SRV" in words and words.index("SRV") + 1 < len(words):
        world.ics.srv(words[words.index("SRV") + 1])


def plan(scenarios: list[ScenarioInfo], config: Path) -> tuple[str, list[Planned]]:
    load_target_config(config)  # a bad file is bad input before anything else
    ics = load_ics(config) or Ics()
    binding = load_binding(config) or Binding()
    profile = ics.profile or "baseline"
    chosen = [s for s in scenarios if "generated" not in s.tags]
    return profile, [plan_scenario(s, profile, ics, binding) for s in chosen]


def print_plan(profile: str, planned: list[Planned], *, verbose: bool) -> None:
    runnable = [p for p in planned if not p.reason]
    excluded = Counter(p.group for p in planned if p.reason)
    print(
        f"dsp-conformance: judged by the profile the target claims: {profile}\n"
        f"dsp-conformance: {len(planned)} scenario runs: {len(runnable)} will run, "
        f"{len(planned) - len(runnable)} not applicable"
    )
    for group, count in sorted(excluded.items(), key=lambda item: (-item[1], item[0])):
        print(f"dsp-conformance:   not applicable ({count}): {group}")
    if verbose:
        for p in planned:
            verdict = "will run" if not p.reason else f"not applicable: {p.reason}"
            print(f"  {p.scenario.where} {p.scenario.name} — {verdict}")
