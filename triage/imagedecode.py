"""Untrusted image bytes -> one oriented RGB picture, within limits, or a clear refusal (pure).

Every stage that looks at pixels decodes through here, so hashes and scores see the
same picture: EXIF orientation applied, alpha flattened on white, first frame only,
JPEG draft decoding applied the same way whenever a size cap is asked for.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from triage.errors import TriageError

FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"})


class ImageRefused(TriageError):
    """An image that is not decoded: unknown format, truncated, or over a limit."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageLimits:
    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 50_000_000  # far below Pillow's bomb guard; real photos stay under
    max_side: int = 30_000


@dataclass(frozen=True, slots=True, kw_only=True)
class DecodedImage:
    """A decoded picture; `image` is RGB (L when greyscale was asked for). `width`/`height`
    are the file's own size."""

    image: Image.Image
    format: str
    width: int
    height: int
    frames: int
    exif: dict[int, str] = field(default_factory=dict)
    jpeg_quant: tuple[tuple[int, ...], ...] | None = None


def probe(data: bytes, limits: ImageLimits | None = None) -> tuple[str, int, int]:
    """Format and size from the header alone; refuses what exceeds the limits."""
    limits = limits or ImageLimits()
    if len(data) > limits.max_bytes:
        raise ImageRefused(f"image file over {limits.max_bytes} bytes")
    im = _open(data)
    _check_size(im.width, im.height, limits)
    return str(im.format), im.width, im.height


def decode_image(
    data: bytes,
    *,
    limits: ImageLimits | None = None,
    max_side: int | None = None,
    grey: bool = False,
) -> DecodedImage:
    """Decode `data`; with max_side, decode at reduced size (JPEG draft, then thumbnail).
    With `grey`, the picture in greyscale (L): a colour JPEG is then decoded from its luma
    plane alone, a third of the time of a colour decode (reading text needs no colour)."""
    limits = limits or ImageLimits()
    if len(data) > limits.max_bytes:
        raise ImageRefused(f"image file over {limits.max_bytes} bytes")
    im = _open(data)
    fmt = str(im.format)
    width, height = im.width, im.height
    _check_size(width, height, limits)
    frames = int(getattr(im, "n_frames", 1) or 1)
    exif = _exif_text(im)
    quant = _quant_tables(im)
    if fmt == "JPEG" and (max_side is not None or grey):
        side = max_side or max(width, height)
        im.draft("L" if grey else "RGB", (side, side))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im.load()
            im = ImageOps.exif_transpose(im) or im
            rgb = _to_grey(im) if grey else _to_rgb(im)
    except Image.DecompressionBombError as e:
        raise ImageRefused(f"decompression bomb refused: {width}x{height} pixels") from e
    except Exception as e:  # Pillow raises many kinds on hostile files (TypeError from TIFF)
        raise ImageRefused(f"cannot decode {fmt} image: {_short(e)}") from e
    if max_side is not None and max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return DecodedImage(
        image=rgb, format=fmt, width=width, height=height, frames=frames, exif=exif,
        jpeg_quant=quant,
    )  # fmt: skip


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
    except UnidentifiedImageError as e:
        raise ImageRefused("not an image Pillow can read") from e
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageRefused("decompression bomb refused") from e
    except Exception as e:  # one hostile picture must cost its message a refusal, not a run
        raise ImageRefused(f"unreadable image header: {_short(e)}") from e
    return im


def _check_size(width: int, height: int, limits: ImageLimits) -> None:
    if width <= 0 or height <= 0:
        raise ImageRefused("image has no pixels")
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise ImageRefused(f"decompression bomb refused: {width}x{height} pixels")


def _to_grey(im: Image.Image) -> Image.Image:
    return im if im.mode == "L" else _to_rgb(im).convert("L")


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping to white
        im = im.point(lambda v: v / 256).convert("L")
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "RGBa"):
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(im.convert("RGBA"), mask=im.convert("RGBA").getchannel("A"))
        return background
    return im.convert("RGB")


def _exif_text(im: Image.Image) -> dict[int, str]:
    try:
        exif = im.getexif()
    except (OSError, SyntaxError, ValueError, TypeError):
        return {}
    out = {}
    for tag, value in list(exif.items())[:200]:  # hostile files carry huge EXIF blocks
        text = value.decode("latin-1", "replace") if isinstance(value, bytes) else str(value)
        out[int(tag)] = text[:500]
    return out


def _quant_tables(im: Image.Image) -> tuple[tuple[int, ...], ...] | None:
    tables = getattr(im, "quantization", None)
    if not tables:
        return None
    return tuple(tuple(int(v) for v in tables[k]) for k in sorted(tables))


def _short(e: BaseException) -> str:
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__
