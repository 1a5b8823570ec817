"""Campaign picture groups with harder disguises than the fixture corpus's (pure; bench only).

One base picture per group (a crop of a photo shipped with scikit-learn or a
drawn interior, never the fixture corpus's scenes), a different face pasted
for each member at a slightly different place and size, then each member
disguised by one or two of: crop (up to 15% a side), border, mirror, caption
bar, small (longest side 180 to 300 px), grayscale, pdf (re-encoded small and
soft, as a picture pulled out of a PDF often is). The box is the pasted face's
in the final picture's pixels.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from training.manipulation.generate2 import _base, _content, _shape

Box = tuple[int, int, int, int]
DISGUISES = ("crop", "border", "mirror", "caption", "small", "grayscale", "pdf")


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    data: bytes
    box: Box
    disguises: tuple[str, ...]


def campaign_groups(seed: str, count: int, members: int = 6) -> Iterator[list[Member]]:
    for g in range(count):
        rng = random.Random(f"{seed}:{g}")
        nrng = np.random.default_rng(rng.randrange(2**32))
        base = _base(rng.choice(("photo", "interior", "photo")), rng, nrng)
        h, w = base.shape[:2]
        side = round(min(h, w) * rng.uniform(0.2, 0.35))
        cx, cy = rng.randrange(side, w - side), rng.randrange(side, h - side)
        group = []
        for m in range(members):
            mr = random.Random(f"{seed}:{g}:{m}")
            size = round(side * mr.uniform(0.9, 1.1))
            x = min(max(0, cx - size // 2 + mr.randrange(-8, 9)), w - size)
            y = min(max(0, cy - size // 2 + mr.randrange(-8, 9)), h - size)
            face = _content(size, size, mr, np.random.default_rng(mr.randrange(2**32)))
            alpha = _shape("circle", size, size, mr, nrng).astype(np.float64)[..., None] / 255
            pixels = base.copy().astype(np.float64)
            area = pixels[y : y + size, x : x + size]
            pixels[y : y + size, x : x + size] = face * alpha + area * (1 - alpha)
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
            chosen = tuple(mr.sample(DISGUISES, mr.choice((1, 1, 2))))
            image, box = _disguise(image, (x, y, x + size, y + size), chosen, mr)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=mr.randrange(50, 92))
            group.append(Member(data=out.getvalue(), box=box, disguises=chosen))
        yield group


def _disguise(
    image: Image.Image, box: Box, names: tuple[str, ...], rng: random.Random
) -> tuple[Image.Image, Box]:
    x0, y0, x1, y1 = box
    for name in names:
        w, h = image.size
        if name == "crop":
            left, top = rng.randrange(w * 15 // 100 + 1), rng.randrange(h * 15 // 100 + 1)
            right = w - rng.randrange(w * 15 // 100 + 1)
            bottom = h - rng.randrange(h * 15 // 100 + 1)
            image = image.crop((left, top, right, bottom))
            x0, x1 = max(0, x0 - left), min(right - left, x1 - left)
            y0, y1 = max(0, y0 - top), min(bottom - top, y1 - top)
        elif name == "border":
            size = rng.randrange(5, 40)
            fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            image = ImageOps.expand(image, border=size, fill=fill)
            x0, y0, x1, y1 = x0 + size, y0 + size, x1 + size, y1 + size
        elif name == "mirror":
            image = ImageOps.mirror(image)
            x0, x1 = w - x1, w - x0
        elif name == "caption":
            bar = rng.randrange(h // 10, h // 4)
            canvas = Image.new("RGB", (w, h + bar), (20, 20, 20) if rng.random() < 0.5 else "white")
            top = rng.random() < 0.5
            canvas.paste(image, (0, bar if top else 0))
            ImageDraw.Draw(canvas).text((10, 5 if top else h + 5), "PAY IN 48 HOURS", fill="red")
            image = canvas
            if top:
                y0, y1 = y0 + bar, y1 + bar
        elif name in ("small", "pdf"):
            longest = rng.randrange(180, 300) if name == "small" else round(max(w, h) * 0.6)
            scale = longest / max(w, h)
            image = image.resize((max(8, round(w * scale)), max(8, round(h * scale))),
                                 Image.Resampling.BILINEAR)  # fmt: skip
            x0, y0, x1, y1 = (round(v * scale) for v in (x0, y0, x1, y1))
            if name == "pdf":
                arr = cv2.GaussianBlur(np.asarray(image), (0, 0), 0.8)
                image = Image.fromarray(arr)
                out = io.BytesIO()
                image.save(out, "JPEG", quality=40)
                image = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
        elif name == "grayscale":
            image = image.convert("L").convert("RGB")
    return image, (x0, y0, x1, y1)
