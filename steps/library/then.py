"""Then: what the DSP, the S1SP or the device did, and what the device now holds."""

from __future__ import annotations

from harness.expectations import parse_expectation
from harness.parameters import HOLDERS_TABLE, NOBODY, OUTCOME_TABLE
from harness.world import World
from steps.library.registry import Table, then


@then(
    "the request is rejected by the DSP with {code:Code}",
    example="the request is rejected by the DSP with E4",
)
def rejected_by_dsp(world: World, code: str) -> None:
    world.expect(parse_expectation(f"rejected by the DSP with {code}"))


@then(
    "the command is rejected by the {answerer:Answerer}",
    example="the command is rejected by the S1SP",
)
def rejected_by(world: World, answerer: str) -> None:
    world.expect(parse_expectation(f"rejected by the {answerer}"))


@then("the request is applied", example="the request is applied")
def applied(world: World) -> None:
    world.expect(parse_expectation("applied"))


@then("the request is pending", example="the request is pending")
def pending(world: World) -> None:
    world.expect(parse_expectation("pending"))


@then('the outcome is "{outcome:Outcome}"', example='the outcome is "rejected by the DSP with E4"')
def outcome(world: World, outcome: str) -> None:
    world.expect(parse_expectation(outcome))


@then(
    "the outcome depends on the profile:",
    example="the outcome depends on the profile: (table: profile | outcome)",
    table=OUTCOME_TABLE,
)
def outcome_per_profile(world: World, table: Table) -> None:
    effects = {row["profile"]: row["effect"] for row in table if row.get("effect")}
    world.expect_per_profile([(row["profile"], row["outcome"]) for row in table], effects)


@then(
    "the rejection cites requirement {requirement:Name}",
    example="the rejection cites requirement SRPD-6.1f-iii",
)
def cites(world: World, requirement: str) -> None:
    world.expect_requirement(requirement)


@then(
    'the {remote_role:RemoteRole} certificates held for "{device:Device}" belong to {party:Party}',
    example='the network operator certificates held for "meter-1" belong to NO-A',
)
def holder(world: World, remote_role: str, device: str, party: str) -> None:
    world.expect_holder(device, remote_role, party)


@then(
    'no {remote_role:RemoteRole} certificates are held for "{device:Device}"',
    example='no network operator certificates are held for "meter-1"',
)
def holder_nobody(world: World, remote_role: str, device: str) -> None:
    world.expect_holder(device, remote_role, NOBODY)


@then(
    'the {remote_role:RemoteRole} certificates held for "{device:Device}" depend on the profile:',
    example='the network operator certificates held for "meter-1" depend on the profile: '
    "(table: profile | holder; holder is a party or nobody)",
    table=HOLDERS_TABLE,
)
def holder_per_profile(world: World, remote_role: str, device: str, table: Table) -> None:
    world.expect_holder_per_profile(
        device, remote_role, [(row["profile"], row["holder"]) for row in table]
    )


@then(
    'the DSP and S1SP copies of the certificates for "{device:Device}" agree',
    example='the DSP and S1SP copies of the certificates for "meter-1" agree',
)
def copies_agree(world: World, device: str) -> None:
    world.expect_copies_agree(device)
