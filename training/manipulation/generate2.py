"""Generator 2: pastes made another way, for measuring only (pure; never trains the model).

Written apart from generator 1 and sharing none of its code: other bases
(crops of the photos that ship with scikit-learn, tiled wallpaper, shaded
interiors drawn with OpenCV, smooth random fields), other pasted content (a
crop of another photo, a face drawn with OpenCV, a textured blob), other
masks (random polygons, stars, rotated rectangles, circles), other blends
(anti-aliased hard edge, Poisson cloning normal and mixed, a linear alpha
ramp, a patch sharpened or JPEG-compressed on its own first) and other orders
of operations (resize before or after the paste, a crop after it, a global
blur or gamma after it), then one to three JPEGs or a PNG. Pristine pictures
take the same bases and the same post-processing.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image

BLENDS = ("hard_aa", "poisson_normal", "poisson_mixed", "ramp", "sharpened", "jpeg_patch")
MASKS = ("polygon", "star", "rotated_rect", "circle")
SOURCES = ("photo", "wallpaper", "interior", "field")
ORDERS = ("paste_then_resize", "resize_then_paste", "paste_then_crop", "paste_then_tone")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    data: bytes
    label: int
    mask: np.ndarray | None
    family: dict[str, str] = field(default_factory=dict)
    recipe: str = ""


@lru_cache(maxsize=1)
def _photos() -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_sample_images

    return tuple(np.asarray(img, dtype=np.uint8) for img in load_sample_images().images)


def make_sample(seed: str, index: int, *, label: int) -> Sample:
    rng = random.Random(f"gen2-{seed}:{index}:{label}")
    nrng = np.random.default_rng(rng.randrange(2**32))
    family = {"blend": rng.choice(BLENDS), "mask": rng.choice(MASKS),
              "source": rng.choice(SOURCES), "order": rng.choice(ORDERS)}  # fmt: skip
    base = _base(family["source"], rng, nrng)
    mask = None
    order = family["order"]
    if order == "resize_then_paste":
        base = _scale(base, rng.uniform(0.5, 0.9))
    if label:
        base, mask = _paste(base, family, rng, nrng)
    else:
        family["blend"] = family["mask"] = "-"
    if order == "paste_then_resize":
        factor = rng.uniform(0.45, 0.95)
        base = _scale(base, factor)
        mask = _scale_mask(mask, base)
    elif order == "paste_then_crop":
        h, w = base.shape[:2]
        t, b = rng.randrange(h // 12 + 1), h - rng.randrange(h // 12 + 1)
        lft, r = rng.randrange(w // 12 + 1), w - rng.randrange(w // 12 + 1)
        base = base[t:b, lft:r]
        mask = None if mask is None else mask[t:b, lft:r]
    elif order == "paste_then_tone":
        gamma = rng.uniform(0.75, 1.3)
        base = np.clip(255.0 * (base / 255.0) ** gamma, 0, 255).astype(np.uint8)
        if rng.random() < 0.5:
            base = cv2.GaussianBlur(base, (0, 0), rng.uniform(0.4, 0.9))
    data, post = _post(base, rng)
    return Sample(data=data, label=label, mask=mask, family=family,
                  recipe=f"{family} {post}")  # fmt: skip


def _base(source: str, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    side = rng.choice((360, 480, 600, 720, 900))
    w, h = side, int(side * rng.choice((0.66, 0.75, 1.0, 1.33)))
    if source == "photo":
        photo = _photos()[rng.randrange(2)]
        ph, pw = photo.shape[:2]
        cw, ch = rng.randrange(pw // 2, pw), rng.randrange(ph // 2, ph)
        x, y = rng.randrange(pw - cw + 1), rng.randrange(ph - ch + 1)
        crop = photo[y : y + ch, x : x + cw]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        crop = crop.astype(np.float64) * np.array([rng.uniform(0.85, 1.15) for _ in range(3)])
        return cv2.resize(np.clip(crop, 0, 255).astype(np.uint8), (w, h),
                          interpolation=cv2.INTER_AREA)  # fmt: skip
    if source == "wallpaper":
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
        period = rng.uniform(8, 40)
        pattern = np.sin(xx / period * 2 * np.pi) * np.cos(yy / (period * 1.3) * 2 * np.pi)
        colours = nrng.uniform(40, 220, (2, 3))
        img = colours[0] + (colours[1] - colours[0]) * (0.5 + 0.5 * pattern)[..., None]
        img *= (0.6 + 0.4 * xx / w)[..., None]  # light from one side
    elif source == "interior":
        img = np.zeros((h, w, 3))
        img[:] = nrng.uniform(60, 200, 3)
        for _ in range(rng.randrange(4, 9)):
            pts = nrng.integers(0, [w, h], (rng.randrange(3, 6), 2)).astype(np.int32)
            cv2.fillPoly(img, [cv2.convexHull(pts)], nrng.uniform(20, 240, 3).tolist())
        shade = np.linspace(0.7, 1.1, h)[:, None, None]
        img = cv2.GaussianBlur(img * shade, (0, 0), rng.uniform(0.8, 2.0))
    else:
        small = nrng.normal(0, 1, (h // 16 + 2, w // 16 + 2, 3))
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC) * 40 + 128
    noise = nrng.normal(0, rng.uniform(0.5, 4.0), (h, w, 1))
    img = np.clip(img + noise, 0, 255).astype(np.uint8)
    return _jpeg(img, rng.randrange(75, 98)) if rng.random() < 0.7 else img


def _content(h: int, w: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    roll = rng.random()
    if roll < 0.4:  # a crop of a photo, as a face found online would be
        photo = _photos()[rng.randrange(2)]
        ph, pw = photo.shape[:2]
        cw, ch = rng.randrange(pw // 5, pw // 2), rng.randrange(ph // 5, ph // 2)
        x, y = rng.randrange(pw - cw), rng.randrange(ph - ch)
        return cv2.resize(photo[y : y + ch, x : x + cw], (w, h), interpolation=cv2.INTER_LINEAR)
    if roll < 0.75:  # a face drawn with OpenCV
        img = np.full((h, w, 3), nrng.uniform(30, 120, 3), dtype=np.float64)
        skin = nrng.uniform([150, 100, 80], [255, 210, 180]).tolist()
        cv2.ellipse(img, (w // 2, h // 2), (w * 2 // 5, h * 9 // 20), 0, 0, 360, skin, -1)
        for ex in (w // 3, 2 * w // 3):
            cv2.circle(img, (ex, h * 2 // 5), max(2, w // 14), (30, 30, 30), -1)
        cv2.ellipse(img, (w // 2, h * 2 // 3), (w // 6, h // 14), 0, 0, 180, (60, 40, 140), 2)
        return np.clip(img, 0, 255).astype(np.uint8)
    blob = cv2.resize(nrng.normal(0, 1, (6, 6, 3)), (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(blob * 35 + nrng.uniform(80, 180, 3), 0, 255).astype(np.uint8)


def _shape(mask: str, h: int, w: int, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    m = np.zeros((h, w), dtype=np.uint8)
    cx, cy = w // 2, h // 2
    if mask == "polygon":
        angles = np.sort(nrng.uniform(0, 2 * np.pi, rng.randrange(5, 11)))
        radius = nrng.uniform(0.6, 1.0, angles.size)
        pts = np.stack([cx + radius * np.cos(angles) * w / 2 * 0.95,
                        cy + radius * np.sin(angles) * h / 2 * 0.95], axis=1)  # fmt: skip
        cv2.fillPoly(m, [pts.astype(np.int32)], 255, lineType=cv2.LINE_AA)
    elif mask == "star":
        k = rng.randrange(5, 9)
        angles = np.linspace(0, 2 * np.pi, 2 * k, endpoint=False)
        radius = np.where(np.arange(2 * k) % 2 == 0, 0.97, 0.6)
        pts = np.stack([cx + radius * np.cos(angles) * w / 2, cy + radius * np.sin(angles) * h / 2],
                       axis=1)  # fmt: skip
        cv2.fillPoly(m, [pts.astype(np.int32)], 255, lineType=cv2.LINE_AA)
    elif mask == "rotated_rect":
        box = cv2.boxPoints(((cx, cy), (w * 0.7, h * 0.7), rng.uniform(-35, 35)))
        cv2.fillPoly(m, [box.astype(np.int32)], 255, lineType=cv2.LINE_AA)
    else:
        cv2.circle(m, (cx, cy), min(h, w) // 2 - 1, 255, -1, lineType=cv2.LINE_AA)
    return m


def _paste(
    base: np.ndarray, family: dict[str, str], rng: random.Random, nrng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    bh, bw = base.shape[:2]
    side = round(min(bh, bw) * rng.uniform(0.22, 0.5))
    h, w = side, round(side * rng.uniform(0.8, 1.2))
    w = min(w, bw - 4)
    x, y = rng.randrange(2, bw - w - 1), rng.randrange(2, bh - h - 1)
    patch = _content(h, w, rng, nrng)
    shape = _shape(family["mask"], h, w, rng, nrng)
    blend = family["blend"]
    out = base.copy()
    if blend.startswith("poisson"):
        flag = cv2.NORMAL_CLONE if blend == "poisson_normal" else cv2.MIXED_CLONE
        hard = (shape > 127).astype(np.uint8) * 255
        out = cv2.seamlessClone(patch, base, hard, (x + w // 2, y + h // 2), flag)
        changed = np.abs(out.astype(np.int16) - base.astype(np.int16)).sum(axis=2) > 6
        region = np.zeros((bh, bw), dtype=bool)
        region[y : y + h, x : x + w] = hard > 0
        return out, changed & region | region
    if blend == "sharpened":
        soft = cv2.GaussianBlur(patch, (0, 0), 1.5).astype(np.float64)
        patch = np.clip(patch + 1.2 * (patch - soft), 0, 255).astype(np.uint8)
    elif blend == "jpeg_patch":
        patch = _jpeg(patch, rng.randrange(20, 60))
    alpha = shape.astype(np.float64) / 255.0
    if blend == "ramp":
        alpha = alpha * np.linspace(rng.uniform(0.5, 0.8), 1.0, w)[None, :]
    area = out[y : y + h, x : x + w].astype(np.float64)
    mixed = patch * alpha[..., None] + area * (1.0 - alpha[..., None])
    out[y : y + h, x : x + w] = np.clip(mixed, 0, 255).astype(np.uint8)
    mask = np.zeros((bh, bw), dtype=bool)
    mask[y : y + h, x : x + w] = alpha > 0.25
    return out, mask


def _scale(img: np.ndarray, factor: float) -> np.ndarray:
    h, w = img.shape[:2]
    size = (max(64, round(w * factor)), max(64, round(h * factor)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def _scale_mask(mask: np.ndarray | None, scaled: np.ndarray) -> np.ndarray | None:
    if mask is None:
        return None
    h, w = scaled.shape[:2]
    return cv2.resize(mask.astype(np.uint8) * 255, (w, h), interpolation=cv2.INTER_AREA) > 127


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1])


def _post(img: np.ndarray, rng: random.Random) -> tuple[bytes, str]:
    if rng.random() < 0.1:
        out = io.BytesIO()
        Image.fromarray(img).save(out, "PNG")
        return out.getvalue(), "png"
    qualities = [rng.randrange(35, 96) for _ in range(rng.choice((1, 1, 2, 3)))]
    for q in qualities[:-1]:
        img = _jpeg(img, q)
    out = io.BytesIO()
    Image.fromarray(img).save(out, "JPEG", quality=qualities[-1])
    return out.getvalue(), "jpeg " + ">".join(map(str, qualities))
