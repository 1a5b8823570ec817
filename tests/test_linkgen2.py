"""The second linking-set generator: seeded and deterministic, its labels consistent, and its
look-alike distractors as close as it says."""

from __future__ import annotations

import functools
import hashlib
import io

import numpy as np
from PIL import Image

from fixtures.linkgen2 import DISTRACTORS, EDITS, HELD_OUT_SEEDS, TUNE_SEEDS, make_linkgen2
from fixtures.linkgen2.bases import KINDS, Shot, Spec, render
from fixtures.linkgen2.sets import close_twin
from triage.fingerprint import Fingerprint, fingerprint_image, hash_distance

ENCODINGS = {"jpeg2", "png"}


@functools.cache  # drawing a set takes seconds; the tests below compare summaries only
def _summary(seed: int) -> list[tuple[object, ...]]:
    return [
        (
            p.name,
            hashlib.sha256(p.data).hexdigest(),
            p.group,
            p.campaign,
            p.kind,
            p.distractor,
            p.edits,
            p.victim,
            p.like,
        )
        for p in make_linkgen2(seed, campaigns=2, copies=(2, 3))
    ]


def test_same_seed_gives_the_same_set_byte_for_byte() -> None:
    assert _summary(5) == _summary.__wrapped__(5)  # drawn afresh, against the cached draw


def test_another_seed_gives_another_set() -> None:
    assert {row[1] for row in _summary(5)}.isdisjoint({row[1] for row in _summary(6)})


def test_tuning_and_held_out_seeds_are_apart() -> None:
    assert not set(TUNE_SEEDS) & set(HELD_OUT_SEEDS)


def test_labels_are_consistent() -> None:
    pictures = make_linkgen2(3, campaigns=4, copies=(2, 4))
    names = [p.name for p in pictures]
    assert len(set(names)) == len(names)
    copies = [p for p in pictures if p.distractor is None]
    groups = {p.group for p in copies}
    for p in copies:  # a copy names its base and campaign, and carries its victim's face
        assert p.group is not None and p.group.startswith(f"s3c{p.campaign:03d}b")
        assert p.victim is not None and p.like is None and p.kind in KINDS
        assert set(p.edits) <= set(EDITS) | ENCODINGS
    for group in groups:  # one base, one kind
        assert len({p.kind for p in copies if p.group == group}) == 1
    for campaign in {p.campaign for p in copies}:
        assert 1 <= len({p.group for p in copies if p.campaign == campaign}) <= 3
    distractors = [p for p in pictures if p.distractor is not None]
    assert distractors and all(p.group is None and p.campaign is None for p in distractors)
    assert {p.distractor for p in distractors} <= set(DISTRACTORS)
    assert all(p.like in groups for p in distractors if p.like is not None)
    victims = {p.victim for p in copies}
    assert all(p.victim in victims for p in distractors if p.distractor == "face_elsewhere")


def _fp(img: np.ndarray) -> Fingerprint:
    out = io.BytesIO()
    Image.fromarray(img).save(out, "PNG")
    return fingerprint_image(out.getvalue())


def test_a_coarse_twin_hashes_nearer_its_target_though_it_is_another_picture() -> None:
    twin_bits, other_bits = [], []
    for seed, kind in enumerate(("darkroom", "night", "fog", "scene"), start=1):
        target = render(Spec(kind, seed, seed, seed, seed, 480, 640), Shot(capture=seed))
        others = [
            render(Spec(k, seed + 9, seed, seed, seed, 480, 640), Shot(capture=seed))
            for k in ("wall", "fabric", "skin")
        ]
        pick, twin = close_twin(target, others)
        other = others[pick]
        assert np.abs(twin.astype(int) - target.astype(int)).mean() > 3  # not the target's pixels
        twin_bits.append(hash_distance(_fp(twin), _fp(target)))
        other_bits.append(hash_distance(_fp(other), _fp(target)))
    assert 2 * sum(twin_bits) < sum(other_bits)
