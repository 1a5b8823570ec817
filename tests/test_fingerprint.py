"""Fingerprints survive the campaign's changes; keypoints verify a shared base, not a shared face."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from tests.pictures import campaign_picture
from triage.fingerprint import fingerprint_image, hash_distance, is_linkable
from triage.keypoints import link_keys_of, verify

BASE = campaign_picture("scene-a", "face-1")


def edited(data: bytes, edit) -> bytes:
    image = edit(Image.open(io.BytesIO(data)).convert("RGB"))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


EDITS = {
    "mirror": ImageOps.mirror,
    "border": lambda im: ImageOps.expand(im, border=30, fill=(0, 0, 0)),
    "grayscale": lambda im: ImageOps.grayscale(im).convert("RGB"),
    "resize": lambda im: im.resize((im.width // 2, im.height // 2)),
    "recompress": lambda im: im,
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_global_hash_survives_edits_that_keep_the_frame(name: str):
    other_base = fingerprint_image(campaign_picture("scene-z", "face-1"))
    original = fingerprint_image(BASE)
    changed = fingerprint_image(edited(BASE, EDITS[name]))
    assert hash_distance(original, changed) <= 8
    assert hash_distance(original, other_base) > 16


@pytest.mark.parametrize(
    "transforms",
    [(), ("crop",), ("mirror", "crop"), ("border", "caption"), ("grayscale", "resize")],
    ids=["face-only", "crop", "mirror-crop", "border-caption", "grayscale-resize"],
)
def test_keypoints_join_the_same_base_with_another_face_and_edits(transforms):
    a = link_keys_of(campaign_picture("scene-a", "face-1"))
    b = link_keys_of(campaign_picture("scene-a", "face-2", transforms=transforms))
    assert verify(a, b).same_base


def test_keypoints_do_not_join_different_bases():
    a = link_keys_of(campaign_picture("scene-a", "face-1"))
    b = link_keys_of(campaign_picture("scene-b", "face-2"))
    assert not verify(a, b).same_base


def test_the_same_face_on_two_bases_is_not_a_link():
    # The trap measured here: one victim's face pasted by two campaigns matches many points.
    a = link_keys_of(campaign_picture("scene-a", "face-1"))
    b = link_keys_of(campaign_picture("scene-c", "face-1"))
    assert not verify(a, b).same_base


@pytest.mark.parametrize(
    ("size", "linkable"),
    [
        ((480, 360), True),
        ((180, 135), True),
        ((300, 90), False),
        ((120, 120), False),
        ((1200, 300), False),
    ],
    ids=["photo", "small-copy", "newsletter-logo", "icon", "banner"],
)
def test_logos_icons_and_banners_never_link(size: tuple[int, int], linkable: bool):
    assert is_linkable(*size) is linkable


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "TIFF", "BMP", "JPEG", "WEBP"])
def test_mutated_pictures_are_refused_never_crash(fmt: str):
    """Seeded byte mutations of valid files: Pillow raises TypeError and more on some of them
    (a TIFF did, in review); each must become a refusal, never escape and fail a message."""
    import contextlib
    import random

    import numpy as np

    from triage.imagedecode import ImageRefused
    from triage.manipulation import score_image

    pixels = (np.random.default_rng(0).random((120, 120, 3)) * 255).astype("uint8")
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, fmt)
    rng = random.Random(fmt)
    for _ in range(40):
        data = bytearray(out.getvalue())
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(min(len(data), 400))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        for check in (fingerprint_image, score_image):
            with contextlib.suppress(ImageRefused):  # anything else fails the test
                check(bytes(data))


@pytest.mark.parametrize("size", [(1, 1), (2, 3), (3, 1), (64, 64), (600, 40)])
def test_picture_of_one_colour_is_fingerprinted(size: tuple[int, int]):
    """A tracking pixel or a blank banner: nothing to trim, and no crash trying."""
    out = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(out, "PNG")
    fp = fingerprint_image(out.getvalue())
    assert (fp.width, fp.height) == size
    assert not fp.linkable
