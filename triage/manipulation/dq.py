"""JPEG bytes -> per-8x8-block evidence of double compression at native resolution (pure).

A JPEG that was decoded, edited and saved again keeps, in every block the edit
did not touch, the first compression's trace: its DCT coefficients were
multiples of the first table's steps before the second table re-quantised
them, so each low-frequency coefficient's histogram shows periodic gaps or
peaks. A region pasted in between was never quantised by the first table (or
sits on another grid) and follows the smooth histogram instead (Lin, He, Tang
and Tang 2009, "Fast, automatic and fine-grained tampered JPEG image detection
via DCT coefficient analysis"). A pristine picture re-saved any number of
times is doubly compressed everywhere alike; a resized or PNG picture carries
no such trace, and then there is no map at all: absent evidence, not a verdict.

Per frequency, the first step q1 is the one whose lattice best explains the
histogram of the second-step indices k (a likelihood against "compressed
once"); each block's log-likelihood ratio sums, over the frequencies that show
a first compression, log(n(k) * q1 / q2), where n(k) is how many first-step
lattice points round into bin k (the once-compressed density of bin k is the
average, q2 / q1). Blocks with clipped pixels, and zero coefficients (flat
blocks), carry no evidence.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy import ndimage
from scipy.special import ndtr

Array = NDArray[np.float64]

# Low AC frequencies (row, column) in zigzag order: the ones with enough non-zero coefficients.
FREQUENCIES = ((0, 1), (1, 0), (2, 0), (1, 1), (0, 2), (0, 3), (1, 2), (2, 1), (3, 0), (4, 0),
               (3, 1), (2, 2), (1, 3), (0, 4))  # fmt: skip
MAX_INDEX = 60  # |k| histogrammed; larger indices are rare and carry little periodicity
MAX_Q1 = 40  # largest first step tried (about a quality-25 luma table's low frequencies)
ROUND_SD = 0.6  # spread of a coefficient around its lattice point from pixel rounding between
MIXTURE = 0.8  # share of blocks assumed doubly compressed while estimating q1 (pastes are a part)
# Nats per non-zero coefficient a first step must explain to count as found. Sharp-edged
# pictures compressed once reach about 0.2 (the off-grid histogram stands for their
# unquantised one only roughly); a first compression coarser than the second gives 0.6-2.
# Set on our own generated scenes, not measured on any outside set: a guess that holds there.
MIN_GAIN = 0.3
MIN_FOUND = 2  # frequencies that must show a first step before any block is judged
MIN_COUNT = 1000  # non-zero coefficients a frequency needs before its histogram is read
LR_FLOOR = 0.05  # least likelihood ratio of one coefficient: an empty bin is strong, not certain


@dataclass(frozen=True, slots=True, kw_only=True)
class DoubleCompression:
    """Per 8x8 block of the stored picture (EXIF orientation applied): evidence of two JPEGs.

    `llr` is the summed log-likelihood ratio, doubly compressed against once, over
    the frequencies in `steps`; `evidence` counts the coefficients that spoke.
    """

    llr: Array  # (rows, cols) in the picture's displayed orientation
    evidence: Array  # (rows, cols) non-zero coefficients read per block; 0 = no evidence
    steps: tuple[tuple[int, int, int, int], ...]  # (row, col, q1, q2) per frequency found

    @property
    def probability(self) -> Array:
        """Posterior of being doubly compressed with even priors; 0.5 where nothing spoke."""
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(self.llr, -40.0, 40.0))))


def double_compression(
    data: bytes, *, stored: tuple[NDArray[np.uint8], list[int] | None, int] | None = None
) -> DoubleCompression | None:
    """The block map of a JPEG whose histograms show a first compression; None otherwise
    (not a JPEG, not decodable, under 16 px, or compressed once / resized since).
    `stored` is the file's luma, table and orientation when the caller decoded them already."""
    decoded = stored if stored is not None else jpeg_luma(data)
    if decoded is None:
        return None
    luma, table, orientation = decoded
    if table is None or min(luma.shape) < 16:
        return None
    coefficients, usable = _coefficients(luma)
    # Off the grid, from a sample of blocks: enough for a density, a quarter of the time.
    calibration, calibration_usable = _coefficients(luma[4:-4, 4:-4])
    rows, cols = luma.shape[0] // 8, luma.shape[1] // 8
    llr = np.zeros(rows * cols)
    evidence = np.zeros(rows * cols)
    steps = []
    for f, (u, v) in enumerate(FREQUENCIES):
        q2 = int(table[u * 8 + v])
        k = np.rint(coefficients[:, f] / q2).astype(np.int64)
        found = estimate_first_step(k[usable], calibration[calibration_usable, f], q2)
        if found is None:
            continue
        q1, ratio = found
        steps.append((u, v, q1, q2))
        speaks = usable & (k != 0) & (np.abs(k) <= MAX_INDEX)
        llr[speaks] += np.log(ratio[k[speaks] + MAX_INDEX])
        evidence[speaks] += 1.0
    if len(steps) < MIN_FOUND:
        return None
    return DoubleCompression(
        llr=orient(llr.reshape(rows, cols), orientation),
        evidence=orient(evidence.reshape(rows, cols), orientation),
        steps=tuple(steps),
    )


def estimate_first_step(
    k: NDArray[np.int64], unquantised: Array, q2: int
) -> tuple[int, Array] | None:
    """The first step whose lattice best explains the indices k, with the per-bin likelihood
    ratio (doubly against once compressed, bins -MAX_INDEX..MAX_INDEX, 1 at k = 0); None when
    no step explains the non-zero indices MIN_GAIN nats a coefficient better than once did.

    `unquantised` are coefficients read off the JPEG grid: their histogram stands for the
    picture's coefficients before any quantisation (calibration). Only steps coarser than
    q2 are tried: a finer first step leaves bins that differ by one lattice point in q2 / q1,
    too little to pass MIN_GAIN.
    """
    nonzero = k[(k != 0) & (np.abs(k) <= MAX_INDEX)]
    if nonzero.size < MIN_COUNT or q2 >= MAX_Q1:
        return None
    histogram = np.bincount(nonzero + MAX_INDEX, minlength=2 * MAX_INDEX + 1).astype(np.float64)
    cumulative = _cumulative(unquantised, reach=(MAX_INDEX + 1) * q2 + MAX_Q1)
    edges = (np.arange(-MAX_INDEX, MAX_INDEX + 2, dtype=np.float64) - 0.5) * q2
    once = _per_bin(np.asarray(np.diff(cumulative(edges))[None], dtype=np.float64))
    ratios = _per_bin(_requantised(cumulative, q2)) / once
    gains = np.log(MIXTURE * ratios + (1.0 - MIXTURE)) @ histogram
    best = int(np.argmax(gains))
    if gains[best] < MIN_GAIN * nonzero.size:
        return None
    return q2 + 1 + best, np.clip(ratios[best], LR_FLOOR, 1.0 / LR_FLOOR)


def _cumulative(values: Array, reach: float) -> Callable[[Array], Array]:
    """The smoothed distribution function of `values` over [-reach, reach], as a function."""
    step = 0.5
    cells = int(2 * reach / step) + 1
    index = np.rint((values + reach) / step).astype(np.int64)
    counts = np.bincount(index[(index >= 0) & (index < cells)], minlength=cells)
    density = ndimage.gaussian_filter1d(counts.astype(np.float64), 1.0 / step) + 1e-3
    total = np.concatenate([[0.0], np.cumsum(density / density.sum())])
    edges = (np.arange(cells + 1) - 0.5) * step - reach

    def at(x: Array) -> Array:
        return np.asarray(np.interp(x, edges, total), dtype=np.float64)

    return at


def _requantised(cumulative: Callable[[Array], Array], q2: int) -> Array:
    """Per first step q1 = q2+1..MAX_Q1 (rows), the mass of each second-step bin after
    quantisation with q1, decoding to pixels (a spread of ROUND_SD) and quantisation with q2."""
    reach = (MAX_INDEX + 1) * q2
    steps = np.arange(q2 + 1, MAX_Q1 + 1)
    lattice = [np.arange(-(reach // q1) - 1, reach // q1 + 2) for q1 in steps]
    row = np.concatenate([np.full(len(m), i) for i, m in enumerate(lattice)])
    q1 = steps[row].astype(np.float64)
    m = np.concatenate(lattice).astype(np.float64)
    mass = cumulative((m + 0.5) * q1) - cumulative((m - 0.5) * q1)
    centre = np.rint(m * q1 / q2)
    width = 2 * MAX_INDEX + 1
    out = np.zeros(len(steps) * width)
    for shift in (-1.0, 0.0, 1.0):  # ROUND_SD < 1 <= q2: a point reaches its bin's neighbours
        k = centre + shift
        share = ndtr(((k + 0.5) * q2 - m * q1) / ROUND_SD) - ndtr(
            ((k - 0.5) * q2 - m * q1) / ROUND_SD
        )
        inside = np.abs(k) <= MAX_INDEX
        index = (row * width + k + MAX_INDEX)[inside].astype(np.int64)
        out += np.bincount(index, weights=(mass * share)[inside], minlength=out.size)
    return out.reshape(len(steps), width)


def _per_bin(mass: Array) -> Array:
    """Rows of bin masses as probabilities over k != 0, with 1 at k = 0 (no evidence there)."""
    p = mass.copy()
    p[:, MAX_INDEX] = 0.0
    p /= np.maximum(p.sum(axis=1, keepdims=True), 1e-12)
    p[:, MAX_INDEX] = 1.0
    return np.maximum(p, 1e-9)


def pool_to_grid(dq: DoubleCompression, size: tuple[int, int], work: tuple[int, int],
                 block: int) -> tuple[Array, Array]:  # fmt: skip
    """Mean llr and total evidence per work block of `block` pixels on a picture of size `work`
    (width, height) reduced from `size` (the displayed native size): 8x8 blocks are assigned
    to the work block holding their centre."""
    rows, cols = work[1] // block, work[0] // block
    centre_y = (np.arange(dq.llr.shape[0]) * 8 + 4) * work[1] / size[1]
    centre_x = (np.arange(dq.llr.shape[1]) * 8 + 4) * work[0] / size[0]
    by = np.minimum((centre_y // block).astype(np.int64), rows)  # rows = outside the grid
    bx = np.minimum((centre_x // block).astype(np.int64), cols)
    index = (by[:, None] * (cols + 1) + bx[None, :]).ravel()
    weight = dq.evidence.ravel()
    cells = (rows + 1) * (cols + 1)
    total = np.bincount(index, weights=dq.llr.ravel(), minlength=cells)
    spoke = np.bincount(index, weights=weight, minlength=cells)
    count = np.bincount(index, weights=(weight > 0).astype(np.float64), minlength=cells)
    mean = np.where(count > 0, total / np.maximum(count, 1.0), 0.0)
    shape = (rows + 1, cols + 1)
    pooled = np.asarray(mean, dtype=np.float64).reshape(shape)[:rows, :cols]
    return pooled, np.asarray(spoke, dtype=np.float64).reshape(shape)[:rows, :cols]


# Longest side the maps read at the file's own resolution take (native.py, cooccurrence.py):
# larger pictures are read on every k-th pixel, not averaged, so the noise per pixel stays
# the file's (cost).
NATIVE_SIDE = 2048


def native_stride(shape: tuple[int, ...]) -> int:
    """Every how many pixels a stored luma of `shape` is read (1 up to NATIVE_SIDE)."""
    return max(1, math.ceil(max(shape) / NATIVE_SIDE))


def to_work_grid(z: Array, work: tuple[int, int], block: int, orientation: int) -> Array | None:
    """A per-block map of the stored picture, turned as EXIF says and resized onto the work
    picture's blocks (rows x cols); None when the work picture has no whole block."""
    target = (work[0] // block, work[1] // block)  # (cols, rows) as OpenCV takes sizes
    if min(target) < 1:
        return None
    turned = orient(z, orientation)
    return np.asarray(cv2.resize(turned, target, interpolation=cv2.INTER_AREA), dtype=np.float64)


def jpeg_luma(data: bytes) -> tuple[NDArray[np.uint8], list[int] | None, int] | None:
    """A JPEG's native luma (decoded from the luma plane alone), its luma quantisation table
    (None where this module cannot read it: a CMYK file, no table 0) and the EXIF
    orientation; None for another format or an undecodable file (decode_image refuses such a
    picture itself)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=["JPEG"])
            tables = getattr(im, "quantization", None) or {}
            readable = 0 in tables and im.mode in ("L", "RGB")
            orientation = int(im.getexif().get(0x0112, 1) or 1)
            im.draft("L", im.size)
            im.load()
            luma = np.asarray(im.convert("L") if im.mode != "L" else im, dtype=np.uint8)
    except Exception:
        return None
    return luma, (list(tables[0]) if readable else None), orientation


# Orthonormal 8-point DCT-II (JPEG's forward transform); coefficient (u, v) of a block B is
# sum B[x, y] M[u, x] M[v, y], so one matrix product reads every block's FREQUENCIES.
_DCT = np.array([[np.sqrt((1 if u == 0 else 2) / 8) * np.cos((2 * x + 1) * u * np.pi / 16)
                  for x in range(8)] for u in range(8)])  # fmt: skip
_BASIS = np.stack([np.outer(_DCT[u], _DCT[v]).ravel() for u, v in FREQUENCIES], axis=1)
_OFFSET = 128.0 * _BASIS.sum(axis=0)  # the level shift, subtracted after the product
_BASIS = _BASIS.astype(np.float32)


def _coefficients(luma: NDArray[np.uint8]) -> tuple[Array, NDArray[np.bool_]]:
    """FREQUENCIES' DCT coefficients of every 8x8 block (N, len(FREQUENCIES)),
    row-major over blocks, and which blocks are unclipped (a clipped pixel breaks the lattice)."""
    rows, cols = luma.shape[0] // 8, luma.shape[1] // 8
    blocks = luma[: rows * 8, : cols * 8].reshape(rows, 8, cols, 8).transpose(0, 2, 1, 3)
    flat = blocks.reshape(-1, 64)
    usable = (flat.min(axis=1) > 0) & (flat.max(axis=1) < 255)
    product = flat.astype(np.float32) @ _BASIS  # float32: the lattice steps are 1 or more
    return np.asarray(product, dtype=np.float64) - _OFFSET, usable


def orient(m: Array, orientation: int) -> Array:
    """The map as ImageOps.exif_transpose turns the picture (EXIF orientation 1-8)."""
    turns: dict[int, Callable[[Array], Array]] = {
        2: np.fliplr, 3: lambda a: np.rot90(a, 2), 4: np.flipud, 5: np.transpose,
        6: lambda a: np.rot90(a, -1), 7: lambda a: np.rot90(a, 2).T, 8: lambda a: np.rot90(a, 1),
    }  # fmt: skip
    turn = turns.get(orientation)
    return np.ascontiguousarray(turn(m) if turn else m)
