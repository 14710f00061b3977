"""A corrected registration replaces the party's registrations in that role, in process and
over the wire."""

from __future__ import annotations

from datetime import UTC, datetime

from harness.adapters.provisioning import Register
from harness.adapters.wire import from_json, to_json
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint
from harness.domain.registration import Registration, RegistrationData
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval

MPAN = MeterPoint.parse("MPAN 1200000000002")
NO_A, NO_B = Eui64(1), Eui64(2)
ED = UserRole.ELECTRICITY_DISTRIBUTOR
JULY = datetime(2026, 7, 1, tzinfo=UTC)


def test_a_correction_travels_over_the_wire() -> None:
    ended = Register(Registration(MPAN, ED, NO_A, Interval(None, JULY)), replacing=True)
    decoded, _ = from_json(to_json(ended))
    assert decoded == ended
    plain = Register(Registration(MPAN, ED, NO_A, Interval()))
    assert from_json(to_json(plain))[0] == plain


def test_withdraw_forgets_only_that_party_in_that_role() -> None:
    data = RegistrationData()
    data.add(Registration(MPAN, ED, NO_A, Interval()))
    data.add(Registration(MPAN, ED, NO_B, Interval(JULY, None)))
    data.withdraw(MPAN, ED, NO_A)
    data.add(Registration(MPAN, ED, NO_A, Interval(None, JULY)))
    assert not data.is_registered_at(MPAN, ED, NO_A, JULY)
    assert data.is_registered_at(MPAN, ED, NO_A, datetime(2026, 6, 30, tzinfo=UTC))
    assert data.is_registered_at(MPAN, ED, NO_B, JULY)
