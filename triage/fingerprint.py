"""Image -> perceptual hashes that survive the campaign's changes (pure).

A global pHash of the picture with uniform borders trimmed, and of its mirror image:
the smaller distance of the two survives mirroring, borders, grayscale, resizing and
recompression. A pasted face and crops still move it (measured on the fixture corpus:
same-base pairs at a median of 12 bits of 64, different pictures at 16 and up), so the
hash only proposes candidates and keypoints.py verifies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image, ImageOps

from triage.imagedecode import DecodedImage, decode_image

FINGERPRINT_SIDE = 512  # every hash is taken from a picture decoded to at most this size
# Logos, icons and banners are too small or too wide to say two mails are one campaign.
# Every image link is verified by keypoints and cells (keypoints.py) on the picture scaled to
# one size, so the floor only keeps icons and thumbnails out; a campaign copy shrunk to
# 180x135 is still a campaign copy. 160x120 is a judgement, not a measurement: our generator
# shrinks copies to 180x135 at the least, and at 200x200 those were left out (10 of 1,600
# campaign mails in the 2,300-mail per-victim bench).
MIN_LINK_PIXELS = 160 * 120
MAX_LINK_ASPECT = 3.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    width: int
    height: int
    phash: str  # 64-bit, hex
    phash_mirror: str
    dhash: str
    linkable: bool  # big enough to join messages into one campaign


def fingerprint_image(data: bytes) -> Fingerprint:
    """Hashes of an image file; raises ImageRefused for what cannot or must not be decoded."""
    return fingerprint_decoded(decode_image(data, max_side=FINGERPRINT_SIDE))


def fingerprint_decoded(decoded: DecodedImage) -> Fingerprint:
    gray = trim_borders(decoded.image.convert("L"))
    return Fingerprint(
        width=decoded.width,
        height=decoded.height,
        phash=str(imagehash.phash(gray)),
        phash_mirror=str(imagehash.phash(ImageOps.mirror(gray))),
        dhash=str(imagehash.dhash(gray)),
        linkable=is_linkable(decoded.width, decoded.height),
    )


def is_linkable(width: int, height: int) -> bool:
    return width * height >= MIN_LINK_PIXELS and is_picture_shaped(width, height)


def is_picture_shaped(width: int, height: int) -> bool:
    """Not a banner or a rule: at most MAX_LINK_ASPECT times longer than wide."""
    return max(width, height) / max(1, min(width, height)) <= MAX_LINK_ASPECT


def hash_distance(a: Fingerprint, b: Fingerprint) -> int:
    """Bits apart, allowing for one of the two being mirrored."""
    ha = imagehash.hex_to_hash(a.phash)
    return int(min(ha - imagehash.hex_to_hash(b.phash), ha - imagehash.hex_to_hash(b.phash_mirror)))


def trim_borders(gray: Image.Image, tolerance: int = 12) -> Image.Image:
    """Cut uniform bands added around a picture (borders, letterboxing)."""
    a = np.asarray(gray, dtype=np.int16)
    edge = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    busy = np.abs(a - int(np.median(edge))) > tolerance
    rows = np.flatnonzero(busy.mean(axis=1) > 0.02)
    cols = np.flatnonzero(busy.mean(axis=0) > 0.02)
    # Mostly uniform (a blank banner, a one-pixel tracker has no busy row at all): no trim.
    if len(rows) == 0 or len(cols) == 0:
        return gray
    if len(rows) < a.shape[0] // 4 or len(cols) < a.shape[1] // 4:
        return gray
    return gray.crop((int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1))


def packed(hex_hash: str) -> int:
    """The 64-bit hash as an integer, for vectorised Hamming distances."""
    return int(hex_hash, 16)
