"""normalise_for_judging: spam obfuscations undone, CJK and Japanese left intact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.normalize import normalise_for_judging


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


def test_input_is_left_untouched_as_evidence() -> None:
    original = "Pаy\u200b &#98;itcoin"
    kept = str(original)
    normalise_for_judging(original)
    assert original == kept


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_normalises_without_error(text: str) -> None:
    assert isinstance(normalise_for_judging(text), str)
