"""Generator 1: crude pastes and pristine pictures with the same history, in named families (pure).

Reuses the fixture corpus's scenes and cartoon faces (fixtures.pictures) but never
its seeds: every name here starts with "mtrain-", the corpus's with "camp-"/"face-".
Every pasted picture records its family on four axes, so training can leave a
whole family out and the benchmark can report on it:

- method: hard, feather (Gaussian alpha), blended (partly transparent),
  colour_matched (mean and spread moved to the covered area);
- shape: rectangle, ellipse, contour (the face's own outline);
- source: scene (smooth procedural), camera (the scene through optics blur,
  sensor noise and a camera JPEG), graphic (flyers and logos);
- post: single (one JPEG), resize (then JPEG), recompress (two JPEGs), png.

Pristine pictures draw source and post from the same sampler.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from fixtures.pictures import encode, make_face, make_scene, render_flyer, render_logo

SIZES = ((480, 360), (640, 480), (400, 300), (360, 480), (800, 600), (1024, 768), (300, 300))
METHODS = ("hard", "feather", "blended", "colour_matched")
SHAPES = ("rectangle", "ellipse", "contour")
SOURCES = ("scene", "camera", "graphic")
POSTS = ("single", "resize", "recompress", "png")
AXES = {"method": METHODS, "shape": SHAPES, "source": SOURCES, "post": POSTS}


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """One encoded picture; `mask` marks pasted pixels in the final picture (None if pristine)."""

    data: bytes
    label: int
    mask: np.ndarray | None
    family: dict[str, str] = field(default_factory=dict)  # axis -> value ("-" when pristine)
    recipe: str = ""  # short description, for reading failures


def make_sample(seed: str, index: int, *, label: int) -> Sample:
    """Sample `index` of the set named `seed`; a pure function of its arguments."""
    rng = random.Random(f"mtrain-{seed}:{index}:{label}")
    family = {axis: rng.choice(values) for axis, values in AXES.items()}
    image = _base(seed, index, family["source"], rng)
    mask: np.ndarray | None = None
    recipe = [family["source"], f"{image.width}x{image.height}"]
    if label:
        image, mask = _paste(image, f"mtrain-{seed}-face-{index}", family, rng)
        recipe.append(f"{family['method']}/{family['shape']}")
    else:
        family["method"] = family["shape"] = "-"
    data, mask, post = _post(image, mask, family["post"], rng)
    recipe.append(post)
    return Sample(data=data, label=label, mask=mask, family=family, recipe=" ".join(recipe))


def _base(seed: str, index: int, source: str, rng: random.Random) -> Image.Image:
    name = f"mtrain-{seed}-base-{index}"
    if source == "graphic":
        if rng.random() < 0.7:
            return _decode(render_flyer(name, ("VOTE", "TOWN HALL"), 90).data)
        return _decode(render_logo(name).data).resize((400, 300))
    image = make_scene(name, rng.choice(SIZES))
    if source == "camera":
        image = _camera(image, rng)
    return image


def _camera(image: Image.Image, rng: random.Random) -> Image.Image:
    """Optics blur, signal-dependent sensor noise and the camera's own JPEG."""
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    pixels = np.asarray(image, dtype=np.float64)
    nrng = np.random.default_rng(rng.randrange(2**32))
    sd = rng.uniform(1.0, 5.0) * np.sqrt(0.3 + pixels / 255.0)
    noisy = pixels + nrng.normal(0.0, 1.0, pixels.shape[:2])[..., None] * sd
    noisy += nrng.normal(0.0, 0.4, pixels.shape) * sd  # a little chroma noise
    out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    return _decode(encode(out, rng.randrange(80, 98)))


def _paste(
    base: Image.Image, face_seed: str, family: dict[str, str], rng: random.Random
) -> tuple[Image.Image, np.ndarray]:
    width = max(24, round(min(base.size) * rng.uniform(0.2, 0.45)))
    height = min(base.height - 2, round(width * rng.uniform(1.0, 1.3)))
    face = make_face(face_seed).resize((width, height), Image.Resampling.BILINEAR)
    if rng.random() < 0.4:  # a face cut from a photo: softer and grainy, not a flat drawing
        face = _grainy(face, rng)
    x = rng.randrange(0, base.width - width + 1)
    y = rng.randrange(0, base.height - height + 1)
    patch = np.asarray(face.convert("RGB"), dtype=np.float64)
    alpha = _shape_alpha(face, family["shape"], rng)
    covered = np.asarray(base, dtype=np.float64)[y : y + height, x : x + width]
    if family["shape"] == "rectangle":  # the face on a backing of its own photo's colour
        backing = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float64)
        inside = np.asarray(face.getchannel("A"), dtype=np.float64)[..., None] / 255.0
        patch = patch * inside + backing * (1.0 - inside)
    method = family["method"]
    if method == "feather":
        alpha = _blur(alpha, rng.uniform(1.5, 6.0))
    elif method == "blended":
        alpha = alpha * rng.uniform(0.55, 0.9)
    elif method == "colour_matched":
        patch = _match(patch, covered, alpha)
    mixed = patch * alpha[..., None] + covered * (1.0 - alpha[..., None])
    pixels = np.asarray(base, dtype=np.float64).copy()
    pixels[y : y + height, x : x + width] = mixed
    mask = np.zeros(pixels.shape[:2], dtype=bool)
    mask[y : y + height, x : x + width] = alpha > 0.25
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB"), mask


def _grainy(face: Image.Image, rng: random.Random) -> Image.Image:
    rgb = face.convert("RGB").filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    pixels = np.asarray(rgb, dtype=np.float64)
    nrng = np.random.default_rng(rng.randrange(2**32))
    pixels = pixels + nrng.normal(0.0, rng.uniform(2.0, 9.0), pixels.shape[:2])[..., None]
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB").convert("RGBA")
    out.putalpha(face.getchannel("A"))
    return out


def _shape_alpha(face: Image.Image, shape: str, rng: random.Random) -> np.ndarray:
    w, h = face.size
    if shape == "contour":
        return np.asarray(face.getchannel("A"), dtype=np.float64) / 255.0
    if shape == "rectangle":
        return np.ones((h, w))
    canvas = Image.new("L", (w, h), 0)
    ImageDraw.Draw(canvas).ellipse((0, 0, w - 1, h - 1), fill=255)
    return np.asarray(canvas, dtype=np.float64) / 255.0


def _blur(alpha: np.ndarray, sigma: float) -> np.ndarray:
    shrunk = Image.fromarray((alpha * 255).astype(np.uint8)).filter(ImageFilter.MinFilter(5))
    soft = shrunk.filter(ImageFilter.GaussianBlur(sigma))
    return np.asarray(soft, dtype=np.float64) / 255.0


def _match(patch: np.ndarray, covered: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Per channel, move the patch's mean and spread to those of the area it covers."""
    inside = alpha > 0.5
    if inside.sum() < 10:
        return patch
    out = patch.copy()
    for c in range(3):
        p, q = patch[..., c][inside], covered[..., c]
        out[..., c] = (patch[..., c] - p.mean()) / max(p.std(), 1.0) * q.std() + q.mean()
    return out


def _post(
    image: Image.Image, mask: np.ndarray | None, post: str, rng: random.Random
) -> tuple[bytes, np.ndarray | None, str]:
    quality = rng.randrange(55, 97)
    if post == "png":
        if max(image.size) > 640:
            image, mask = _resize(image, mask, 640 / max(image.size), rng)
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue(), mask, "png"
    if post == "resize":
        image, mask = _resize(image, mask, rng.uniform(0.4, 0.9), rng)
        return encode(image, quality), mask, f"resize q{quality}"
    data = encode(image, quality)
    if post == "recompress":
        second = rng.randrange(40, 96)
        return encode(_decode(data), second), mask, f"q{quality}->q{second}"
    return data, mask, f"q{quality}"


def _resize(
    image: Image.Image, mask: np.ndarray | None, scale: float, rng: random.Random
) -> tuple[Image.Image, np.ndarray | None]:
    size = (max(48, round(image.width * scale)), max(48, round(image.height * scale)))
    method = rng.choice((Image.Resampling.BICUBIC, Image.Resampling.BILINEAR,
                         Image.Resampling.LANCZOS))  # fmt: skip
    small = None
    if mask is not None:
        grey = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)
        small = np.asarray(grey) > 127
    return image.resize(size, method), small


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")
