"""The served DSP's latency model (harness/server/latency.py): ranges as written, delays
drawn reproducibly from a seed, every delay served logged under its RequestID, and the
asynchronous answers held back by the device delay (the Dispatcher)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from harness.errors import ConfigurationError
from harness.server.app import Dispatcher
from harness.server.latency import (
    DEVICE,
    SYNC,
    DelayRange,
    Latency,
    LatencyModel,
    read_log,
    request_id_in,
)
from harness.server.service import Delivery


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("200-500ms", 0.2, 0.5),
        ("2-8s", 2.0, 8.0),
        ("300ms", 0.3, 0.3),
        ("1.5s", 1.5, 1.5),
        ("0", 0.0, 0.0),
        (" 2 - 3 ", 2.0, 3.0),
    ],
)
def test_a_range_is_read_as_written(text: str, low: float, high: float) -> None:
    assert DelayRange.parse(text, "--sync-delay") == DelayRange(low, high)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("5-1ms", "ends before it starts"),
        ("fast", "e.g. 300ms"),
        ("-1s", "e.g. 300ms"),
        ("2h", "e.g. 300ms"),
        ("7200s", "more than an hour"),
    ],
)
def test_a_bad_range_is_one_clear_error(text: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says) as raised:
        DelayRange.parse(text, "--device-delay")
    assert "--device-delay" in str(raised.value)


def test_a_negative_fixed_delay_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="cannot be negative"):
        DelayRange.fixed_ms(-5, "--delay-ms")


def _draws(seed: int, count: int) -> tuple[list[float], list[float]]:
    latency = Latency(LatencyModel(DelayRange(0.2, 0.5), DelayRange(2, 8), seed))
    sync = [latency.sync_delay(b"") for _ in range(count)]
    device = [latency.device_delay("R") for _ in range(count)]
    return sync, device


def test_the_seed_makes_the_sequence_of_delays_reproducible() -> None:
    first, again, other = _draws(1, 50), _draws(1, 50), _draws(2, 50)
    assert first == again
    assert first != other
    sync, device = first
    assert all(0.2 <= s <= 0.5 for s in sync)
    assert all(2 <= d <= 8 for d in device)
    assert len(set(sync)) > 40  # jitter, not one value


def test_the_two_kinds_draw_from_their_own_sequences() -> None:
    """Interleaving synchronous and asynchronous answers differently changes neither."""
    model = LatencyModel(DelayRange(0.2, 0.5), DelayRange(2, 8), 3)
    one, two = Latency(model), Latency(model)
    sync_one = [one.sync_delay(b"") for _ in range(5)]
    device_one = [one.device_delay("R") for _ in range(5)]
    device_two, sync_two = [], []
    for _ in range(5):
        device_two.append(two.device_delay("R"))
        sync_two.append(two.sync_delay(b""))
    assert (sync_one, device_one) == (sync_two, device_two)


def test_no_delay_draws_nothing_and_logs_nothing(tmp_path: Path) -> None:
    latency = Latency(LatencyModel(), tmp_path / "log")
    assert latency.sync_delay(b"<sr:RequestID>A:B:1</sr:RequestID>") == 0
    assert latency.device_delay("A:B:1") == 0
    latency.close()
    assert read_log(tmp_path / "log") == []


def test_every_delay_served_is_logged_under_its_request_id(tmp_path: Path) -> None:
    log = tmp_path / "delays.jsonl"
    latency = Latency(LatencyModel(DelayRange(0.1, 0.2), DelayRange(1, 2), 0), log)
    response = b"<sr:Response><sr:Header><sr:RequestID>90-B3:00-DB:7</sr:RequestID></sr:Header>"
    served_sync = latency.sync_delay(response)
    served_device = latency.device_delay("90-B3:00-DB:7")
    latency.close()
    entries = read_log(log)
    assert [(e["kind"], e["request_id"]) for e in entries] == [
        (SYNC, "90-B3:00-DB:7"),
        (DEVICE, "90-B3:00-DB:7"),
    ]
    assert entries[0]["seconds"] == pytest.approx(served_sync, abs=1e-6)
    assert entries[1]["seconds"] == pytest.approx(served_device, abs=1e-6)
    assert latency.served[SYNC] == pytest.approx(served_sync)


def test_a_log_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="--latency-log"):
        Latency(LatencyModel(), tmp_path / "no-such-folder" / "log")


def test_the_request_id_is_read_from_any_prefix() -> None:
    assert request_id_in(b"<RequestID>A:B:1</RequestID>") == "A:B:1"
    assert request_id_in(b"<x:RequestID> A:B:2 </x:RequestID>") == "A:B:2"
    assert request_id_in(b"<sr:Other/>") is None


class _Courier:
    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []

    def client(self) -> _Courier:
        return self

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> None:
        self.sent.append((asyncio.get_running_loop().time(), url))


def test_the_device_delay_holds_asynchronous_answers_back() -> None:
    async def scenario() -> tuple[float, list[tuple[float, str]], int]:
        courier = _Courier()
        latency = Latency(LatencyModel(device=DelayRange(0.2, 0.2)))
        dispatcher = Dispatcher(courier, latency)  # type: ignore[arg-type]
        began = asyncio.get_running_loop().time()
        await dispatcher.dispatch([Delivery("http://u/1", b"<a/>", "A:B:1")])
        held = len(courier.sent)
        await asyncio.sleep(0.4)
        return began, courier.sent, held

    began, sent, held_at_once = asyncio.run(scenario())
    assert held_at_once == 0
    assert [url for _, url in sent] == ["http://u/1"]
    assert sent[0][0] - began >= 0.2


def test_without_a_device_delay_answers_go_before_the_synchronous_one() -> None:
    async def scenario() -> int:
        courier = _Courier()
        dispatcher = Dispatcher(courier, Latency(LatencyModel()))  # type: ignore[arg-type]
        await dispatcher.dispatch([Delivery("http://u/1", b"<a/>", "A:B:1")])
        return len(courier.sent)

    assert asyncio.run(scenario()) == 1
