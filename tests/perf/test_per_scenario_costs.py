"""What was cut from each scenario's cost gives the answers it gave before: the evidence of an
exchange written in one pass is the standard encoder's text to the byte, the in-process
target's RequestID counters touch no file, the CA check of a published certificate is cached
per DER."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from harness.adapters.reference import ReferenceAdapter, _authority
from harness.counters import ENV_VAR, OriginatorCounters, process_counters
from harness.domain.certificates import KeyUsage, ca_certificate
from harness.domain.eui import Eui64
from harness.domain.requests import Response, ServiceRequest
from harness.evidence import _plain, render
from harness.features import read_features
from harness.pki import TestPki
from harness.reference.profiles import resolve, standard_profiles
from harness.runtime import new_world
from harness.settings import DEFAULT_FEATURES, RunSettings
from harness.world import World
from tests.inprocess import run_all


def _standard(request: ServiceRequest, response: Response) -> str:
    document = {"request": _plain(request), "response": _plain(response)}
    return json.dumps(document, indent=2, ensure_ascii=False)


def test_every_exchange_of_the_committed_suite_renders_as_the_standard_encoder_writes() -> None:
    seen: list[tuple[ServiceRequest, Response]] = []

    def world(profile: str) -> World:
        resolved = resolve(profile)
        made = World(ReferenceAdapter(resolved), resolved.name)
        made.observers.append(lambda request, response, *_: seen.append((request, response)))
        return made

    scenarios = [s for s in read_features(DEFAULT_FEATURES) if "generated" not in s.path.parts]
    run_all(scenarios, standard_profiles(), world)
    assert len(seen) > 500
    for request, response in seen:
        assert render(request, response) == _standard(request, response)


class _Colour(Enum):
    RED = "réd"
    NUMBER = 7
    RATIO = 0.5
    PAIR = (1, 2)  # not a scalar: the standard encoder writes it


@dataclasses.dataclass(frozen=True)
class _Empty:
    pass


@dataclasses.dataclass(frozen=True)
class _Odd:
    text: str = 'quote " backslash \\ newline \n tab \t é ☃ \x00'
    big: int = 2**64 - 1
    negative: int = -3
    ratio: float = 1.5
    nan: float = float("nan")
    infinite: float = float("inf")
    flag: bool = False
    nothing: None = None
    colour: _Colour = _Colour.RED
    number: _Colour = _Colour.NUMBER
    half: _Colour = _Colour.RATIO
    when: datetime = datetime(2026, 5, 15, 12, tzinfo=UTC)
    raw: bytes = b"\x01\x02" * 50
    short: bytes = b"abc"
    empty: tuple[int, ...] = ()
    nested: tuple[object, ...] = ((), [1, "a"], _Empty())
    mapping: object = dataclasses.field(default_factory=lambda: {"a": 1})  # written as str()
    path: Path = Path("/x/y")


@pytest.mark.parametrize("odd", [_Odd(), _Odd(colour=_Colour.PAIR), _Empty()])
def test_odd_values_render_as_the_standard_encoder_writes(odd: object) -> None:
    assert render(odd, odd) == _standard(odd, odd)  # type: ignore[arg-type]


def test_a_certificate_in_the_evidence_is_named_once_per_process() -> None:
    pki = TestPki()
    credential = pki.issue(Eui64(7), "02", KeyUsage.DIGITAL_SIGNING)
    der = credential.certificate.der
    text = _plain(der)
    assert text.startswith(f"certificate {credential.certificate.id} owner ")
    assert _plain(der) is text  # cached
    assert _authority(der) is None
    ca = pki.issuing_ca.public_bytes(Encoding.DER)
    assert _authority(ca) == ca_certificate(ca)
    assert _authority(ca) is not None


def test_in_process_counters_touch_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "counters"))
    counters = OriginatorCounters(persistent=False)
    first = counters.next(Eui64(1))
    assert counters.next(Eui64(1)) > first
    assert not counters.persistent
    assert not (tmp_path / "counters").exists()
    assert process_counters() is process_counters()
    assert OriginatorCounters().persistent  # every other target keeps them on disk


def test_a_world_for_the_reference_uses_the_in_process_counters() -> None:
    world = new_world(RunSettings(profile="baseline", target="reference"))
    assert world.counters is process_counters()
