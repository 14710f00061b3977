"""Finding, loading (once) and validating against the DUIS 5.4 XSD."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from duis_samples import sample_requests

from harness.duis import schema
from harness.duis.errors import DuisSchemaError, HostileXml, SchemaUnavailable
from harness.duis.requests import encode_request
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import ENV_VAR, DuisSchema, duis_dir, load_schema, validate
from harness.pki import TestPki


def test_the_directory_comes_from_the_environment_or_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    repository = Path(schema.__file__).resolve().parents[2]
    assert duis_dir() == repository.parent / "shared" / "duis"
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert duis_dir() == tmp_path


def test_a_missing_schema_says_where_it_looked_and_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(SchemaUnavailable) as caught:
        load_schema()
    message = str(caught.value)
    assert str(tmp_path / "nowhere") in message
    assert ENV_VAR in message
    assert "\n" not in message
    with pytest.raises(SchemaUnavailable):
        validate(b"<r/>")


def test_a_broken_schema_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "xsd").mkdir()
    (tmp_path / "xsd" / "DUIS Schema V5.4.xsd").write_text("<not-a-schema/>")
    with pytest.raises(SchemaUnavailable, match="cannot load the DUIS XSD"):
        load_schema(tmp_path)


def test_the_schema_is_loaded_once(duis_data: Path, duis_schema: DuisSchema) -> None:
    assert load_schema(duis_data) is duis_schema
    assert load_schema() is duis_schema or duis_dir().resolve() != duis_data.resolve()


def test_concurrent_first_loads_share_one_schema(duis_data: Path, tmp_path: Path) -> None:
    """A fresh copy of the XSD directory, loaded by four threads at once: one load."""
    shutil.copytree(duis_data / "xsd", tmp_path / "xsd")
    results: list[DuisSchema] = []
    barrier = threading.Barrier(4)

    def load() -> None:
        barrier.wait()
        results.append(load_schema(tmp_path))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 4
    assert all(result is results[0] for result in results)


def test_the_first_error_is_one_line_with_its_path(duis_schema: DuisSchema, pki: TestPki) -> None:
    request = sample_requests(pki)["4.1.1"]
    xml = encode_request(request)
    broken = xml.replace(b"<sr:CommandVariant>1<", b"<sr:CommandVariant>12<")
    with pytest.raises(DuisSchemaError) as caught:
        duis_schema.validate(parse_untrusted(broken))
    message = str(caught.value)
    assert message.startswith("not valid DUIS 5.4: /sr:Request/sr:Header/sr:CommandVariant: ")
    assert "\n" not in message
    counter = f":{request.request_id.counter}</sr:RequestID>".encode()
    long_reason = xml.replace(counter, b":x</sr:RequestID>")
    assert long_reason != xml
    with pytest.raises(DuisSchemaError, match="sr:RequestID") as caught:
        duis_schema.validate(parse_untrusted(long_reason))
    assert len(str(caught.value)) < 400, "long XSD patterns are cut short"


def test_validate_parses_bytes_safely(duis_data: Path, pki: TestPki) -> None:
    validate(encode_request(sample_requests(pki)["8.2 by device"]), duis_data)
    with pytest.raises(HostileXml):
        validate(b"<!DOCTYPE r [<!ENTITY a 'b'>]><r>&a;</r>", duis_data)
