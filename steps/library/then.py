"""Then: what the DSP, the S1SP or the device did, and what the device now holds."""

from __future__ import annotations

from harness.expectations import parse_expectation
from harness.parameters import DCC_HOLDER, HOLDERS_TABLE, NOBODY, OUTCOME_TABLE
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


@then(
    'the read reports that "{device:Device}" holds "{party:Party}"\'s certificate in the '
    "{remote_role:RemoteRole} cell",
    example='the read reports that "meter-1" holds "NO-B"\'s certificate in the network '
    "operator cell",
)
def read_reports_holder(world: World, device: str, party: str, remote_role: str) -> None:
    world.expect_read_reports_holder(device, remote_role, party)


@then(
    'the read reports that "{device:Device}" holds no certificate in the '
    "{remote_role:RemoteRole} cell",
    example='the read reports that "meter-1" holds no certificate in the supplier cell',
)
def read_reports_nobody(world: World, device: str, remote_role: str) -> None:
    world.expect_read_reports_holder(device, remote_role, NOBODY)


@then(
    'the read reports that "{device:Device}" is still DCC-controlled in the '
    "{remote_role:RemoteRole} cell",
    example='the read reports that "meter-2" is still DCC-controlled in the network operator cell',
)
def read_reports_dcc(world: World, device: str, remote_role: str) -> None:
    world.expect_read_reports_holder(device, remote_role, DCC_HOLDER)


@then(
    'the read reports whose certificate "{device:Device}" holds in the '
    "{remote_role:RemoteRole} cell, depending on the profile:",
    example='the read reports whose certificate "meter-1" holds in the network operator cell, '
    "depending on the profile: (table: profile | holder; holder is a party, nobody or the DCC)",
    table=HOLDERS_TABLE,
)
def read_reports_holder_per_profile(
    world: World, device: str, remote_role: str, table: Table
) -> None:
    world.expect_read_reports_holder_per_profile(
        device, remote_role, [(row["profile"], row["holder"]) for row in table]
    )


@then(
    'the read reports the active import register of "{device:Device}"',
    example='the read reports the active import register of "meter-1"',
)
def read_reports_register(world: World, device: str) -> None:
    world.expect_read_reports_register(device)


@then(
    'the read reports {count:Digits} log entries of "{device:Device}"',
    example='the read reports 1440 log entries of "meter-1"',
)
def read_reports_entries(world: World, device: str, count: str) -> None:
    world.expect_read_reports_entries(device, int(count))
