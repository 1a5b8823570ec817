"""More of what generator 1 draws: bases, pasted content, blends and histories (pure).

Generator 1 began with smooth procedural scenes, flyers and flat cartoon faces,
and a model trained on those learned that generator: a rendered room, a
depth-of-field picture or a collage of panels was "pasted", and a face that
matched the picture's noise or was cloned into it was not. What is added here
widens the training families along the same four axes, plus a fifth (what is
pasted):

- bases (source): 1/f "natural" photos, rendered rooms with flat walls and
  lamp light, depth of field (a sharp subject on a blurred background), dark
  rooms with amplified sensor noise, and collages of two to four panels, each
  panel with its own history. Every one goes through a capture step (optics,
  sensor noise, the camera's JPEG): a pristine picture is not uniform, and the
  model must see that.
- content: the drawn face, a grainy photo-like face, a face on a crop of
  another photo (its own noise and JPEG), a face drawn small and upscaled.
- methods: noise matched to the covered area, Poisson cloning (OpenCV),
  a sharpened or blurred patch, a patch JPEG-compressed on its own first.
- shapes: a random polygon.
- post: tone (gamma, brightness, contrast), a slight crop that moves the 8x8
  grid, and chains of resize (any filter), crop, tone and one to three JPEGs
  at qualities 45-97 with 4:2:0 or 4:4:4 chroma.

Nothing here reads another generator or any measuring set; which families exist
was decided from the issue's description of what failed (rooms, bokeh, pastes
we did not make), so the held-out figures are honest only for what the bench
leaves out.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Pixels = np.ndarray
_FILTERS = (Image.Resampling.NEAREST, Image.Resampling.BILINEAR, Image.Resampling.BICUBIC,
            Image.Resampling.LANCZOS, Image.Resampling.BOX)  # fmt: skip


def _nrng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.randrange(2**32))


def _image(pixels: Pixels) -> Image.Image:
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def jpeg(image: Image.Image, quality: int, subsampling: int) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality, subsampling=subsampling)
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def capture(image: Image.Image, rng: random.Random, *, noise: tuple[float, float] = (0.8, 5.0)
            ) -> Image.Image:  # fmt: skip
    """Optics blur, signal-dependent sensor noise, the camera's JPEG (q 80-97, either chroma)."""
    if rng.random() < 0.8:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.3)))
    pixels = np.asarray(image, dtype=np.float64)
    nrng = _nrng(rng)
    sd = rng.uniform(*noise) * np.sqrt(0.2 + pixels / 255.0)
    noisy = pixels + nrng.normal(0.0, 1.0, pixels.shape[:2])[..., None] * sd
    noisy += nrng.normal(0.0, 1.0, pixels.shape) * sd * rng.uniform(0.0, 0.6)  # colour noise
    return decode(jpeg(_image(noisy), rng.randrange(80, 98), rng.choice((0, 2))))


# -- bases -------------------------------------------------------------------------------------


def fractal(size: tuple[int, int], rng: random.Random, slope: float = 2.0) -> Pixels:
    """Colour 1/f^slope noise in 0..255: the statistics of natural photos, no real content."""
    w, h = size
    nrng = _nrng(rng)
    fy, fx = np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :]
    amplitude = 1.0 / np.maximum(np.hypot(fx, fy), 1.0 / max(w, h)) ** (slope / 2.0)
    channels = []
    for _ in range(3):
        phase = nrng.uniform(0, 2 * np.pi, (h, w))
        field = np.real(np.fft.ifft2(amplitude * np.exp(1j * phase)))
        channels.append((field - field.mean()) / (field.std() + 1e-9))
    # photos vary mostly in brightness: one shared field, weaker colour fields
    luma, chroma = channels[0], np.stack(channels[1:], axis=-1) @ nrng.normal(0, 0.35, (2, 3))
    centre = np.array([rng.uniform(60, 190) for _ in range(3)])
    return np.asarray(centre + (luma[..., None] + chroma) * rng.uniform(12, 35))


def natural(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A 1/f field with a few soft-edged objects, captured."""
    pixels = fractal(size, rng, rng.uniform(1.6, 2.6))
    image = _image(pixels)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(0, 5)):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x0, y0, x0 + rng.randrange(20, size[0] // 2), y0 + rng.randrange(20, size[1] // 2))
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.0, 1.5)))
    return capture(image, rng)


def room(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A rendered room: flat walls and floor, furniture and frames, lamp light; captured."""
    w, h = size
    wall = np.array([rng.uniform(90, 235) for _ in range(3)])
    floor = np.array([rng.uniform(40, 180) for _ in range(3)])
    horizon = rng.randrange(h // 2, 4 * h // 5)
    pixels = np.empty((h, w, 3))
    pixels[:horizon] = wall
    pixels[horizon:] = floor
    if rng.random() < 0.5:  # a corner: the side wall a shade darker
        corner = rng.randrange(w // 5, 4 * w // 5)
        pixels[:horizon, corner:] *= rng.uniform(0.7, 0.95)
    image = _image(pixels)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3, 9)):  # bed, table, frames, window
        x0 = rng.randrange(w)
        y0 = rng.randrange(h // 6, h - 10)
        box = (x0, y0, x0 + rng.randrange(20, w // 2), y0 + rng.randrange(10, h // 3))
        fill = tuple(rng.randrange(256) for _ in range(3))
        outline = tuple(rng.randrange(256) for _ in range(3)) if rng.random() < 0.5 else None
        draw.rectangle(box, fill=fill, outline=outline, width=rng.randrange(1, 4))
    pixels = np.asarray(image, dtype=np.float64)
    yy, xx = np.mgrid[0:h, 0:w]
    lamp = (rng.uniform(0, w), rng.uniform(0, h / 2))
    fall = np.hypot(xx - lamp[0], yy - lamp[1]) / max(w, h)
    light = 1.15 - rng.uniform(0.3, 0.8) * fall
    pixels = pixels * light[..., None]
    image = _image(pixels).filter(ImageFilter.GaussianBlur(rng.uniform(0.0, 0.8)))
    return capture(image, rng, noise=(0.3, 3.0))  # renders are clean: little sensor noise


def bokeh(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Depth of field: a background of blurred lights and colour, a sharp subject, captured."""
    w, h = size
    background = _image(fractal(size, rng, 2.8))
    draw = ImageDraw.Draw(background)
    for _ in range(rng.randrange(10, 40)):
        r = rng.randrange(4, max(6, min(w, h) // 8))
        x, y = rng.randrange(w), rng.randrange(h)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=tuple(rng.randrange(120, 256) for _ in range(3)))  # fmt: skip
    background = background.filter(ImageFilter.GaussianBlur(rng.uniform(4, 14)))
    subject = _image(fractal(size, rng, 1.8))
    mask = Image.new("L", size, 0)
    sx, sy = rng.randrange(w // 5, 3 * w // 5), rng.randrange(h // 5, 3 * h // 5)
    sw, sh = rng.randrange(w // 5, w // 2), rng.randrange(h // 4, 3 * h // 4)
    shape = ImageDraw.Draw(mask)
    if rng.random() < 0.5:
        shape.ellipse((sx, sy, sx + sw, sy + sh), fill=255)
    else:
        shape.rounded_rectangle((sx, sy, sx + sw, sy + sh), radius=rng.randrange(2, 30), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.5)))
    return capture(Image.composite(subject, background, mask), rng)


def dark(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A dim room: low light amplified, so sensor noise is strong and coloured."""
    base = np.asarray(room(size, rng), dtype=np.float64) * rng.uniform(0.12, 0.35)
    nrng = _nrng(rng)
    gain = rng.uniform(1.5, 2.5)
    noisy = (base + nrng.normal(0.0, rng.uniform(1.0, 3.0), base.shape)) * gain
    return decode(jpeg(_image(noisy), rng.randrange(70, 95), rng.choice((0, 2))))


def collage(
    size: tuple[int, int], rng: random.Random, panel: Callable[[tuple[int, int]], Image.Image]
) -> Image.Image:
    """Two to four panels side by side or in a grid, each with its own history, on a gutter."""
    w, h = size
    gutter = rng.randrange(0, 12)
    canvas = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    across = rng.choice((1, 2, 2, 3))
    down = 1 if across == 3 else rng.choice((1, 2)) if across == 2 else 2
    pw, ph = (w - gutter * (across + 1)) // across, (h - gutter * (down + 1)) // down
    for i in range(across):
        for j in range(down):
            piece = panel((max(32, pw), max(32, ph)))
            canvas.paste(piece, (gutter + i * (pw + gutter), gutter + j * (ph + gutter)))
    return canvas


# -- pasted content and blends -----------------------------------------------------------------


def photo_face(face: Image.Image, rng: random.Random) -> Image.Image:
    """The face's outline filled from a captured photo-like crop (other noise, other JPEG)."""
    fill = natural(face.size, rng)
    shaded = Image.blend(fill, face.convert("RGB"), rng.uniform(0.3, 0.7))
    out = shaded.convert("RGBA")
    out.putalpha(face.getchannel("A"))
    return out


def upscaled_face(face: Image.Image, rng: random.Random) -> Image.Image:
    """A face drawn small and blown up: soft, with interpolation's own texture."""
    factor = rng.uniform(2.0, 4.5)
    small = face.resize((max(8, round(face.width / factor)), max(8, round(face.height / factor))),
                        Image.Resampling.BILINEAR)  # fmt: skip
    return small.resize(face.size, rng.choice(_FILTERS[1:4]))


def polygon_alpha(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    w, h = size
    points = rng.randrange(5, 11)
    angles = sorted(rng.uniform(0, 2 * np.pi) for _ in range(points))
    xy = [(w / 2 + np.cos(a) * w / 2 * rng.uniform(0.6, 1.0),
           h / 2 + np.sin(a) * h / 2 * rng.uniform(0.6, 1.0)) for a in angles]  # fmt: skip
    canvas = Image.new("L", size, 0)
    ImageDraw.Draw(canvas).polygon(xy, fill=255)
    return np.asarray(canvas, dtype=np.float64) / 255.0


def noise_sd(pixels: Pixels) -> float:
    """Noise level of an area from its second differences (Immerkaer), in grey levels."""
    grey = pixels.mean(axis=2) if pixels.ndim == 3 else pixels
    if min(grey.shape) < 4:
        return 0.0
    lap = grey[:-2, :-2] - 2 * grey[1:-1, :-2] + grey[2:, :-2]
    lap = lap - 2 * (grey[:-2, 1:-1] - 2 * grey[1:-1, 1:-1] + grey[2:, 1:-1])
    lap = lap + grey[:-2, 2:] - 2 * grey[1:-1, 2:] + grey[2:, 2:]
    return float(np.sqrt(np.pi / 2.0) * np.median(np.abs(lap)) / 6.0 * 1.4826 / 1.2)


def match_noise(patch: Pixels, covered: Pixels, rng: random.Random) -> Pixels:
    """Add noise so the patch's level reaches the covered area's."""
    want, have = noise_sd(covered), noise_sd(patch)
    extra = np.sqrt(max(0.0, want * want - have * have)) * rng.uniform(0.8, 1.2)
    return patch + _nrng(rng).normal(0.0, 1.0, patch.shape[:2])[..., None] * extra


def filtered(patch: Pixels, rng: random.Random) -> Pixels:
    """The patch sharpened (unsharp mask) or blurred before pasting."""
    image = _image(patch)
    if rng.random() < 0.5:
        out = image.filter(ImageFilter.UnsharpMask(rng.uniform(1.0, 3.0), rng.randrange(80, 250)))
    else:
        out = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.5)))
    return np.asarray(out, dtype=np.float64)


def jpeg_patch(patch: Pixels, rng: random.Random) -> Pixels:
    """The patch JPEG-compressed on its own first (q 20-90), resized before or after."""
    image = _image(patch)
    size = image.size
    if rng.random() < 0.5:
        factor = rng.uniform(0.5, 0.9)
        small = image.resize((max(8, round(size[0] * factor)), max(8, round(size[1] * factor))))
        image = decode(jpeg(small, rng.randrange(20, 90), rng.choice((0, 2)))).resize(size)
    else:
        image = decode(jpeg(image, rng.randrange(20, 90), rng.choice((0, 2))))
    return np.asarray(image, dtype=np.float64)


def poisson(base: Image.Image, patch: Pixels, alpha: Pixels, xy: tuple[int, int],
            rng: random.Random) -> tuple[Image.Image, np.ndarray] | None:  # fmt: skip
    """OpenCV's seamless clone (normal or mixed); None when the region touches the frame."""
    x, y = xy
    h, w = alpha.shape
    if x < 2 or y < 2 or x + w > base.width - 2 or y + h > base.height - 2:
        return None
    inside = (alpha > 0.5).astype(np.uint8) * 255
    inside[0, :] = inside[-1, :] = 0
    inside[:, 0] = inside[:, -1] = 0
    if inside.sum() < 255 * 50:
        return None
    target = cv2.cvtColor(np.asarray(base), cv2.COLOR_RGB2BGR)
    source = cv2.cvtColor(np.clip(patch, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    kind = cv2.NORMAL_CLONE if rng.random() < 0.6 else cv2.MIXED_CLONE
    # seamlessClone centres the mask's bounding box on `center`
    ys, xs = np.nonzero(inside)
    centre = (x + (xs.min() + xs.max() + 1) // 2, y + (ys.min() + ys.max() + 1) // 2)
    try:
        out = cv2.seamlessClone(source, target, inside, centre, kind)
    except cv2.error:
        return None
    mask = np.zeros((base.height, base.width), dtype=bool)
    mask[y : y + h, x : x + w] = inside > 0
    return Image.fromarray(cv2.cvtColor(out, cv2.COLOR_BGR2RGB)), mask


# -- post-processing ---------------------------------------------------------------------------


def resize(image: Image.Image, mask: np.ndarray | None, factor: float, rng: random.Random
           ) -> tuple[Image.Image, np.ndarray | None]:  # fmt: skip
    size = (max(48, round(image.width * factor)), max(48, round(image.height * factor)))
    small = None
    if mask is not None:
        grey = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)
        small = np.asarray(grey) > 127
    return image.resize(size, rng.choice(_FILTERS)), small


def crop(image: Image.Image, mask: np.ndarray | None, rng: random.Random
         ) -> tuple[Image.Image, np.ndarray | None]:  # fmt: skip
    """Cut 0.5-5% off each side: the 8x8 grid no longer starts at the corner."""
    w, h = image.size
    left, right = (round(w * rng.uniform(0.005, 0.05)) for _ in range(2))
    top, bottom = (round(h * rng.uniform(0.005, 0.05)) for _ in range(2))
    box = (left, top, w - right, h - bottom)
    return image.crop(box), None if mask is None else mask[top : h - bottom, left : w - right]


def tone(image: Image.Image, rng: random.Random) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float64) / 255.0
    pixels = pixels ** rng.uniform(0.7, 1.4)
    pixels = (pixels - 0.5) * rng.uniform(0.8, 1.25) + 0.5 + rng.uniform(-0.08, 0.08)
    return _image(pixels * 255.0)
