"""Arbitrary and mutated bytes through parse, unwrap and indicators: read, or ParseError."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import mailbuild as mb
from triage.errors import ParseError
from triage.indicators import extract_indicators
from triage.parse import parse_message
from triage.unwrap import unwrap

SEEDS = (
    mb.raw(mb.original()),
    mb.raw(mb.forward_as_attachment(mb.original())),
    mb.raw(mb.forward_inline(mb.original())),
)


def read(raw: bytes) -> None:
    try:
        u = unwrap(parse_message(raw))
    except ParseError:
        return
    extract_indicators("\n".join([u.original.subject or "", u.original.text, u.original.html]))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat"]))
        chunk = draw(st.binary(min_size=1, max_size=16))
        if op == "flip" and at < len(data):
            data[at] ^= chunk[0] or 1
        elif op == "insert":
            data[at:at] = chunk
        elif op == "delete":
            del data[at : at + len(chunk)]
        else:
            data[at:at] = data[at : at + 64] * 20
    return bytes(data)


FAST = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FAST
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_are_read_or_refused_with_parse_error(raw: bytes) -> None:
    read(raw)


@FAST
@given(mutated())
def test_mutated_messages_are_read_or_refused_with_parse_error(raw: bytes) -> None:
    read(raw)
