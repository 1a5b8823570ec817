"""Generated pictures: crude pastes and pristine pictures with the same history (pure).

Reuses the fixture corpus's scenes and cartoon faces (fixtures.pictures) but never
its seeds: every name here starts with "mtrain-", the corpus's with "camp-"/"face-".
Pristine pictures go through the same compression, resizing and double
compression as pastes, so compression history alone does not mark a paste.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from fixtures.pictures import PastePlan, encode, make_scene, paste_face, render_flyer, render_logo

SIZES = ((480, 360), (480, 360), (640, 480), (400, 300), (360, 480), (800, 600), (1024, 768))
CONDITIONS = ("crude", "resized-recompressed", "other-transforms")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """One encoded picture; `mask` marks pasted pixels in the final picture (None if pristine)."""

    data: bytes
    label: int
    mask: np.ndarray | None
    condition: str
    recipe: str  # short description, for reading failures


def make_sample(seed: str, index: int, *, label: int, condition: str) -> Sample:
    """Sample `index` of the set named `seed`; a pure function of its arguments."""
    rng = random.Random(f"mtrain-{seed}:{index}:{label}:{condition}")
    image, prior_quality, content = _base_picture(seed, index, rng)
    mask: np.ndarray | None = None
    recipe = [content]
    if label:
        image, mask, paste = _paste(image, seed, index, rng)
        recipe.append(paste)
    quality = rng.randrange(55, 97)
    data = encode(image, quality)
    recipe.append(f"q{prior_quality}->q{quality}" if prior_quality else f"q{quality}")
    if condition == "resized-recompressed":
        image, mask = _resize(_decode(data), mask, rng.uniform(0.45, 0.9))
        quality = rng.randrange(30, 96)
        data = encode(image, quality)
        recipe.append(f"resize+q{quality}")
    elif condition == "other-transforms":
        data, mask, names = _other_transforms(data, mask, rng)
        recipe.append(names)
    return Sample(data=data, label=label, mask=mask, condition=condition, recipe=" ".join(recipe))


def _base_picture(seed: str, index: int, rng: random.Random) -> tuple[Image.Image, int, str]:
    """A scene (sometimes a flyer or logo), sometimes already a JPEG before anything else."""
    roll = rng.random()
    if roll < 0.06:
        flyer = render_flyer(f"mtrain-{seed}-flyer-{index}", ("VOTE", "TOWN HALL"), 90)
        image, content = _decode(flyer.data), "flyer"
    elif roll < 0.09:
        image, content = _decode(render_logo(f"mtrain-{seed}-logo-{index}").data), "logo"
    else:
        size = rng.choice(SIZES)
        image, content = make_scene(f"mtrain-{seed}-base-{index}", size), f"scene{size[0]}"
    prior = 0
    if rng.random() < 0.5:  # a base that was itself a downloaded JPEG
        prior = rng.randrange(50, 96)
        image = _decode(encode(image, prior))
    return image, prior, content


def _paste(
    base: Image.Image, seed: str, index: int, rng: random.Random
) -> tuple[Image.Image, np.ndarray, str]:
    """Paste a cartoon face of random size, edge and colour handling; mask from the change."""
    before = np.asarray(base, dtype=np.int16)
    width = max(24, round(min(base.size) * rng.uniform(0.18, 0.45)))
    height = round(width * 1.25)
    cx = rng.randrange(width // 2, max(width // 2 + 1, base.width - width // 2))
    cy = rng.randrange(height // 2, max(height // 2 + 1, base.height - height // 2))
    plan = PastePlan(
        base="unused",
        face=f"mtrain-{seed}-face-{index}",
        center=(cx, cy),
        face_width=width,
        mask=rng.choice(("hard", "hard", "feather", "rect")),
        colour_match=rng.random() < 0.4,
        quality=90,
        post_scale=None,
        transforms=(),
        seed=f"mtrain-{seed}-paste-{index}",
    )
    image, _ = paste_face(base.copy(), plan)
    changed = np.abs(np.asarray(image, dtype=np.int16) - before).sum(axis=2) > 6
    recipe = f"{plan.mask}{'+match' if plan.colour_match else ''}w{width}"
    return image, changed, recipe


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def _resize(
    image: Image.Image, mask: np.ndarray | None, scale: float
) -> tuple[Image.Image, np.ndarray | None]:
    size = (max(16, round(image.width * scale)), max(16, round(image.height * scale)))
    method = random.Random(str(size)).choice((Image.Resampling.BICUBIC, Image.Resampling.BILINEAR))
    return image.resize(size, method), _resize_mask(mask, size)


def _resize_mask(mask: np.ndarray | None, size: tuple[int, int]) -> np.ndarray | None:
    if mask is None:
        return None
    small = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)
    return np.asarray(small) > 127


def _other_transforms(
    data: bytes, mask: np.ndarray | None, rng: random.Random
) -> tuple[bytes, np.ndarray | None, str]:
    """The corpus's evasions: mirror, crop, border, grayscale, recompress, in one or two steps."""
    image = _decode(data)
    names = rng.sample(("mirror", "crop", "border", "grayscale", "recompress"), rng.randrange(1, 3))
    for name in names:
        image, mask = _transform(image, mask, name, rng)
    return encode(image, rng.randrange(50, 96)), mask, "+".join(names)


def _transform(
    image: Image.Image, mask: np.ndarray | None, name: str, rng: random.Random
) -> tuple[Image.Image, np.ndarray | None]:
    if name == "mirror":
        return ImageOps.mirror(image), None if mask is None else mask[:, ::-1]
    if name == "crop":
        w, h = image.size
        left, top = rng.randrange(w // 10 + 1), rng.randrange(h // 10 + 1)
        right, bottom = w - rng.randrange(w // 10 + 1), h - rng.randrange(h // 10 + 1)
        cut = None if mask is None else mask[top:bottom, left:right]
        return image.crop((left, top, right, bottom)), cut
    if name == "border":
        size = rng.randrange(8, 30)
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        grown = None if mask is None else np.pad(mask, size)
        return ImageOps.expand(image, border=size, fill=fill), grown
    if name == "grayscale":
        return image.convert("L").convert("RGB"), mask
    return _decode(encode(image, rng.randrange(25, 60))), mask  # recompress
