"""Per-block evidence maps of one reduced picture, each block measured against the rest (pure).

Every cue is first a per-pixel map (luma, chroma, noise residual, gradient, edge
sharpness, error level, 8x8 grid), then averaged over BLOCK x BLOCK blocks, then
turned into contrasts: the block against the picture's median and against its
own neighbourhood. A paste is a region that disagrees with what surrounds it, so
contrasts generalise across scenes better than absolute values do.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

Array = NDArray[np.float64]

WORK_SIDE = 512  # longest side the picture is reduced to; measured: 2 MP in < 150 ms
BLOCK = 16  # block side on the reduced picture; a pasted face covers 20 to 60 blocks
RING = 7  # neighbourhood (blocks) a block is compared with; about two face widths
ELA_QUALITY = 90  # re-save quality for error levels; high enough to stay below originals

# Order is the model's column order; the shipped model records it and checks it.
CUES = ("luma", "cb", "cr", "spread", "noise", "gradient", "sharpness", "ela", "grid")


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockMaps:
    """Per-block cue values (rows x cols each) and the block features built from them."""

    cues: dict[str, Array]
    features: Array  # (rows*cols, n_features), row-major over blocks
    rows: int
    cols: int
    native: bool  # True when the picture was not reduced, so the 8x8 grid is the file's


def feature_names() -> tuple[str, ...]:
    """Column names of BlockMaps.features, in order."""
    raw = tuple(f"{c}" for c in CUES)
    glob = tuple(f"{c}-vs-picture" for c in CUES)
    local = tuple(f"{c}-vs-ring" for c in CUES)
    return (*raw, *glob, *local, "colour-vs-ring", "ring-spread")


def block_maps(image: Image.Image, *, native: bool) -> BlockMaps:
    """Block cues and features of an RGB picture already reduced to at most WORK_SIDE."""
    rgb = _crop_to_blocks(np.asarray(image, dtype=np.float64))
    luma, cb, cr = _ycbcr(rgb)
    rows, cols = luma.shape[0] // BLOCK, luma.shape[1] // BLOCK
    cues = {
        "luma": _block_mean(luma),
        "cb": _block_mean(cb),
        "cr": _block_mean(cr),
        "spread": _block_std(luma),
        "noise": np.log1p(_block_median(np.abs(luma - _box3(luma)))),
        "gradient": np.log1p(_block_mean(_gradient(luma))),
        "sharpness": _block_sharpness(luma),
        "ela": np.log1p(_block_mean(_error_level(rgb))),
        "grid": _block_grid(luma) if native else np.zeros((rows, cols)),
    }
    return BlockMaps(cues=cues, features=_contrasts(cues), rows=rows, cols=cols, native=native)


def _contrasts(cues: dict[str, Array]) -> Array:
    raw = [cues[c] for c in CUES]
    glob = [(m - np.median(m)) / _mad(m) for m in raw]
    local = [(m - _ring_median(m)) / _mad(m) for m in raw]
    colour = np.hypot(cues["cb"] - _ring_median(cues["cb"]), cues["cr"] - _ring_median(cues["cr"]))
    ring_spread = _ring_median(np.abs(cues["luma"] - _ring_median(cues["luma"])))
    columns = [*raw, *glob, *local, colour, ring_spread]
    return np.stack([c.ravel() for c in columns], axis=1)


def _crop_to_blocks(rgb: Array) -> Array:
    h, w = (rgb.shape[0] // BLOCK) * BLOCK, (rgb.shape[1] // BLOCK) * BLOCK
    return rgb[:h, :w]


def _ycbcr(rgb: Array) -> tuple[Array, Array, Array]:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    return luma, 0.564 * (b - luma), 0.713 * (r - luma)


def _blocks(m: Array) -> Array:
    rows, cols = m.shape[0] // BLOCK, m.shape[1] // BLOCK
    return m.reshape(rows, BLOCK, cols, BLOCK).transpose(0, 2, 1, 3).reshape(rows, cols, -1)


def _block_mean(m: Array) -> Array:
    return np.asarray(_blocks(m).mean(axis=2), dtype=np.float64)


def _block_std(m: Array) -> Array:
    return np.asarray(_blocks(m).std(axis=2), dtype=np.float64)


def _block_median(m: Array) -> Array:
    return np.median(_blocks(m), axis=2)


def _box3(m: Array) -> Array:
    """3x3 mean, edges replicated; the residual against it is the noise estimate."""
    p = np.pad(m, 1, mode="edge")
    h, w = m.shape
    total = np.zeros_like(m)
    for i in range(3):
        for j in range(3):
            total += p[i : i + h, j : j + w]
    return total / 9.0


def _gradient(luma: Array) -> Array:
    dx = np.zeros_like(luma)
    dy = np.zeros_like(luma)
    dx[:, 1:] = np.abs(np.diff(luma, axis=1))
    dy[1:, :] = np.abs(np.diff(luma, axis=0))
    return dx + dy


def _block_sharpness(luma: Array) -> Array:
    """How much of each strong edge happens in a single pixel step: 1.0 a hard step.

    Weighted ratio of one-pixel steps to the three-pixel span around them
    (sum one^2 / sum one*span): a hard-edged paste keeps one-pixel steps where
    the scene around it was softened by the camera and by resizing (a
    three-pixel ramp gives about 0.43). 0 where a block has no strong edge.
    """
    top = np.zeros_like(luma)
    bottom = np.zeros_like(luma)
    for axis in (0, 1):
        y = np.moveaxis(luma, axis, 0)
        one = np.zeros_like(y)
        span = np.zeros_like(y)
        one[1:-2] = np.abs(y[2:-1] - y[1:-2])
        span[1:-2] = np.abs(y[3:] - y[:-3])
        strong = span > 24.0
        top += np.moveaxis(np.where(strong, one * one, 0.0), 0, axis)
        bottom += np.moveaxis(np.where(strong, one * span, 0.0), 0, axis)
    top_b, bottom_b = _block_mean(top), _block_mean(bottom)
    return np.where(bottom_b > 0, top_b / np.maximum(bottom_b, 1e-9), 0.0)


def _error_level(rgb: Array) -> Array:
    """Luma difference against a re-save at ELA_QUALITY: high where compression is fresh."""
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=ELA_QUALITY)
    resaved = np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("RGB"), dtype=np.float64)
    return np.asarray(np.abs(rgb - resaved).mean(axis=2), dtype=np.float64)


def _block_grid(luma: Array) -> Array:
    """Luma steps on the 8x8 grid over steps inside it; > 1 where JPEG blocks show.

    Only meaningful at the file's own resolution: a region pasted from another
    JPEG, or pasted and then not recompressed the same way, disagrees with the rest.
    """
    dx = np.zeros_like(luma)
    dx[:, 1:] = np.abs(np.diff(luma, axis=1))
    on = np.zeros_like(luma, dtype=bool)
    on[:, 8::8] = True
    across = _block_mean(np.where(on, dx, 0.0)) * 8.0
    inside = _block_mean(np.where(on, 0.0, dx)) * 8.0 / 7.0
    return np.log((across + 1.0) / (inside + 1.0))


def _ring_median(m: Array) -> Array:
    """Median of each block's RING x RING neighbourhood (edges replicated)."""
    half = RING // 2
    padded = np.pad(m, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (RING, RING))
    return np.median(windows.reshape(m.shape[0], m.shape[1], -1), axis=2)


def _mad(m: Array) -> float:
    """Robust spread of a map, floored so flat pictures do not divide by zero."""
    return float(max(np.median(np.abs(m - np.median(m))) * 1.4826, 1e-3 + 0.02 * np.std(m)))
