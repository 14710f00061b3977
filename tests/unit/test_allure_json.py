"""The runner's own writing of Allure's model objects says what Allure's logger says."""

from __future__ import annotations

import json
from typing import Any

from allure_commons import model2
from attr import asdict
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.running.allure_json import dumps, plain


def _allure_filter(_: Any, value: Any) -> bool:
    return bool(value) or value is False  # allure_commons.logger's filter


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.just(0),
    st.just(""),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=4), inner, max_size=3),
    ),
    max_leaves=8,
)
labels = st.builds(model2.Label, name=scalars, value=scalars)
parameters = st.builds(model2.Parameter, name=scalars, value=values, excluded=scalars, mode=scalars)
attachments = st.builds(model2.Attachment, name=scalars, source=scalars, type=scalars)
details = st.builds(
    model2.StatusDetails, known=scalars, flaky=scalars, message=scalars, trace=scalars
)
steps = st.recursive(
    st.builds(
        model2.TestStepResult,
        name=scalars,
        status=scalars,
        statusDetails=st.none() | details,
        parameters=st.lists(parameters, max_size=2),
        attachments=st.lists(attachments, max_size=2),
        start=scalars,
    ),
    lambda inner: st.builds(
        model2.TestStepResult, name=scalars, steps=st.lists(inner, max_size=2), stop=scalars
    ),
    max_leaves=4,
)
results = st.builds(
    model2.TestResult,
    uuid=scalars,
    name=scalars,
    status=scalars,
    statusDetails=st.none() | details,
    steps=st.lists(steps, max_size=3),
    attachments=st.lists(attachments, max_size=2),
    parameters=st.lists(parameters, max_size=2),
    labels=st.lists(labels, max_size=3),
    links=st.lists(st.builds(model2.Link, type=scalars, url=scalars, name=scalars), max_size=2),
    description=values,
    start=scalars,
    stop=scalars,
)


@settings(max_examples=300, deadline=None)
@given(results)
def test_a_result_reads_as_allures_logger_writes_it(result: model2.TestResult) -> None:
    expected = asdict(result, filter=_allure_filter)
    assert plain(result) == expected
    assert json.loads(dumps(plain(result))) == json.loads(json.dumps(expected))


def test_a_container_and_the_cases_asdict_walks_alike() -> None:
    container = model2.TestResultContainer(
        uuid="u",
        children=["a", "b"],
        befores=[model2.TestStepResult(name="x", status=False)],
        start=0,
    )
    assert plain(container) == asdict(container, filter=_allure_filter)
    odd = model2.TestResult(
        name="ü ✓", description={1: (2, {3})}, parameters=[model2.Parameter(value=2**70)]
    )
    assert plain(odd) == asdict(odd, filter=_allure_filter)
    # what orjson cannot write (an integer past 64 bits, a key other than text): the standard
    # encoder, as Allure's logger writes it
    assert dumps(plain(odd)) == json.dumps(plain(odd), ensure_ascii=False).encode()
    assert dumps({"name": "ü ✓"}).decode() == '{"name":"ü ✓"}'
