"""Arbitrary and mutated bytes through parse, unwrap and indicators: read, or ParseError;
through image decoding and fingerprinting: a picture, or ImageRefused."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import mailbuild as mb
from triage.errors import ParseError
from triage.indicators import extract_indicators
from triage.parse import parse_message
from triage.unwrap import unwrap


def _pictures() -> tuple[bytes, ...]:
    import io

    from PIL import Image

    out = []
    for fmt, mode in (
        ("PNG", "RGBA"),
        ("JPEG", "RGB"),
        ("GIF", "P"),
        ("BMP", "RGB"),
        ("WEBP", "RGB"),
    ):
        buf = io.BytesIO()
        Image.new(mode, (40, 30), 120).save(buf, fmt)
        out.append(buf.getvalue())
    return (mb.JPEG, *out)


PICTURES = _pictures()
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
def mutated(draw: st.DrawFn, seeds: tuple[bytes, ...] = SEEDS) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
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


def decode(data: bytes) -> None:
    from triage.fingerprint import fingerprint_decoded
    from triage.imagedecode import ImageRefused, decode_image, probe

    try:
        probe(data)
        decoded = decode_image(data, max_side=512)
    except ImageRefused:
        return
    fingerprint_decoded(decoded)


@FAST
@given(mutated(PICTURES))
def test_mutated_pictures_are_decoded_or_refused_with_image_refused(data: bytes) -> None:
    decode(data)


@FAST
@given(st.binary(max_size=512).map(lambda b: PICTURES[len(b) % len(PICTURES)][:24] + b))
def test_image_headers_with_arbitrary_bodies_are_decoded_or_refused(data: bytes) -> None:
    decode(data)
