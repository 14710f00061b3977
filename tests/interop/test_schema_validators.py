"""libxml2 (lxml), ``xmlschema`` and Java's XSD engine on the mutated DCC templates they
disagree on, each settled by XML Schema 1.0 Part 2, and the served DSP's validator
(:mod:`harness.duis.schema`: libxml2 with its two corrections) giving the settled answer.

The documents are rebuilt at test time from ``../shared/duis/templates`` (never copied here)
by ``benchmarks/schema_mutants.py`` (the fuzz job's mutator, seeded by template name and
number); ``python -m benchmarks.schema_mutants --java`` lists the disagreements again. Of
2,030 well-formed mutants of the 302 templates (160 seeds each), the three validators
disagree on these 52; the served DSP's validator agrees with Java's on all 2,030 (slow test
below). Each case names the rule that settles it:

- ``BASE64``: §3.2.16 base64Binary, lexical space (after whitespace collapse)::

    Base64Binary ::= ((B64S B64S B64S B64S)*
                      ((B64S B64S B64S B64) | (B64S B64S B16S '=') | (B64S B04S '=' #x20? '=')))?

  a character outside ``[A-Za-z0-9+/]``, or "=" anywhere but at the end, is not in it:
  libxml2 accepts such values, ``xmlschema`` and Java refuse them. Settled: invalid.
- ``URI``: §3.2.17 anyURI: "the lexical space of anyURI is finite-length character
  sequences which, when the algorithm defined in Section 5.4 of [XML Linking Language] is
  applied to them, result in strings which are legal URIs according to [RFC 2396], as
  amended by [RFC 2732]". ``http://www:.w3.org/...`` is one (its authority an RFC 2396
  ``reg_name``) that libxml2's RFC 3986 parser refuses; ``htt*://...`` or a "%" not followed
  by two hex digits is not one, yet ``xmlschema`` accepts any string. Settled: as Java.
- ``COMMENT``: a comment or processing instruction inside an element of simple content
  (e.g. a certificate): Part 1 §3.4.4 validates the element's character children only
  ("[children] ... character information items"), comments and processing instructions
  are not part of the value; ``xmlschema`` (ElementTree children) refuses the element.
  Settled: valid (the value around them still has to be valid).
"""

from __future__ import annotations

from typing import Any

import pytest
import xmlschema

from benchmarks.schema_mutants import Mutant, mutant, mutants, readable, templates
from harness.duis.schema import DuisSchema, duis_dir, load_schema
from tests.interop.dcc_tool import DccToolError
from tests.interop.peers import PeerUnavailable, dcc_tools_dir, need_programs
from tests.interop.xsd_java import JavaXsd, build

V, N = True, False  # valid, not valid
BASE64, URI, COMMENT = "BASE64", "URI", "COMMENT"
SETTLED = {BASE64: lambda java: False, URI: lambda java: java, COMMENT: lambda java: True}

# (template, seed, sha-256 prefix of the mutant, lxml, xmlschema, Java, rule)
# fmt: off
CASES = [
    ("11.4_UPDATE_PPMID_FIRMWARE_REQUEST_DUIS.XML", 3, "98114929bd4fd9ed", V, N, N, BASE64),
    ("5.2_READ_SCHEDULE_REQUEST_DUIS.XML", 19, "bad5c6ae971b5eb2", N, V, V, URI),
    ("CCS01_8.11_SUCCESS_REQUEST_DUIS.XML", 58, "429e1548e0bf10b6", N, V, N, URI),
    ("CS02bACBByACB_8.5_SUCCESS_REQUEST_DUIS.XML", 55, "412fb5e0131451d8", V, N, N, BASE64),
    ("CS02bNOByNO_6.15.1_SUCCESS_REQUEST_DUIS.XML", 18, "e19911579734cc5c", V, N, N, BASE64),
    ("CS02bNOByNO_6.15.1_SUCCESS_REQUEST_DUIS.XML", 26, "fc24624baa37b466", V, N, N, BASE64),
    ("CS02bNOByNO_6.15.1_SUCCESS_REQUEST_DUIS.XML", 137, "61ec13f2bfe9650e", V, N, V, COMMENT),
    ("CS02bSupplierBySupplier_6.15.1_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 20, "4635543374b62e02", V, N, N, BASE64),
    ("CS02bSupplierBySupplier_6.15.1_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 115, "5c032bee9cef2631", V, N, N, BASE64),
    ("CS02bSupplierByTransCoS_6.23_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 5, "4f2f14d0291249d5", V, N, N, BASE64),
    ("CS02bSupplierByTransCoS_6.23_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 9, "b2843402bd662070", V, N, N, BASE64),
    ("CS02bSupplierByTransCoS_6.23_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 157, "5176a8444fabce5a", V, N, N, BASE64),
    ("CS02bSupplierByTransCoS_6.23_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML", 95, "04234d875dcd3aae", V, N, N, BASE64),
    ("CS02bSupplierByTransCoS_6.23_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 20, "42adee8de7cfdb51", V, N, N, BASE64),
    ("CS02bSupplierByTransCoS_6.23_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 26, "b38ca5fcc2da475c", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 67, "d71595c41621b5b3", V, N, V, COMMENT),
    ("CS02gLoadControllerBySupplier_6.15.1_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 126, "aa70dd7f7533861a", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML", 126, "9824388182254311", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML", 141, "27c361cdb699eef7", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 124, "5adfc8c7b45d24cf", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 129, "f009a12a120329aa", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 135, "3d416fa18bba4843", V, N, N, BASE64),
    ("CS02gLoadControllerBySupplier_6.15.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 147, "1738e41d947e4402", V, N, N, BASE64),
    ("ECS04a_1.5_SUCCESS_REQUEST_DUIS.XML", 51, "da208c608112ba5f", V, N, N, BASE64),
    ("ECS07_2.3_SUCCESS_REQUEST_DUIS.XML", 155, "810943609b739d34", V, N, N, BASE64),
    ("ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS.XML", 99, "202cf31741d35ee4", N, V, V, URI),
    ("ECS21a_5.1._DCC_SCHEDULED_REQUEST_DUIS.XML", 95, "d2a9bc02cdf3625e", N, V, N, URI),
    ("ECS21b_4.14_URP_SUCCESS_REQUEST_DUIS.XML", 81, "081abbfa9fc3ca31", V, N, V, COMMENT),
    ("ECS22b_4.8.1_SINGLE_SUCCESS_REQUEST_DUIS.XML", 142, "440ee11de76509eb", V, N, N, BASE64),
    ("ECS25a1_6.22_SUCCESS_REQUEST_DUIS.XML", 139, "88fe5573b068a7e4", V, N, N, BASE64),
    ("ECS25r1_6.2.10_SUCCESS_REQUEST_DUIS.XML", 111, "07bde9ceaed7b24a", V, N, N, BASE64),
    ("ECS26a_4.13_SINGLE_SUCCESS_REQUEST_DUIS.XML", 24, "9e954cb7b5bab983", N, V, N, URI),
    ("ECS26k_6.2.1_SUCCESS_REQUEST_DUIS.XML", 22, "0be52f2b27a618c1", N, V, N, URI),
    ("ECS35c_6.13_SUCCESS_REQUEST_DUIS.XML", 69, "c4efc8779c8f3c23", N, V, V, URI),
    ("ECS39a_6.20.1_SINGLE_SUCCESS_REQUEST_DUIS.XML", 121, "9efefda97e4bf488", V, N, N, BASE64),
    ("ECS40_6.2.7_SINGLE_SUCCESS_REQUEST_DUIS.XML", 77, "948b8d1ee1471479", N, V, N, URI),
    ("ECS57_6.18.2_ALL_OPTIONALS_SUCCESS_REQUEST_DUIS.XML", 52, "28d1a9025b68836d", N, V, V, URI),
    ("ECS57_6.18.2_SOME_OPTIONALS_SUCCESS_REQUEST_DUIS.XML", 158, "954f986d91eca799", N, V, N, URI),
    ("GCS01a_1.1.1_FUTURE_DATED_BLOCK_SUCCESS_REQUEST_DUIS.XML", 111, "ba9d184867d27e48", V, N, N, BASE64),
    ("GCS13a_4.1.1_SUCCESS_RELIABLE_GPF_REQUEST_DUIS.XML", 136, "c129bb820afffde1", N, V, N, URI),
    ("GCS13a_4.1.1_SUCCESS_RELIABLE_GSME_REQUEST_DUIS.XML", 4, "d773f1bdde3accf6", N, V, N, URI),
    ("GCS14_4.3_SUCCESS_RELIABLE_GPF_REQUEST_DUIS.XML", 64, "ab367322d75ed333", N, V, N, URI),
    ("GCS14_4.3_SUCCESS_RELIABLE_GSME_REQUEST_DUIS.XML", 15, "d20a1e2269d7d515", V, N, N, BASE64),
    ("GCS18_4.10_SUCCESS_REQUEST_DUIS.XML", 101, "dbafb06cd3eb666c", V, N, N, BASE64),
    ("GCS21k_6.2.3_SUCCESS_REQUEST_DUIS.XML", 75, "a535ae79c9a2cf1b", N, V, N, URI),
    ("GCS25_6.8_SUCCESS_REQUEST_DUIS.XML", 36, "70703a07eabba92c", V, N, N, BASE64),
    ("GCS40a_1.5_SUCCESS_REQUEST_DUIS.XML", 146, "92b2eed323d2dbbd", V, N, V, COMMENT),
    ("GCS40b_1.5_SUCCESS_REQUEST_DUIS.XML", 96, "0da0ee15cf316073", N, V, V, URI),
    ("GCS46_6.2.7_SUCCESS_REQUEST_DUIS.XML", 10, "8ee5209161ab369e", V, N, N, BASE64),
    ("GCS46_6.2.7_SUCCESS_REQUEST_DUIS.XML", 17, "4f126d0c564b1bd2", V, N, N, BASE64),
    ("GCS60a_4.18_SUCCESS_RELIABLE_GPF_REQUEST_DUIS.XML", 38, "046ca32f9289c35c", V, N, N, BASE64),
    ("read-inventory-response-5.4.xml", 65, "167f83747664dad1", V, N, V, COMMENT),
]
# fmt: on


def _settled(case: tuple[str, int, str, bool, bool, bool, str]) -> bool:
    return SETTLED[case[6]](case[5])


@pytest.fixture(scope="module")
def schema() -> DuisSchema:
    if not templates():
        pytest.skip(f"the DCC templates are not at {duis_dir() / 'templates'} (../shared)")
    return load_schema()


def _rebuilt(template: str, seed: int, digest: str) -> Mutant:
    document = mutant(duis_dir() / "templates" / template, seed)
    assert document.digest == digest, (
        f"{template} seed {seed} is no longer the recorded document (the mutator or the "
        "template changed): list the disagreements again with "
        "python -m benchmarks.schema_mutants --java"
    )
    return document


@pytest.fixture(scope="module")
def reference(schema: DuisSchema) -> Any:
    """The same XSD loaded by ``xmlschema`` (about 2 s)."""
    return xmlschema.XMLSchema(str(schema.path), allow="sandbox")


@pytest.fixture(scope="module")
def java_verdicts(schema: DuisSchema) -> dict[tuple[str, int], bool]:
    if not dcc_tools_dir().is_dir():
        pytest.skip(f"the DCC tools are not at {dcc_tools_dir()} (../shared is absent)")
    need_programs("java", "javac", "jar")
    try:
        checker = JavaXsd(build())
    except (PeerUnavailable, DccToolError) as exc:
        pytest.skip(f"Java's XSD engine is not available: {exc}")
    documents = [_rebuilt(t, s, d) for t, s, d, *_ in CASES]
    answers = checker.check([d.xml for d in documents])
    return {(d.template, d.seed): valid for d, (valid, _) in zip(documents, answers, strict=True)}


def test_the_cases_are_settled_as_java_settles_them() -> None:
    """The rule settling each case, and Java's verdict, agree (no case settled by fiat)."""
    assert all(_settled(case) == case[5] for case in CASES)
    assert {case[6] for case in CASES} == {BASE64, URI, COMMENT}


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_libxml2_and_xmlschema_disagree_and_the_served_validator_gives_the_settled_answer(
    schema: DuisSchema, reference: Any, case: tuple[str, int, str, bool, bool, bool, str]
) -> None:

    template, seed, digest, by_lxml, by_xmlschema, _, rule = case
    root = readable(_rebuilt(template, seed, digest).xml)
    assert root is not None
    assert schema.lxml_schema.validate(root) is by_lxml, "libxml2's own verdict"
    assert reference.is_valid(xmlschema.XMLResource(root, allow="none")) is by_xmlschema
    problem = schema.first_error(root)
    assert (problem is None) is _settled(case), f"{rule}: {problem}"


def test_java_gives_the_recorded_verdicts(java_verdicts: dict[tuple[str, int], bool]) -> None:
    wrong = [(t, s, java) for t, s, _, _, _, java, _ in CASES if java_verdicts[(t, s)] is not java]
    assert not wrong


@pytest.mark.slow
def test_the_served_validator_agrees_with_java_on_every_mutant(schema: DuisSchema) -> None:
    if not dcc_tools_dir().is_dir():
        pytest.skip(f"the DCC tools are not at {dcc_tools_dir()} (../shared is absent)")
    need_programs("java", "javac", "jar")
    documents = list(mutants())
    assert len(documents) > 2000
    answers = JavaXsd(build()).check([d.xml for d in documents])
    differ = [
        (d.template, d.seed, java)
        for d, (java, _) in zip(documents, answers, strict=True)
        if (schema.first_error(readable(d.xml)) is None) is not java  # type: ignore[arg-type]
    ]
    assert not differ, differ[:10]
