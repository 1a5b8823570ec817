"""Per-block evidence of one reduced picture: where does a region disagree with the rest (pure).

No cue here was learned from pastes. Each is a physical trace measured per
BLOCK x BLOCK block, then turned into a deviation: how far the block sits from
what the rest of the same picture predicts for it, in robust spreads.

- noise: the picture's high-frequency residual in the flattest quarter of each
  block. A camera leaves one noise level that depends on brightness and scene
  detail; a face drawn, upscaled or cut from another photo carries another. The
  deviation is the residual of a robust fit of log-noise on brightness and
  detail (the spread of 4x4 cell means, which noise barely moves) across the
  picture's own blocks, so a dark corner or a plain wall is compared with what
  this picture's noise does there.
- sharpness: how much of each strong edge happens in one pixel step. Resizing
  and optics soften a picture's edges alike; a pasted region keeps its own.
- error level: change when re-saved as JPEG, against what texture predicts.
- grid: 8x8 JPEG blocking, only when the pixels are the file's own.
- colour: a block's chroma and brightness against its neighbourhood.
- texture: a block's busyness against its neighbourhood.
- grain: noise at full work size over noise at half size. Sensor noise is
  white and halves when 2x2 pixels are averaged; an upscaled or interpolated
  face has little noise at the finest scale and relatively more above it.
- chroma: colour noise against brightness noise. A camera leaves both; a
  drawn face has neither, and noise added to match the picture is often grey.
- ghost: error level at a lower re-save quality (ELA_LOW) over the one at
  ELA_QUALITY: a region last compressed at another quality than the rest
  reaches its least error at another quality.

- dq (read by the picture model only, never by the block model): double
  compression at the file's own resolution (dq.py), pooled into these blocks: a
  region pasted between two JPEGs is less doubly compressed than the rest. The
  column is the 5x5-block mean of its deviation, 0 where the file shows no
  first compression (PNG, resized, compressed once): absent, not "manipulated".

Window features then average each deviation over 3x3 and 5x5 blocks around
every block (a pasted face covers 4 to 60 blocks here) and against a wider
ring, so a region is judged as a whole and a single odd block counts little.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy import ndimage

Array = NDArray[np.float64]

WORK_SIDE = 512  # longest side the picture is reduced to; 2 MP decodes in draft mode
BLOCK = 16  # block side on the reduced picture
ELA_QUALITY = 90  # re-save quality for error levels; high enough to stay below originals
ELA_LOW = 70  # the second re-save quality for the ghost cue
CLIP_LOW, CLIP_HIGH = 6.0, 249.0  # luma where noise is clipped away: no evidence there
Z_CLIP = 8.0  # deviations beyond this many spreads count as this many

# Deviation maps, in the order of the window features built from them.
CUES = ("noise", "sharpness", "ela", "grid", "colour", "texture", "grain", "chroma", "ghost")
WINDOWS = ("w3", "w5", "ring")  # 3x3 mean, 5x5 mean, 3x3 mean minus the 9x9 mean


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockMaps:
    """Per-block raw cues and deviations (rows x cols each) and window features."""

    cues: dict[str, Array]  # raw measurements
    deviations: dict[str, Array]  # robust z-scores against the rest of the picture (CUES)
    features: Array  # (rows*cols, len(feature_names())), row-major over blocks
    rows: int
    cols: int
    native: bool  # True when the picture was not reduced, so the 8x8 grid is the file's
    dq_present: bool = False  # the file's own double-compression map went into "dq"


# Raw block measurements the block model also reads, so it can tell a flat sky from a face.
RAW = ("luma", "cb", "cr", "texture", "structure", "noise", "sharpness", "ela", "grid", "clipped",
       "grain", "chroma", "ghost")  # fmt: skip


# The noise deviation read at the file's own resolution (native.py), 5x5-block mean, signed and
# its size: the block model reads it (fitted both ways on generator 1, it raised the held-out,
# generator-2 and large-base figures; the picture model alone reading it did not).
NATIVE = ("nnoise-w5", "|nnoise-w5|")
# The residual co-occurrence anomaly (cooccurrence.py), 3x3- and 5x5-block means: one-sided (a
# distance), so no size column. Fitted with and without on generator 1 (smaller models, 900 + 600
# pictures), it raised the held-out and generator-2 figures (large bases: AUC up, TPR down).
COOC = ("cooc-w3", "cooc-w5")
# Trailing columns the picture model reads and the block model does not (fitted both ways on
# generator 1, the block model did worse on its held-out set with them; the picture model better).
PICTURE_ONLY = ("dq-w5",)


def block_feature_names() -> tuple[str, ...]:
    """Names of the columns the block model reads: the first ones of BlockMaps.features."""
    signed = tuple(f"{c}-{w}" for c in CUES for w in WINDOWS)
    return (*signed, *(f"|{n}|" for n in signed), *(f"raw-{c}" for c in RAW), *NATIVE, *COOC)


def feature_names() -> tuple[str, ...]:
    """Column names of BlockMaps.features, in order."""
    return (*block_feature_names(), *PICTURE_ONLY)


def block_maps(
    image: Image.Image,
    *,
    native: bool,
    dq: tuple[Array, Array] | None = None,
    native_noise: Array | None = None,
    cooc: Array | None = None,
) -> BlockMaps:
    """Block cues, deviations and window features of an RGB picture of at most WORK_SIDE.

    `dq` is the file's double-compression evidence pooled into this picture's blocks
    (dq.pool_to_grid of dq.double_compression: mean log-likelihood ratio and coefficients read per
    block), None when the file shows none. `native_noise` is the noise deviation read at
    the file's own resolution (native.noise_deviation), None when unread; `cooc` the residual
    co-occurrence anomaly (cooccurrence.cooccurrence_anomaly), None when unread.
    """
    pixels = _crop_to_blocks(np.asarray(image, dtype=np.uint8))  # RGB, as decode_image gives
    rgb = pixels.astype(np.float64)
    luma, cb, cr = _ycbcr(rgb)
    rows, cols = luma.shape[0] // BLOCK, luma.shape[1] // BLOCK
    gradient = _gradient(luma)
    noise = np.log(0.05 + _block_noise(luma))
    ela = np.log1p(_block_mean(_error_level(pixels)))
    cues = {
        "luma": _block_mean(luma),
        "cb": _block_mean(cb),
        "cr": _block_mean(cr),
        "texture": np.log1p(_block_mean(gradient)),
        "structure": np.log1p(_block_structure(luma)),
        "noise": noise,
        "sharpness": _block_sharpness(luma),
        "ela": ela,
        "grid": _block_grid(luma) if native else np.zeros((rows, cols)),
        "clipped": _block_mean(((luma < CLIP_LOW) | (luma > CLIP_HIGH)).astype(np.float64)),
        "grain": noise - np.log(0.05 + _block_noise(_halved(luma), block=BLOCK // 2)),
        "chroma": np.log(0.05 + (_block_noise(cb) + _block_noise(cr)) / 2.0) - noise,
        "ghost": np.log1p(_block_mean(_error_level(pixels, ELA_LOW))) - ela,
    }
    deviations = _deviations(cues)
    deviations["dq"] = _dq_deviation(dq, rows, cols)
    dq_w5 = ndimage.uniform_filter(deviations["dq"], size=5, mode="nearest")
    deviations["nnoise"] = _native_deviation(native_noise, rows, cols)
    nnoise_w5 = ndimage.uniform_filter(deviations["nnoise"], size=5, mode="nearest")
    deviations["cooc"] = _native_deviation(cooc, rows, cols)
    cooc_windows = [ndimage.uniform_filter(deviations["cooc"], size=w, mode="nearest")
                    for w in (3, 5)]  # fmt: skip
    return BlockMaps(
        cues=cues,
        deviations=deviations,
        features=np.concatenate(
            [
                window_features(deviations),
                np.stack([cues[c].ravel() for c in RAW], axis=1),
                nnoise_w5.reshape(-1, 1),
                np.abs(nnoise_w5).reshape(-1, 1),
                *(w.reshape(-1, 1) for w in cooc_windows),
                dq_w5.reshape(-1, 1),
            ],
            axis=1,
        ),
        rows=rows,
        cols=cols,
        native=native,
        dq_present=dq is not None,
    )


def _dq_deviation(dq: tuple[Array, Array] | None, rows: int, cols: int) -> Array:
    """Each block's mean double-compression log-likelihood ratio against the rest's, in robust
    spreads; 0 where no coefficient spoke, and everywhere when the file shows none."""
    if dq is None:
        return np.zeros((rows, cols))
    mean, spoke = dq[0][:rows, :cols], dq[1][:rows, :cols]
    if mean.shape != (rows, cols):  # the grids disagree (never for one decode): no evidence
        return np.zeros((rows, cols))
    return robust_residual(mean, [np.ones_like(mean)], spoke > 0)


def _native_deviation(noise: Array | None, rows: int, cols: int) -> Array:
    """A native-resolution map on this grid; 0 (no evidence) when unread or misshapen."""
    if noise is None or noise.shape[0] < rows or noise.shape[1] < cols:
        return np.zeros((rows, cols))
    return np.asarray(noise[:rows, :cols], dtype=np.float64)


def window_features(deviations: dict[str, Array]) -> Array:
    """Per block: each deviation averaged over 3x3 and 5x5 windows and against a 9x9 ring."""
    columns = []
    for cue in CUES:
        z = deviations[cue]
        w3 = ndimage.uniform_filter(z, size=3, mode="nearest")
        w5 = ndimage.uniform_filter(z, size=5, mode="nearest")
        w9 = ndimage.uniform_filter(z, size=9, mode="nearest")
        columns += [w3, w5, w3 - w9]
    signed = np.stack([c.ravel() for c in columns], axis=1)
    return np.concatenate([signed, np.abs(signed)], axis=1)


def _deviations(cues: dict[str, Array]) -> dict[str, Array]:
    lum = cues["luma"] / 255.0
    texture = cues["texture"]
    structure = cues["structure"]  # scene detail that noise barely touches: the fits' regressor
    usable = cues["clipped"] < 0.5
    ones = np.ones_like(lum)
    noise = robust_residual(cues["noise"], [ones, lum, lum * lum, structure], usable)
    ela = robust_residual(cues["ela"], [ones, lum, structure], usable)
    edges = cues["sharpness"] > 0
    sharp = np.where(edges, robust_residual(cues["sharpness"], [ones], edges), 0.0)
    grid = np.zeros_like(lum)
    if cues["grid"].any():
        grid = robust_residual(cues["grid"], [ones, structure], usable)
    ring_cb = ndimage.median_filter(cues["cb"], size=7, mode="nearest")
    ring_cr = ndimage.median_filter(cues["cr"], size=7, mode="nearest")
    ring_luma = ndimage.median_filter(cues["luma"], size=7, mode="nearest")
    jump = np.hypot(cues["cb"] - ring_cb, cues["cr"] - ring_cr)
    jump = jump + 0.5 * np.abs(cues["luma"] - ring_luma)
    colour = robust_residual(jump, [ones], np.ones_like(usable))
    ring_texture = ndimage.median_filter(texture, size=7, mode="nearest")
    busy = robust_residual(texture - ring_texture, [ones], np.ones_like(usable))
    grain = robust_residual(cues["grain"], [ones, lum], usable)
    chroma = robust_residual(cues["chroma"], [ones, lum, structure], usable)
    ghost = robust_residual(cues["ghost"], [ones, lum, structure], usable)
    return {"noise": noise, "sharpness": sharp, "ela": ela, "grid": grid, "colour": colour,
            "texture": busy, "grain": grain, "chroma": chroma, "ghost": ghost}  # fmt: skip


def robust_residual(y: Array, regressors: list[Array], valid: NDArray[np.bool_]) -> Array:
    """Residual of a trimmed least-squares fit of y on the regressors, in robust spreads.

    Fitted on `valid` blocks (twice: the second time without the worst tenth, so a
    pasted region does not bend the fit towards itself); 0 where not valid.
    """
    if valid.sum() < max(6, 2 * len(regressors)):
        return np.zeros_like(y)
    x = np.stack([r.ravel() for r in regressors], axis=1)
    target, keep = y.ravel(), valid.ravel().copy()
    residual = np.zeros_like(target)
    for _ in range(2):
        coef, *_ = np.linalg.lstsq(x[keep], target[keep], rcond=None)
        residual = target - x @ coef
        cut = np.quantile(np.abs(residual[valid.ravel()]), 0.9)
        keep = valid.ravel() & (np.abs(residual) <= cut)
        if keep.sum() < x.shape[1] + 2:
            break
    inside = residual[valid.ravel()]
    spread = max(float(np.median(np.abs(inside - np.median(inside)))) * 1.4826, 0.02)
    z = np.clip((residual - float(np.median(inside))) / spread, -Z_CLIP, Z_CLIP)
    return np.where(valid.ravel(), z, 0.0).reshape(y.shape)


def _crop_to_blocks(rgb: NDArray[Any]) -> NDArray[Any]:
    h, w = (rgb.shape[0] // BLOCK) * BLOCK, (rgb.shape[1] // BLOCK) * BLOCK
    return rgb[:h, :w]


def _ycbcr(rgb: Array) -> tuple[Array, Array, Array]:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    return luma, 0.564 * (b - luma), 0.713 * (r - luma)


def _blocks(m: Array, block: int = BLOCK) -> Array:
    rows, cols = m.shape[0] // block, m.shape[1] // block
    return m.reshape(rows, block, cols, block).transpose(0, 2, 1, 3).reshape(rows, cols, -1)


def _block_mean(m: Array) -> Array:
    return np.asarray(_blocks(m).mean(axis=2), dtype=np.float64)


def _block_structure(luma: Array) -> Array:
    """Spread of the 4x4-pixel cell means inside each block: detail, with noise averaged away."""
    cells = luma.reshape(luma.shape[0] // 4, 4, luma.shape[1] // 4, 4).mean(axis=(1, 3))
    per = BLOCK // 4
    rows, cols = cells.shape[0] // per, cells.shape[1] // per
    grouped = cells.reshape(rows, per, cols, per).transpose(0, 2, 1, 3).reshape(rows, cols, -1)
    return np.asarray(grouped.std(axis=2), dtype=np.float64)


def _halved(m: Array) -> Array:
    """Means of 2x2 pixels: the picture at half size."""
    # Pairs along each row first, then the two rows: the order numpy's mean over a 2x2
    # reshape sums in, so the values are the same, written out at a tenth of the cost.
    rows, cols = (m.shape[0] // 2) * 2, (m.shape[1] // 2) * 2
    top = m[0:rows:2, 0:cols:2] + m[0:rows:2, 1:cols:2]
    bottom = m[1:rows:2, 0:cols:2] + m[1:rows:2, 1:cols:2]
    return np.asarray((top + bottom) / 4.0, dtype=np.float64)


def _block_noise(luma: Array, block: int = BLOCK) -> Array:
    """Per block, the 25th percentile of |second-difference residual| (Immerkaer's operator).

    The operator cancels flat areas and linear ramps; the low percentile keeps
    the flattest part of a block, so edges and texture inflate it little.
    """
    p = np.pad(luma, 1, mode="edge")
    h, w = luma.shape
    # Summed term by term in the kernel's order, in place: the same floats as a fresh sum.
    residual = p[0:h, 0:w].copy()
    term = np.empty_like(luma)
    for i, j, weight in _IMMERKAER[1:]:
        np.multiply(p[i : i + h, j : j + w], weight, out=term)
        residual += term
    values = _blocks(np.abs(residual, out=residual), block)
    k = values.shape[2] // 4
    # the k-th smallest |residual| of a block, then scaled: the same as scaling all first
    return np.asarray(np.partition(values, k, axis=2)[..., k] / 6.0, dtype=np.float64)


_IMMERKAER = tuple((i, j, float(((1, -2, 1), (-2, 4, -2), (1, -2, 1))[i][j]))
                   for i in range(3) for j in range(3))  # fmt: skip


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


def _error_level(pixels: NDArray[np.uint8], quality: int = ELA_QUALITY) -> Array:
    """Mean |RGB difference| against a re-save at `quality`: high where compression is fresh."""
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "JPEG", quality=quality)
    resaved = np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("RGB"), dtype=np.uint8)
    # Integer channel sums, divided once: the same values as a float mean, a tenth of the time.
    difference = cv2.absdiff(pixels, resaved).astype(np.uint16)
    total = difference[..., 0] + difference[..., 1] + difference[..., 2]
    return np.asarray(total / 3.0, dtype=np.float64)


def _block_grid(luma: Array) -> Array:
    """Luma steps on the 8x8 grid over steps inside it; > 0 where JPEG blocks show.

    Only meaningful at the file's own resolution: a region pasted from another
    JPEG, or pasted and then not recompressed the same way, disagrees with the rest.
    """
    dx = np.zeros_like(luma)
    dx[:, 1:] = np.abs(np.diff(luma, axis=1))
    dy = np.zeros_like(luma)
    dy[1:, :] = np.abs(np.diff(luma, axis=0))
    on_x = np.zeros_like(luma, dtype=bool)
    on_x[:, 8::8] = True
    on_y = np.zeros_like(luma, dtype=bool)
    on_y[8::8, :] = True
    across = _block_mean(np.where(on_x, dx, 0.0) + np.where(on_y, dy, 0.0)) * 8.0
    inside = _block_mean(np.where(on_x, 0.0, dx) + np.where(on_y, 0.0, dy)) * 8.0 / 7.0
    return np.log((across + 1.0) / (inside + 1.0))
