"""Small rules taken from the DCC's material and the profile parameters where the sources
leave the DSP a choice (docs/rules.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from harness.domain.requests import CANCELLATION_TIME
from harness.domain.roles import RemotePartyRole, UserRole
from harness.reference.context import PastExecution
from harness.reference.ownership import Smets1OwnershipAt
from harness.reference.profiles import PROFILES, resolve


def test_role_names_take_the_right_article() -> None:
    assert UserRole.IMPORT_SUPPLIER.with_article == "an Import Supplier"
    assert UserRole.EXPORT_SUPPLIER.with_article == "an Export Supplier"
    assert UserRole.OTHER_USER.with_article == "an Other User"
    assert UserRole.GAS_SUPPLIER.with_article == "a Gas Supplier"


def test_the_root_certificate_role_code_is_the_dcc_templates() -> None:
    assert RemotePartyRole.ROOT.ou_code == "00"
    assert RemotePartyRole.RECOVERY.ou_code == "01"


def test_the_cancellation_time_is_the_dcc_templates() -> None:
    assert datetime(3000, 12, 31, tzinfo=UTC) == CANCELLATION_TIME


def test_every_standard_profile_states_its_parameters() -> None:
    for profile in PROFILES.values():
        assert profile.past_execution is PastExecution.NOW
        assert profile.smets1_ownership_at is Smets1OwnershipAt.S1SP


def test_the_switch_moves_the_smets1_ownership_check_into_the_dsp() -> None:
    profile = resolve("dp107-owner-path+smets1-ownership-in-dsp")
    assert profile.smets1_ownership_at is Smets1OwnershipAt.DSP
    assert profile.rdp_scope is PROFILES["dp107-owner-path"].rdp_scope
