"""normalise_for_judging: spam obfuscations undone, CJK and Japanese left intact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import mailbuild as mb
from triage.config import Config
from triage.normalize import normalise_for_judging
from triage.pipeline import Workspace, ingest_stream
from triage.records import RawMessage


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Pаy in Вitсоin", "pay in bitcoin", id="cyrillic_homoglyphs"),
        pytest.param("ΡΑΥ ΝΟW", "pay now", id="greek_capitals"),
        pytest.param("bit\u200bco\u200din", "bitcoin", id="zero_width_space_and_joiner"),
        pytest.param("web\u00adcam", "webcam", id="soft_hyphen"),
        pytest.param("pay\u2800now\u3164", "paynow", id="invisible_fillers"),
        pytest.param("b.i.t.c.o.i.n wallet", "bitcoin wallet", id="dots_between_letters"),
        pytest.param("p a y m e n t", "payment", id="spaced_letters"),
        pytest.param("V-I-D-E-O of you", "video of you", id="dashes_between_letters"),
        pytest.param("&#98;itcoin &amp; more", "bitcoin & more", id="html_entities"),
        pytest.param("&amp;#119;allet", "wallet", id="entity_escaped_twice"),
        pytest.param("Ｗａｌｌｅｔ：１２", "wallet:12", id="fullwidth_nfkc"),
        pytest.param("Vidéo intime, überweisen", "video intime, uberweisen", id="accents_stripped"),
        pytest.param("Straße", "strasse", id="casefold_sharp_s"),
        pytest.param("don’t tell", "don't tell", id="curly_apostrophe"),
        pytest.param("  many\n\n  spaces\t", "many spaces", id="whitespace_collapsed"),
        pytest.param("U.S. law", "u.s. law", id="short_abbreviation_kept"),
    ],
)
def test_obfuscation_is_undone(raw: str, expected: str) -> None:
    assert normalise_for_judging(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("你的照片會發給所有議員", id="traditional_chinese"),
        pytest.param("你的照片会发给所有议员", id="simplified_chinese"),
        pytest.param("ビットコインで支払ってください。がぎぐ", id="japanese_voiced_kana"),
    ],
)
def test_cjk_is_not_destroyed(text: str) -> None:
    assert normalise_for_judging(text) == text


def test_the_store_keeps_the_text_as_written_never_the_skeleton(tmp_path: Path) -> None:
    body = "Pаy\u200b &#98;itcoin within 48 hours or the V-I-D-E-O of you goes to your colleagues"
    raw = mb.raw(mb.original(body=body, subject="Vidéo", image=False))
    ws = Workspace.open(Config(), tmp_path / "t.db")
    try:
        received = datetime(2025, 2, 1, tzinfo=UTC)
        ingest_stream(ws, [RawMessage.from_bytes(raw, source="m.eml", received_at=received)])
        (row,) = ws.store.rows("SELECT original_text, original_subject FROM messages")
        tables = ws.store.rows("SELECT name FROM sqlite_master WHERE type='table'")
        everything = [r for t in tables for r in ws.store.rows(f"SELECT * FROM {t['name']}")]  # noqa: S608
        stored = [str(v) for r in everything for v in r.values()]
    finally:
        ws.close()
    assert row["original_text"].strip() == body and row["original_subject"] == "Vidéo"
    skeleton = normalise_for_judging(body)
    assert skeleton != body and not any(skeleton in v for v in stored)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_normalises_without_error(text: str) -> None:
    assert isinstance(normalise_for_judging(text), str)
