"""Generator 1: crude pastes and pristine pictures with the same history, in named families (pure).

Reuses the fixture corpus's scenes and cartoon faces (fixtures.pictures) but never
its seeds: every name here starts with "mtrain-", the corpus's with "camp-"/"face-".
Every pasted picture records its family on four axes, so training can leave a
whole family out and the benchmark can report on it:

- method: hard, feather (Gaussian alpha), blended (partly transparent),
  colour_matched (mean and spread moved to the covered area), noise_matched,
  poisson (OpenCV's seamless clone), filtered (sharpened or blurred patch),
  jpeg_patch (the patch compressed on its own first);
- shape: rectangle, ellipse, contour (the face's own outline), polygon;
- source: scene (smooth procedural), camera (the scene through optics blur,
  sensor noise and a camera JPEG), graphic (flyers and logos), natural (1/f
  fields), room (rendered interiors), bokeh (depth of field), dark (amplified
  noise), collage (panels with their own histories);
- content: drawn, grainy, photo (a face on another photo's crop), upscaled;
- post: single (one JPEG), resize (then JPEG), recompress (two JPEGs), png,
  tone, crop (the grid moves), chain (resize, crop, tone, one to three JPEGs),
  resave (the base decoded from a JPEG at q 40-90 before the paste, then one JPEG
  on the same grid: double compression everywhere but in the paste).

The families added after the first model are in looks.py, with why.

Pristine pictures draw source and post from the same sampler.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from fixtures.pictures import encode, make_face, make_scene, render_flyer, render_logo
from training.manipulation import looks

SIZES = ((480, 360), (640, 480), (400, 300), (360, 480), (800, 600), (1024, 768), (300, 300))
# Camera-sized bases for a measuring set only (never trained on): reduced 3-4x to the block
# cues' WORK_SIDE, so a paste's sensor noise shows at the file's own resolution alone.
LARGE_SIZES = ((1600, 1200), (2000, 1500), (1200, 1600), (1920, 1080), (1536, 1152))
METHODS = ("hard", "feather", "blended", "colour_matched", "noise_matched", "poisson", "filtered",
           "jpeg_patch")  # fmt: skip
SHAPES = ("rectangle", "ellipse", "contour", "polygon")
SOURCES = ("scene", "camera", "graphic", "natural", "room", "bokeh", "dark", "collage")
CONTENTS = ("drawn", "grainy", "photo", "upscaled")
POSTS = ("single", "resize", "recompress", "png", "tone", "crop", "chain")
AXES = {"method": METHODS, "shape": SHAPES, "source": SOURCES, "content": CONTENTS, "post": POSTS}
# "resave" came after the others; it is drawn apart (its own seeded draw, this share of
# samples) so every other sample stays the picture it was, and family hold-outs reach it
# through FAMILIES.
RESAVE_SHARE = 0.15
FAMILIES = {**AXES, "post": (*POSTS, "resave")}


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """One encoded picture; `mask` marks pasted pixels in the final picture (None if pristine)."""

    data: bytes
    label: int
    mask: np.ndarray | None
    family: dict[str, str] = field(default_factory=dict)  # axis -> value ("-" when pristine)
    recipe: str = ""  # short description, for reading failures


def make_sample(seed: str, index: int, *, label: int, large: bool = False) -> Sample:
    """Sample `index` of the set named `seed`; a pure function of its arguments. `large`
    draws the base's size from LARGE_SIZES instead (the same draws otherwise)."""
    rng = random.Random(f"mtrain-{seed}:{index}:{label}")
    family = {axis: rng.choice(values) for axis, values in AXES.items()}
    if random.Random(f"mtrain-{seed}:{index}:{label}:resave").random() < RESAVE_SHARE:
        family["post"] = "resave"
    image = _base(seed, index, family["source"], rng, LARGE_SIZES if large else SIZES)
    mask: np.ndarray | None = None
    recipe = [family["source"], f"{image.width}x{image.height}"]
    if family["post"] == "resave":  # the base as a JPEG decoded before any edit
        first = rng.randrange(40, 91)
        image = looks.decode(looks.jpeg(image, first, rng.choice((0, 2))))
        recipe.append(f"base q{first}")
    if label:
        image, mask = _paste(image, f"mtrain-{seed}-face-{index}", family, rng)
        recipe.append(f"{family['method']}/{family['shape']}/{family['content']}")
    else:
        family["method"] = family["shape"] = family["content"] = "-"
    data, mask, post = _post(image, mask, family["post"], rng)
    recipe.append(post)
    return Sample(data=data, label=label, mask=mask, family=family, recipe=" ".join(recipe))


def _base(
    seed: str, index: int, source: str, rng: random.Random, sizes: tuple[tuple[int, int], ...]
) -> Image.Image:
    name = f"mtrain-{seed}-base-{index}"
    if source == "graphic":
        if rng.random() < 0.7:
            return looks.decode(render_flyer(name, ("VOTE", "TOWN HALL"), 90).data)
        return looks.decode(render_logo(name).data).resize((400, 300))
    size = rng.choice(sizes)
    if source in _LOOKS:
        return _LOOKS[source](size, rng)
    if source == "collage":

        def panel(panel_size: tuple[int, int]) -> Image.Image:
            kind = rng.choice(("scene", "camera", *_LOOKS))
            if kind in _LOOKS:
                return _LOOKS[kind](panel_size, rng)
            big = (max(panel_size[0], 240), max(panel_size[1], 240))  # make_scene's least size
            scene = make_scene(f"{name}-{rng.randrange(10**6)}", big).resize(panel_size)
            return _camera(scene, rng) if kind == "camera" else scene

        return looks.collage(size, rng, panel)
    image = make_scene(name, size)
    if source == "camera":
        image = _camera(image, rng)
    return image


_LOOKS = {"natural": looks.natural, "room": looks.room, "bokeh": looks.bokeh, "dark": looks.dark}


def _camera(image: Image.Image, rng: random.Random) -> Image.Image:
    """Optics blur, signal-dependent sensor noise and the camera's own JPEG."""
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    pixels = np.asarray(image, dtype=np.float64)
    nrng = np.random.default_rng(rng.randrange(2**32))
    sd = rng.uniform(1.0, 5.0) * np.sqrt(0.3 + pixels / 255.0)
    noisy = pixels + nrng.normal(0.0, 1.0, pixels.shape[:2])[..., None] * sd
    # cameras differ in how much colour noise their processing leaves: none to some
    noisy += nrng.normal(0.0, 1.0, pixels.shape) * sd * rng.uniform(0.0, 0.6)
    out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    return looks.decode(encode(out, rng.randrange(80, 98)))


def _paste(
    base: Image.Image, face_seed: str, family: dict[str, str], rng: random.Random
) -> tuple[Image.Image, np.ndarray]:
    width = max(24, round(min(base.size) * rng.uniform(0.2, 0.45)))
    height = min(base.height - 2, round(width * rng.uniform(1.0, 1.3)))
    face = make_face(face_seed).resize((width, height), Image.Resampling.BILINEAR)
    content = family["content"]
    if content == "grainy":  # a face cut from a photo: softer and grainy, not a flat drawing
        face = _grainy(face, rng)
    elif content == "photo":
        face = looks.photo_face(face, rng)
    elif content == "upscaled":
        face = looks.upscaled_face(face, rng)
    x = rng.randrange(0, base.width - width + 1)
    y = rng.randrange(0, base.height - height + 1)
    patch = np.asarray(face.convert("RGB"), dtype=np.float64)
    alpha = _shape_alpha(face, family["shape"], rng)
    covered = np.asarray(base, dtype=np.float64)[y : y + height, x : x + width]
    if family["shape"] in ("rectangle", "polygon"):  # the face on a backing of its own photo
        backing = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float64)
        inside = np.asarray(face.getchannel("A"), dtype=np.float64)[..., None] / 255.0
        patch = patch * inside + backing * (1.0 - inside)
    method = family["method"]
    if method == "poisson":
        cloned = looks.poisson(base, patch, alpha, (x, y), rng)
        if cloned is not None:
            return cloned
        method = "hard"  # the face touches the frame: OpenCV cannot clone it there
    if method == "feather":
        alpha = _blur(alpha, rng.uniform(1.5, 6.0))
    elif method == "blended":
        alpha = alpha * rng.uniform(0.55, 0.9)
    elif method == "colour_matched":
        patch = _match(patch, covered, alpha)
    elif method == "noise_matched":
        patch = looks.match_noise(patch, covered, rng)
    elif method == "filtered":
        patch = looks.filtered(patch, rng)
    elif method == "jpeg_patch":
        patch = looks.jpeg_patch(patch, rng)
    if method != "feather" and rng.random() < 0.3:  # a soft 1-3 px edge, as editors default to
        alpha = _blur(alpha, rng.uniform(0.5, 1.5))
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
    if shape == "polygon":
        return looks.polygon_alpha((w, h), rng)
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
    if post in ("tone", "crop", "chain"):
        return _post_more(image, mask, post, rng)
    if post == "resave":
        second = rng.randrange(55, 98)
        return looks.jpeg(image, second, rng.choice((0, 2))), mask, f"resave q{second}"
    data = encode(image, quality)
    if post == "recompress":
        second = rng.randrange(40, 96)
        return encode(looks.decode(data), second), mask, f"q{quality}->q{second}"
    return data, mask, f"q{quality}"


def _post_more(
    image: Image.Image, mask: np.ndarray | None, post: str, rng: random.Random
) -> tuple[bytes, np.ndarray | None, str]:
    steps = []
    if post == "tone":
        image = looks.tone(image, rng)
        steps.append("tone")
    elif post == "crop":
        image, mask = looks.crop(image, mask, rng)
        steps.append("crop")
    else:
        if rng.random() < 0.6:
            image, mask = looks.resize(image, mask, rng.uniform(0.4, 1.0), rng)
            steps.append("resize")
        if rng.random() < 0.4:
            image, mask = looks.crop(image, mask, rng)
            steps.append("crop")
        if rng.random() < 0.4:
            image = looks.tone(image, rng)
            steps.append("tone")
    saves = 1 if post != "chain" else rng.choice((1, 2, 2, 3))
    data = b""
    for _ in range(saves):
        quality = rng.randrange(45, 98)
        data = looks.jpeg(image, quality, rng.choice((0, 2)))
        image = looks.decode(data)
        steps.append(f"q{quality}")
    return data, mask, " ".join(steps)


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
