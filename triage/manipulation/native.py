"""Evidence read at the file's own resolution, pooled into the reduced picture's blocks (pure).

The block cues of features.py are measured on the picture reduced to WORK_SIDE;
a 2-megapixel photo is averaged about 3x3 there, and with it the sensor noise
that tells a pasted face (drawn, cut from another photo, upscaled) from the
captured picture around it. Here the noise level is read on the luma as
stored, per block of the size a work block covers in the file:

- the |residual| of Immerkaer's operator (it cancels flat areas and ramps),
  averaged over 4x4-pixel cells; a block's noise is its flattest quarter of
  cells (25th percentile), so an edge or texture inside it inflates it little;
- the deviation is the residual of a robust fit of log-noise on brightness and
  scene detail (the spread of the cells' mean brightness, which noise barely
  moves) across the same picture's blocks, in robust spreads: a dark corner or
  a busy carpet is compared with what this picture's noise does there.

Nothing here is learned from pastes. Pictures larger than dq.NATIVE_SIDE are read
on every k-th pixel (not averaged), so the noise per pixel stays the file's.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from triage.manipulation.cooccurrence import cooccurrence_anomaly
from triage.manipulation.dq import (
    double_compression,
    jpeg_luma,
    native_stride,
    pool_to_grid,
    to_work_grid,
)
from triage.manipulation.features import BLOCK, Array, robust_residual

CELL = 4  # pixels a side of the cells whose mean |residual| a block's quantile is taken over
CLIP_LOW, CLIP_HIGH = 6.0, 249.0  # luma where noise is clipped away: no evidence there
_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
_SIGMA = math.sqrt(math.pi / 2.0) / 6.0  # Immerkaer: sigma = this x mean |residual|


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredLuma:
    """The file's luma as stored (not yet turned by EXIF), with what dq.py needs beside it."""

    luma: NDArray[np.uint8]
    table: list[int] | None  # the JPEG luma quantisation table; None for other formats
    orientation: int  # EXIF orientation 1-8


@dataclass(frozen=True, slots=True, kw_only=True)
class NativeEvidence:
    """Per work block (rows x cols): double compression (dq.pool_to_grid), None when the file
    shows none; the native noise deviation and the residual co-occurrence anomaly in robust
    spreads, None when unreadable."""

    dq: tuple[Array, Array] | None
    noise: Array | None
    cooc: Array | None = None  # cooccurrence.cooccurrence_anomaly, None when unread


def read_native(
    data: bytes, size: tuple[int, int], work: tuple[int, int], block: int = BLOCK
) -> NativeEvidence:
    """The native-resolution maps of one file, its luma decoded once.

    `size` is the displayed native (width, height), `work` the reduced picture's.
    """
    stored = stored_luma(data)
    if stored is None:
        return NativeEvidence(dq=None, noise=None)
    found = double_compression(data, stored=(stored.luma, stored.table, stored.orientation))
    dq = None if found is None else pool_to_grid(found, size, work, block)
    noise = noise_deviation(stored.luma, work, block, orientation=stored.orientation)
    cooc = cooccurrence_anomaly(stored.luma, work, block, orientation=stored.orientation)
    return NativeEvidence(dq=dq, noise=noise, cooc=cooc)


def stored_luma(data: bytes) -> StoredLuma | None:
    """The luma at the file's own size: a JPEG from its luma plane alone; None if undecodable
    (decode_image refuses such a picture itself)."""
    jpeg = jpeg_luma(data)
    if jpeg is not None:
        return StoredLuma(luma=jpeg[0], table=jpeg[1], orientation=jpeg[2])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            turned = ImageOps.exif_transpose(im) or im
            grey = turned.convert("RGBA").convert("L") if "A" in turned.mode else turned
            return StoredLuma(luma=np.asarray(grey.convert("L"), dtype=np.uint8), table=None,
                              orientation=1)  # fmt: skip
    except Exception:  # hostile or unreadable: no native evidence, not a refusal here
        return None


def noise_deviation(
    luma: NDArray[np.uint8], work: tuple[int, int], block: int = BLOCK, *, orientation: int = 1
) -> Array | None:
    """Per work block of the displayed picture: how far the file's own noise level sits from
    what this picture's brightness and detail predict there, in robust spreads; 0 where a
    block is mostly clipped. None when the picture is too small to compare blocks."""
    stride = native_stride(luma.shape)
    pixels = np.ascontiguousarray(luma[::stride, ::stride], dtype=np.float32)
    # work blocks are `block` px of the displayed picture; in stored pixels (a quarter turn
    # swaps the sides) one spans about this many cells
    displayed_long = max(pixels.shape)
    cells = max(2, round(block * displayed_long / max(work) / CELL))
    side = cells * CELL
    rows, cols = pixels.shape[0] // side, pixels.shape[1] // side
    if rows < 2 or cols < 2:
        return None
    pixels = pixels[: rows * side, : cols * side]
    residual = np.abs(cv2.filter2D(pixels, cv2.CV_32F, _KERNEL, borderType=cv2.BORDER_REFLECT))
    shape = (cols * cells, rows * cells)
    cell_noise = np.asarray(cv2.resize(residual, shape, interpolation=cv2.INTER_AREA), np.float32)
    cell_luma = np.asarray(cv2.resize(pixels, shape, interpolation=cv2.INTER_AREA), np.float32)
    noise = _per_block(cell_noise, rows, cols, cells)
    quarter = (cells * cells) // 4
    level = np.partition(noise, quarter, axis=2)[..., quarter].astype(np.float64) * _SIGMA
    brightness = _per_block(cell_luma, rows, cols, cells).astype(np.float64)
    lum = brightness.mean(axis=2) / 255.0
    structure = np.log1p(brightness.std(axis=2))
    clipped = ((brightness < CLIP_LOW) | (brightness > CLIP_HIGH)).mean(axis=2)
    ones = np.ones_like(lum)
    z = robust_residual(np.log(0.05 + level), [ones, lum, lum * lum, structure], clipped < 0.5)
    return to_work_grid(z, work, block, orientation)


def _per_block(
    cells_map: NDArray[np.float32], rows: int, cols: int, cells: int
) -> NDArray[np.float32]:
    """(rows, cols, cells*cells): each block's cells."""
    grouped = cells_map.reshape(rows, cells, cols, cells).transpose(0, 2, 1, 3)
    return np.asarray(grouped.reshape(rows, cols, cells * cells))
