"""What was cut from each scenario's cost gives the answers it gave before: the evidence of an
exchange written by orjson is the standard encoder's text to the byte, the in-process
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
    huge: int = 2**70  # past 64 bits: the standard encoder writes it
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
    mapping: object = dataclasses.field(default_factory=lambda: {"a": (1, b"abc")})
    numbered: object = dataclasses.field(default_factory=lambda: {1: "one"})  # keys as text
    path: Path = Path("/x/y")


@pytest.mark.parametrize("odd", [_Odd(), _Odd(colour=_Colour.PAIR), _Empty()])
def test_odd_values_render_as_the_standard_encoder_writes(odd: object) -> None:
    assert render(odd, odd) == _standard(odd, odd)  # type: ignore[arg-type]


def test_a_float_json_cannot_hold_is_written_as_null() -> None:
    """The standard encoder writes ``NaN``, which no JSON reader accepts (Allure's viewer
    included); orjson writes ``null``."""
    odd = _Odd(ratio=float("nan"), huge=1, numbered={})
    text = render(odd, odd)  # type: ignore[arg-type]
    assert json.loads(text)["request"]["ratio"] is None
    plain = _Odd(huge=1, numbered={})
    assert text.replace('"ratio": null', '"ratio": 1.5') == _standard(plain, plain)  # type: ignore[arg-type]


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


def _folder(tmp: Path, name: str, uuid: str, status: str, counter: int) -> Path:
    folder = tmp / name
    folder.mkdir()
    attachment = f"{uuid}-attachment.json"
    (folder / attachment).write_text(
        json.dumps({"counter": counter, "code": "E5", "cert": "ZH/A1B2C3D4E5F6"}, indent=2)
    )
    result = {
        "uuid": uuid,
        "name": "S",
        "fullName": "F: S",
        "historyId": "h",
        "status": status,
        "start": counter,
        "stop": counter + 1,
        "labels": [{"name": "thread", "value": f"{counter}-MainThread"}],
        "parameters": [{"name": "profile", "value": "baseline"}],
        "attachments": [{"name": "x", "source": attachment, "type": "application/json"}],
    }
    (folder / f"{uuid}-result.json").write_text(json.dumps(result))
    return folder


def test_two_results_folders_compare_less_what_differs_from_run_to_run(tmp_path: Path) -> None:
    from benchmarks.same_results import differences

    one = _folder(tmp_path, "one", "0" * 8 + "-0000-0000-0000-" + "0" * 12, "passed", 1796016138565)
    two = _folder(tmp_path, "two", "1" * 8 + "-1111-1111-1111-" + "1" * 12, "passed", 1796016999999)
    assert differences(one, two) == []
    three = _folder(tmp_path, "three", "2" * 8 + "-2222-2222-2222-" + "2" * 12, "failed", 1796)
    assert differences(one, three)  # a status and a counter too short to be a time


def test_what_a_change_dropped_on_purpose_is_compared_without(tmp_path: Path) -> None:
    from benchmarks.same_results import Leave, differences

    one = _folder(tmp_path, "one", "0" * 8 + "-0000-0000-0000-" + "0" * 12, "passed", 1796016138565)
    two = _folder(tmp_path, "two", "1" * 8 + "-1111-1111-1111-" + "1" * 12, "passed", 1796016999999)
    (path,) = two.glob("*-result.json")
    document = json.loads(path.read_text())
    del document["attachments"]  # the attachment "x" dropped
    document["steps"] = [{"name": "Given a", "status": "passed"}]
    path.write_text(json.dumps(document))
    (path,) = one.glob("*-result.json")
    document = json.loads(path.read_text())
    step = {"name": "Given a", "status": "passed", "parameters": [{"name": "a", "value": "1"}]}
    document["steps"] = [step]
    path.write_text(json.dumps(document))
    assert differences(one, two)
    assert differences(one, two, leave=Leave(frozenset({"x"})))  # the step's parameters
    assert differences(one, two, leave=Leave(step_parameters=True))  # the attachment
    assert differences(one, two, leave=Leave(frozenset({"x"}), step_parameters=True)) == []
