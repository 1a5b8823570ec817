"""Each region's local residual statistics against the rest of the same picture (pure).

A Splicebuster-style reading, at the file's own resolution: the luma's third-order
high-pass residual, truncated to its sign (-1, 0, +1), is read in runs of four
pixels along rows (horizontal residual) and along columns (vertical residual).
Per block of the size a work block covers in the file, the histogram of those
runs (81 codes, folded into 24 classes by reversal and sign, so a mirrored or
negated run counts as the same) says how the camera, the resampling and the
compression left the finest detail there. The histograms (square-rooted, 3x3
blocks pooled so each counts thousands of runs) are reduced to their main
directions across the picture's own blocks, and a single Gaussian is fitted to
the picture's most ordinary 70% of blocks; a block's anomaly is its log
Mahalanobis distance from that fit, in robust spreads.

Nothing here is learned, from pastes or otherwise: each picture is modelled
against itself, so a region whose residual statistics are not the rest's
(another camera, a rescaled patch, a drawn face) stands out whatever the
generator that pasted it. Rare content (a texture met once) stands out too:
that is what the block model weighs it against.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from triage.manipulation.dq import native_stride, to_work_grid
from triage.manipulation.features import BLOCK, Array, robust_residual

RUN = 4  # residual signs read in runs of this many pixels: 3^4 = 81 codes (Splicebuster's design)
POOL = 3  # blocks a side pooled into one histogram: a 16-px block alone holds too few runs
DIMS = 8  # main directions of the histograms kept for the Gaussian fit
ORDINARY = 0.7  # share of blocks the Gaussian is fitted to, the least distant, refitted 3 times
# runs are read on every (side // LINES)-th row and column of a block: 12 to 23 lines a block
# and direction; cost (a 2 MP picture: every 4th; one of 800 px or less: every one)
LINES = 12
MIN_BLOCKS = 3  # per side; fewer and there is no rest of the picture to fit


def _fold_codes() -> NDArray[np.float64]:
    """(81, classes) one-hot: a run, its reversal, its negation and both share a class."""
    classes: dict[int, int] = {}
    table = []
    for code in range(3**RUN):
        digits = [(code // 3**k) % 3 for k in reversed(range(RUN))]
        variants = (digits, digits[::-1], [2 - d for d in digits], [2 - d for d in digits[::-1]])
        key = min(sum(d * 3**k for k, d in zip(reversed(range(RUN)), v, strict=True))
                  for v in variants)  # fmt: skip
        table.append(classes.setdefault(key, len(classes)))
    return np.eye(len(classes))[table]


_FOLD = _fold_codes()


def cooccurrence_anomaly(
    luma: NDArray[np.uint8], work: tuple[int, int], block: int = BLOCK, *, orientation: int = 1
) -> Array | None:
    """Per work block (rows x cols) of the displayed picture: how far the block's residual
    co-occurrences sit from the picture's own, in robust spreads. `luma` is the file's
    luma as stored, `work` the reduced picture's (width, height). None when too small."""
    stride = native_stride(luma.shape)
    pixels = np.ascontiguousarray(luma[::stride, ::stride])
    side = max(8, round(block * max(pixels.shape) / max(work)))
    rows, cols = pixels.shape[0] // side, pixels.shape[1] // side
    if rows < MIN_BLOCKS or cols < MIN_BLOCKS:
        return None
    every = max(1, side // LINES)
    counts = run_histograms(pixels[: rows * side, : cols * side], side, every)
    distance = _distance(_pooled(counts)).reshape(rows, cols)
    z = robust_residual(distance, [np.ones_like(distance)], np.ones_like(distance, dtype=bool))
    return to_work_grid(z, work, block, orientation)


def run_histograms(pixels: NDArray[np.uint8], side: int, every: int = 1) -> Array:
    """(rows, cols, classes) counts of folded residual-sign runs per side x side block, read
    along every `every`-th row and down every `every`-th column."""
    rows, cols = pixels.shape[0] // side, pixels.shape[1] // side
    signed = pixels.astype(np.int16)
    codes_per_block = 3**RUN
    total = np.zeros(rows * cols * codes_per_block)
    for horizontal in (True, False):
        # runs along every `every`-th row; then down every every-th column (transposed)
        grid = signed[::every] if horizontal else np.ascontiguousarray(signed[:, ::every].T)
        codes = _run_codes(grid)
        lines, spans = (rows, cols) if horizontal else (cols, rows)
        line = np.minimum(np.arange(codes.shape[0]) * every // side, lines - 1)
        # a run is placed at its residual's second pixel, the filter's centre
        along = np.minimum((np.arange(codes.shape[1]) + 1) // side, spans - 1)
        block_of = line[:, None] * cols + along[None, :] if horizontal else (
            along[None, :] * cols + line[:, None])  # fmt: skip
        flat = (block_of * codes_per_block).astype(np.int32) + codes
        total += np.bincount(flat.ravel(), minlength=total.size)
    return (total.reshape(-1, codes_per_block) @ _FOLD).reshape(rows, cols, -1)


def _run_codes(grid: NDArray[np.int16]) -> NDArray[np.uint8]:
    """Per position along each row: the code (0..80) of four consecutive residual signs, each
    sign as 0, 1, 2 (in uint8 and by comparisons: a third of the time of np.sign in int32)."""
    residual = grid[:, 3:] - grid[:, :-3] + 3 * (grid[:, 1:-2] - grid[:, 2:-1])
    sign = (residual > 0).view(np.uint8) + (residual >= 0).view(np.uint8)
    codes = sign[:, :-3] * np.uint8(27) + sign[:, 1:-2] * np.uint8(9)
    return np.asarray(codes + sign[:, 2:-1] * np.uint8(3) + sign[:, 3:], dtype=np.uint8)


def _pooled(counts: Array) -> Array:
    """(blocks, classes): each block's square-rooted frequencies over its POOL x POOL blocks."""
    summed = ndimage.uniform_filter(counts, size=(POOL, POOL, 1), mode="nearest")
    freq = np.maximum(summed, 0.0) / np.maximum(summed.sum(axis=2, keepdims=True), 1e-9)
    return np.asarray(np.sqrt(freq).reshape(-1, counts.shape[2]), dtype=np.float64)


def _distance(x: Array) -> Array:
    """Log Mahalanobis distance of each row from a Gaussian fitted to the ordinary rows."""
    centred = x - np.median(x, axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    y = centred @ axes[:DIMS].T
    keep = np.ones(len(y), dtype=bool)
    d2 = np.zeros(len(y))
    for _ in range(3):
        mean = y[keep].mean(axis=0)
        cov = np.atleast_2d(np.cov(y[keep].T)) + 1e-6 * np.eye(y.shape[1])
        offset = y - mean
        d2 = np.einsum("ij,jk,ik->i", offset, np.linalg.inv(cov), offset)
        keep = d2 <= np.quantile(d2, ORDINARY)
    return np.log1p(d2)
