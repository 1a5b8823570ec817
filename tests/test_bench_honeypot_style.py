"""The second hard-negative set: every family in all nine languages, each family on one side
of the split, kin a training family, filler hidden in HTML kept from the judged text."""

from __future__ import annotations

from collections import Counter

from bench.honeypot_style import (
    FAMILIES,
    FILLER,
    HELD_OUT_FAMILIES,
    TUNING_FAMILIES,
    honeypot_style_part,
    honeypot_style_rows,
)
from training.verdicts.train import family_of, load_rows
from triage.cues import LANGUAGES


def test_every_family_is_written_in_the_nine_languages_and_padded_four_ways() -> None:
    rows = honeypot_style_rows()
    assert len(rows) == len(FAMILIES) * len(LANGUAGES) * 4
    assert len({r["id"] for r in rows}) == len(rows)
    per_family = Counter(r["family"] for r in rows)
    assert set(per_family.values()) == {len(LANGUAGES) * 4}
    assert {r["language"] for r in rows} == set(LANGUAGES)


def test_the_halves_are_disjoint_and_cover_every_family() -> None:
    assert not TUNING_FAMILIES & HELD_OUT_FAMILIES
    assert set(FAMILIES) == TUNING_FAMILIES | HELD_OUT_FAMILIES
    parts = {honeypot_style_part(r) for r in honeypot_style_rows()}
    assert parts == {"tuning", "held-out"}


def test_each_family_names_a_training_family_of_its_kind() -> None:
    trained = {family_of(r) for r in load_rows()}
    assert {kin for _, kin in FAMILIES.values()} <= trained


def test_hidden_filler_is_not_in_the_text_judged() -> None:
    hidden = [r for r in honeypot_style_rows() if r["kind"] == "hidden-html"]
    for row in hidden:
        assert not any(s in row["text"] for s in FILLER[row["language"]]), row["id"]
