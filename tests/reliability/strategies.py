"""Hypothesis strategies for the reliability properties: identifiers as the parsers see
them (valid, nearly valid and hostile text), DUIS documents (valid, and mutated by the same
mutator the fuzz job uses, driven by Hypothesis so failures shrink), test-control JSON, and
registration histories."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from fuzz import corpus
from harness.domain.eui import Eui64
from harness.domain.meterpoint import MeterPoint, make_mpan
from harness.domain.registration import Registration
from harness.domain.requests import MAX_COUNTER, RequestId
from harness.domain.roles import UserRole
from harness.domain.timeline import Interval, Period

CAST = corpus.Cast()

# -- identifiers -----------------------------------------------------------------------------
euis = st.integers(0, (1 << 64) - 1).map(Eui64)
request_ids = st.builds(RequestId, euis, euis, st.integers(0, MAX_COUNTER))
twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
mpans = twelve_digits.map(make_mpan)
mprns = st.text(alphabet="0123456789", min_size=6, max_size=10).map(MeterPoint.mprn)
meter_points = mpans | mprns

# Characters a parser meets in the wild: digits of other scripts, full-width forms, a
# minus sign that is not a hyphen, zero-width and byte-order marks, NUL, controls.
_TRICKY = "٣０−\u200b\ufeff\x00\t\n é-:+TZ"
tricky_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(_TRICKY),
    max_size=40,
)


def _near(valid: st.SearchStrategy[str], kind: str) -> st.SearchStrategy[str]:
    """Valid text, text the fuzz mutator garbled, or anything at all."""
    garbled = st.randoms(use_true_random=False).map(lambda r: corpus.text_for(kind, r))
    return valid | garbled | tricky_text


eui_texts = _near(euis.map(str) | euis.map(lambda e: e.compact), "eui")
request_id_texts = _near(request_ids.map(str), "request_id")
meter_point_texts = _near(meter_points.map(str), "meter_point")
instants = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
instant_texts = _near(instants.map(lambda m: m.isoformat()), "instant")

# -- DUIS documents --------------------------------------------------------------------------
randoms = st.randoms(use_true_random=False)
duis_requests = randoms.map(lambda r: corpus.request_document(r, CAST))
duis_responses = randoms.map(lambda r: corpus.response_document(r, CAST))
duis_documents = duis_requests | duis_responses


def _mutated(pair: tuple[bytes, random.Random]) -> bytes:
    document, rng = pair
    return corpus.mutate(document, rng)


hostile_duis = (
    st.tuples(duis_documents, randoms).map(_mutated)
    | st.binary(max_size=512)
    | st.tuples(duis_documents, st.integers(0, 4000)).map(lambda p: p[0][: p[1]])
)

# -- test-control JSON -------------------------------------------------------------------------
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | tricky_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(tricky_text, inner, max_size=4),
    max_leaves=12,
)
provision_commands = randoms.map(lambda r: corpus.provision_command(r, CAST))
provision_json = randoms.map(lambda r: corpus.json_input(r, CAST)) | json_values

# -- registration histories ----------------------------------------------------------------------
START = datetime(2025, 1, 1, tzinfo=UTC)


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    """Intervals on a day grid around 2025–2027, open at either end now and then."""
    start_day = draw(st.none() | st.integers(0, 800))
    length = draw(st.none() | st.integers(1, 400))
    start = START + timedelta(days=start_day) if start_day is not None else None
    if length is None:
        return Interval(start, None)
    end = (start or START) + timedelta(days=length)
    return Interval(start, end)


@st.composite
def registration_histories(draw: st.DrawFn) -> list[Registration]:
    """Who was registered for a few meter points over time: several parties and roles, with
    gaps, overlaps and open ends, in any order (as RDP data arrives)."""
    points = draw(st.lists(mpans, min_size=1, max_size=3, unique=True))
    parties = [Eui64(0x90B3D51F30020000 + n) for n in range(draw(st.integers(1, 3)))]
    roles = [UserRole.ELECTRICITY_DISTRIBUTOR, UserRole.IMPORT_SUPPLIER]
    return draw(
        st.lists(
            st.builds(
                Registration,
                st.sampled_from(points),
                st.sampled_from(roles),
                st.sampled_from(parties),
                intervals(),
            ),
            max_size=12,
        )
    )


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = START + timedelta(days=draw(st.integers(-30, 900)), hours=draw(st.integers(0, 23)))
    return Period(start, start + timedelta(hours=draw(st.integers(0, 24 * 200))))
