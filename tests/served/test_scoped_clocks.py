"""Scoped clocks (docs/test-control.md, "Scoped clocks"): one served DSP, a clock per scope.

Two scenarios' Worlds talk to one served DSP's HTTP application in this process (the
adapter's HTTP client reaches it through an in-memory transport; asynchronous answers come
back to the adapter's receiver on loopback). Each World's adapter provisions in a scope of
its own, so each scenario's requests are judged at its own time and its held commands fall
due by its own clock; without a scope the DSP has one clock, as before."""

from __future__ import annotations

import contextlib
import random
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

import harness.adapters.http as http_adapter
import harness.server.app as served_app
from harness.adapters.provisioning import SetTime
from harness.adapters.target_config import TargetConfig, load_target_config
from harness.adapters.wire import scope_in, to_json
from harness.domain.clock import ScopedClocks
from harness.errors import InvalidValue
from harness.reference.cells import S1spFailure
from harness.reference.profiles import resolve
from harness.server.app import create_app
from harness.server.journal import Journal
from harness.server.service import ServedDsp
from harness.world import World

with warnings.catch_warnings():  # it asks for another httpx package; the pinned one works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

MPAN = "1200000000002"
PROFILE = "baseline"

WorldOn = Callable[[ServedDsp], World]


@pytest.fixture
def world_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[WorldOn]:
    """A World (one scenario: its own adapter, salt and, on a scoped target, scope) on the
    given served DSP."""
    with contextlib.ExitStack() as stack:
        apps: dict[str, TestClient] = {}

        def client_for(base_url: str, config: TargetConfig) -> httpx.Client:
            transport = apps[base_url]._transport
            return httpx.Client(base_url=base_url, timeout=config.timeout, transport=transport)

        monkeypatch.setattr(http_adapter, "client_for", client_for)
        config = load_target_config(None)
        urls: dict[int, str] = {}

        def world_on(service: ServedDsp) -> World:
            url = urls.setdefault(id(service), f"http://dsp-{len(urls)}.test")
            if url not in apps:
                apps[url] = stack.enter_context(TestClient(create_app(service)))
            adapter = http_adapter.DuisHttpAdapter(url, config)
            return World(adapter, PROFILE, salt=random.randrange(1, 1 << 62))

        yield world_on


def _service(journal: Journal | None = None) -> ServedDsp:
    return ServedDsp(resolve(PROFILE), schema=False, journal=journal)


def _cast(world: World, now: str, until: str | None = None) -> World:
    """A supplier registered for a SMETS1 meter's MPAN (outcomes readable over DUIS)."""
    world.set_time(now)
    world.add_party("Supplier-1", "IS")
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("Supplier-1", MPAN, "2025-01-01", until)
    return world


def _outcome(world: World) -> str:
    return world.last_attempt().observed().status


def test_two_scopes_at_different_instants_are_judged_each_at_its_own(
    world_on: WorldOn,
) -> None:
    service = _service()
    early, late = world_on(service), world_on(service)
    assert early.adapter.capabilities.scoped_clock
    # Registered until the end of 2026: eligible in June 2026, no longer in March 2027.
    _cast(early, "2026-06-01 09:00", "2027-01-01")
    _cast(late, "2027-03-01 09:00", "2027-01-01")  # set after the early one: one clock would move
    early.send("Supplier-1", "4.1.1", "m")
    late.send("Supplier-1", "4.1.1", "m")
    assert _outcome(early) == "completed"
    assert _outcome(late) == "rejected"
    assert service.clocks.scopes == {
        early.adapter.scope: datetime(2026, 6, 1, 9, tzinfo=UTC),
        late.adapter.scope: datetime(2027, 3, 1, 9, tzinfo=UTC),
    }


def test_a_held_command_falls_due_by_its_own_scopes_clock_only(world_on: WorldOn) -> None:
    service = _service()
    holder, mover = world_on(service), world_on(service)
    _cast(holder, "2026-06-01 09:00")
    _cast(mover, "2026-06-01 09:00")
    holder.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    assert _outcome(holder) == "pending"
    mover.reach_time("2026-07-05")  # another scope passes the execution time
    held = holder.last_attempt().request_id
    assert [c.request.request_id for c in service.dsp.state.scheduled] == [held]
    assert holder.adapter.collect(held) == []  # nothing delivered for it
    holder.reach_time("2026-07-01")  # its own clock does
    assert _outcome(holder) == "completed"
    assert service.dsp.state.scheduled == []


def test_without_a_scope_the_dsp_has_one_clock_as_before(
    world_on: WorldOn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target that does not advertise scoped clocks gets no scope; the served DSP then
    moves one clock for everyone: another scenario's move runs a held command."""
    monkeypatch.setattr(
        served_app,
        "CAPABILITIES",
        {k: v for k, v in served_app.CAPABILITIES.items() if k != "scoped_clock"},
    )
    service = _service()
    holder, mover = world_on(service), world_on(service)
    assert holder.adapter.scope is None
    assert not holder.adapter.capabilities.scoped_clock
    _cast(holder, "2026-06-01 09:00")
    _cast(mover, "2026-06-01 09:00")
    holder.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    mover.reach_time("2026-07-05")
    assert service.dsp.state.scheduled == []
    assert service.clocks.scopes == {}
    assert service.clocks.now() == datetime(2026, 7, 5, tzinfo=UTC)
    holder.reach_time("2026-07-05")  # collects what the other's move delivered
    assert _outcome(holder) == "completed"


def test_a_restart_replays_the_scoped_clocks(world_on: WorldOn, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    service = _service(Journal(state))
    holder, other = world_on(service), world_on(service)
    _cast(holder, "2026-06-01 09:00")
    _cast(other, "2027-03-01 09:00")
    holder.send("Supplier-1", "4.1.1", "m", execution="2026-06-30 12:00")
    other.reach_time("2027-04-01")
    before = service.clocks.scopes
    assert service.journal is not None
    service.journal.close()

    again = _service(Journal(state))
    assert again.clocks.scopes == before
    assert again.clocks.base.now() == service.clocks.base.now()
    held = holder.last_attempt().request_id
    assert [c.request.request_id for c in again.dsp.state.scheduled] == [held]
    assert again.clocks.scope_of(held.target) == holder.adapter.scope
    # the held command still falls due by its scope's clock, in the replayed DSP too
    assert holder.adapter.scope is not None
    again.provision(to_json(SetTime(datetime(2026, 7, 1, tzinfo=UTC)), scope=holder.adapter.scope))
    assert again.dsp.state.scheduled == []
    assert again.journal is not None
    again.journal.close()


def test_a_scope_is_a_short_plain_name() -> None:
    assert scope_in({"kind": "clock", "now": "2026-01-01T00:00:00Z"}) is None
    assert scope_in({"kind": "clock", "scope": "a1.b_c-d"}) == "a1.b_c-d"
    for bad in ("", "x" * 65, "a b", 7, "é"):
        with pytest.raises(InvalidValue):
            scope_in({"kind": "clock", "scope": bad})


def test_scoped_clocks_read_the_unscoped_clock_until_their_own_is_set() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clocks = ScopedClocks(start)
    clocks.assign("meter", "a")
    with clocks.within("a"):
        assert clocks.now() == start
        clocks.set(datetime(2026, 5, 1, tzinfo=UTC))
        assert clocks.owns("meter", "user")
        assert not clocks.owns("elsewhere")
    assert clocks.now() == start  # unscoped: untouched
    assert clocks.owns("elsewhere")
    assert not clocks.owns("meter")
    with clocks.within(clocks.scope_of("unknown", "meter")):
        assert clocks.now() == datetime(2026, 5, 1, tzinfo=UTC)


def test_a_signature_is_checked_at_its_scopes_time(world_on: WorldOn) -> None:
    """The harness's certificates are valid from 2020: a scope set to 2019 sees the
    signer's certificate not yet valid, while another scope's request verifies."""
    service = _service()
    early, now = world_on(service), world_on(service)
    _cast(early, "2019-06-01 09:00")
    _cast(now, "2026-06-01 09:00")
    early.send("Supplier-1", "4.1.1", "m")
    now.send("Supplier-1", "4.1.1", "m")
    refused = early.last_attempt().observed()
    assert (refused.status, refused.code) == ("rejected", "E50")
    assert _outcome(now) == "completed"


# -- the S1SP fault armed in a scope ------------------------------------------------------


def _replacing(world: World, now: str = "2026-06-01 09:00") -> World:
    """A network operator about to replace its own certificates on a SMETS1 meter (an
    update the S1SP applies)."""
    world.set_time(now)
    world.add_party("NO-A", "ED")
    world.add_party("NO-B", "ED")
    world.add_device("m", "ESME", "SMETS1", MPAN)
    world.register("NO-A", MPAN, "2025-01-01", None)
    world.place_certificates("m", "NetworkOperator", "NO-A")
    return world


def _update(world: World) -> str:
    world.send_krp("NO-A", "m", "NetworkOperator", "NO-B")
    observed = world.last_attempt().observed()
    return f"{observed.status} {observed.code}"


FAILED = "rejected S1SP02"


def test_a_fault_armed_in_a_scope_meets_that_scopes_update_only(world_on: WorldOn) -> None:
    service = _service()
    armed, other = _replacing(world_on(service)), _replacing(world_on(service))
    assert armed.adapter.capabilities.scoped_fault
    armed.inject_s1sp_fault()
    assert _update(other) == "completed None"  # another scope's update: the fault waits
    assert _update(armed) == FAILED  # its own scope's: the S1SP fails part-way
    assert _update(armed) == "completed None"  # once
    held = armed.adapter.held_certificates(armed.device("m").device_id)
    assert held.dsp == held.s1sp


def test_an_unscoped_fault_meets_the_next_update_of_any_scope(world_on: WorldOn) -> None:
    """Armed without a scope (as a target that keeps one clock is asked), the fault is one
    switch for the whole DSP, as before: the next update fails, whoever sends it."""
    service = _service()
    armed, other = _replacing(world_on(service)), _replacing(world_on(service))
    armed.adapter.scope = None
    armed.inject_s1sp_fault()
    assert service.dsp.state.s1sp.fault_hook is not None
    assert _update(other) == FAILED
    assert _update(armed) == "completed None"


def test_a_restart_replays_a_fault_armed_in_a_scope(world_on: WorldOn, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    service = _service(Journal(state))
    armed, other = _replacing(world_on(service)), _replacing(world_on(service))
    armed.inject_s1sp_fault()
    assert service.journal is not None
    service.journal.close()

    again = _service(Journal(state))
    assert armed.adapter.scope is not None
    assert set(again.dsp.state.s1sp.scoped_hooks) == {armed.adapter.scope}
    assert again.dsp.state.s1sp.fault_hook is None
    s1sp = again.dsp.state.s1sp
    others, armeds = (w.device("m").device_id for w in (other, armed))
    assert len(s1sp.notified(others)) == 2  # the cell pair: the fault fails at the second
    s1sp.replace(others, s1sp.notified(others))  # another scope's device: no fault
    with pytest.raises(S1spFailure):
        s1sp.replace(armeds, s1sp.notified(armeds))
    s1sp.replace(armeds, s1sp.notified(armeds))  # once
    assert again.journal is not None
    again.journal.close()
