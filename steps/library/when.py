"""When: Users send Service Requests; time passes."""

from __future__ import annotations

from harness.adapters.base import envelope_fault
from harness.parameters import split_span
from harness.world import PreCommandStep, World
from steps.library.registry import when

_KRP = (
    '{party:Party} sends SRV 6.15.1 to "{device:Device}" replacing the {remote_role:RemoteRole} '
    "certificates with those of {owner:Party}"
)


@when(
    _KRP,
    example='NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator '
    "certificates with those of NO-A",
)
def krp(world: World, party: str, device: str, remote_role: str, owner: str) -> None:
    world.send_krp(party, device, remote_role, owner)


@when(
    _KRP + ", to take effect at {when:When}",
    example='NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
    "with those of NO-B, to take effect at 2026-07-01",
)
def krp_future(
    world: World, party: str, device: str, remote_role: str, owner: str, when: str
) -> None:
    world.send_krp(party, device, remote_role, owner, execution=when)


@when(
    _KRP + ", signing the pre-command with the key of {signer:Party}",
    example='NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
    "with those of NO-A, signing the pre-command with the key of NO-B",
)
def krp_other_signer(
    world: World, party: str, device: str, remote_role: str, owner: str, signer: str
) -> None:
    world.send_krp(party, device, remote_role, owner, signer=signer)


@when(
    _KRP + ", altering the pre-command after signing it",
    example='NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
    "with those of NO-A, altering the pre-command after signing it",
)
def krp_altered(world: World, party: str, device: str, remote_role: str, owner: str) -> None:
    world.send_krp(party, device, remote_role, owner, alter_pre_command=True)


@when(
    _KRP + ", being suspended before it signs the pre-command",
    example='NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
    "with those of NO-A, being suspended before it signs the pre-command",
)
def krp_suspended(world: World, party: str, device: str, remote_role: str, owner: str) -> None:
    world.send_krp(
        party, device, remote_role, owner, pre_command=PreCommandStep(suspend_sender=True)
    )


@when(
    _KRP + ", sending the signed pre-command on the {endpoint:Endpoint} web service",
    example='NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
    "with those of NO-A, sending the signed pre-command on the transform web service",
)
def krp_pre_command_endpoint(
    world: World, party: str, device: str, remote_role: str, owner: str, endpoint: str
) -> None:
    world.send_krp(party, device, remote_role, owner, pre_command=PreCommandStep(endpoint=endpoint))


@when(
    _KRP + ", signing the pre-command when the time reaches {when:Clock}",
    example='NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
    "with those of NO-A, signing the pre-command when the time reaches 2026-03-01 16:00",
)
def krp_signed_later(
    world: World, party: str, device: str, remote_role: str, owner: str, when: str
) -> None:
    world.send_krp(party, device, remote_role, owner, pre_command=PreCommandStep(sign_at=when))


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}"',
    example='Supplier-1 sends SRV 4.1.1 to "meter-1"',
)
def send(world: World, party: str, srv: str, device: str) -> None:
    world.send(party, srv, device)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" to take effect at {when:When}',
    example='Supplier-1 sends SRV 4.1.1 to "meter-1" to take effect at 2026-07-01',
)
def send_future(world: World, party: str, srv: str, device: str, when: str) -> None:
    world.send(party, srv, device, execution=when)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" for the period {period:Period}',
    example='NO-A sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-31',
)
def send_period(world: World, party: str, srv: str, device: str, period: str) -> None:
    world.send(party, srv, device, period=split_span(period, "to"))


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" for the period {period:Period}, '
    "to take effect at {when:When}",
    example='NO-A sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-31, '
    "to take effect at 2026-06-02",
)
def send_period_future(
    world: World, party: str, srv: str, device: str, period: str, when: str
) -> None:
    world.send(party, srv, device, period=split_span(period, "to"), execution=when)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" with the read-log period from '
    "{period:BackToFrontPeriod}, back to front on purpose",
    example='Supplier-1 sends SRV 4.8.1 to "meter-1" with the read-log period from '
    "2026-05-31 to 2026-05-01, back to front on purpose",
)
def send_back_to_front(world: World, party: str, srv: str, device: str, period: str) -> None:
    world.send(party, srv, device, period=split_span(period, "to"), back_to_front=True)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" with Command Variant {variant:Digits}',
    example='Supplier-1 sends SRV 4.1.1 to "meter-1" with Command Variant 4',
)
def send_variant(world: World, party: str, srv: str, device: str, variant: str) -> None:
    world.send(party, srv, device, command_variant=int(variant))


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" on the {endpoint:Endpoint} web service',
    example='Supplier-1 sends SRV 4.1.1 to "meter-1" on the transform web service',
)
def send_endpoint(world: World, party: str, srv: str, device: str, endpoint: str) -> None:
    world.send(party, srv, device, endpoint=endpoint)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" with the certificates of {owner:Party}',
    example='Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of NO-B',
)
def send_with_certificates(world: World, party: str, srv: str, device: str, owner: str) -> None:
    world.send(party, srv, device, certificates_of=owner)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" with the certificates of '
    "{owner:Party}, to take effect at {when:When}",
    example='Supplier-2 sends SRV 6.23 to "meter-1" with the certificates of Supplier-2, '
    "to take effect at 2026-07-01",
)
def send_with_certificates_future(
    world: World, party: str, srv: str, device: str, owner: str, when: str
) -> None:
    world.send(party, srv, device, certificates_of=owner, execution=when)


@when(
    '{party:Party} sends SRV 6.23 to "{device:Device}" for {meter_point:MeterPoint} with the '
    "certificates of {owner:Party}",
    example='Supplier-2 sends SRV 6.23 to "meter-1" for MPAN 1900000000004 with the '
    "certificates of Supplier-2",
)
def send_cos_meter_point(
    world: World, party: str, device: str, meter_point: str, owner: str
) -> None:
    world.send(party, "6.23", device, certificates_of=owner, meter_point=meter_point)


@when("the same request is sent again", example="the same request is sent again")
def replay(world: World) -> None:
    world.resend_last()


@when("the time reaches {when:Clock}", example="the time reaches 2026-07-01 00:00")
def time_reaches(world: World, when: str) -> None:
    world.reach_time(when)


@when(
    '{party:Party} sends a signed pre-command to "{device:Device}" that the DSP never transformed',
    example='NO-A sends a signed pre-command to "meter-1" that the DSP never transformed',
)
def orphan_signed(world: World, party: str, device: str) -> None:
    world.send_orphan_signed_pre_command(party, device)


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" signed with {fault:EnvelopeFault}',
    example='NO-A sends SRV 4.1.1 to "meter-1" signed with a tampered signature',
)
def send_with_envelope_fault(world: World, party: str, srv: str, device: str, fault: str) -> None:
    world.send(party, srv, device, fault=envelope_fault(fault))


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" to take effect at {when:When} '
    "signed with {fault:EnvelopeFault}",
    example='Supplier-1 sends SRV 4.1.1 to "meter-1" to take effect at 2026-03-02 '
    "signed with its midnight written as 24:00",
)
def send_future_dated_with_envelope_fault(
    world: World, party: str, srv: str, device: str, when: str, fault: str
) -> None:
    world.send(party, srv, device, execution=when, fault=envelope_fault(fault))


@when(
    '{party:Party} sends SRV {srv:Srv} to "{device:Device}" for the period {period:Period} '
    "signed with {fault:EnvelopeFault}",
    example='Supplier-1 sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-31 '
    "signed with an inverted read log period",
)
def send_period_with_envelope_fault(
    world: World, party: str, srv: str, device: str, period: str, fault: str
) -> None:
    world.send(party, srv, device, period=split_span(period, "to"), fault=envelope_fault(fault))


@when(
    '{party:Party} sends SRV 6.24.2 to "{device:Device}" asking for its '
    "{credential:Words} certificate",
    example='Supplier-1 sends SRV 6.24.2 to "meter-1" asking for its key agreement certificate',
)
def send_device_credentials(world: World, party: str, device: str, credential: str) -> None:
    world.send(party, "6.24.2", device, options={"credential_type": credential})
