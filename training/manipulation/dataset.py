"""Generated pictures -> rows the models learn from and the bench measures (pure).

Both generators go through the same decode and features as ingest does.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from PIL import Image

from triage.imagedecode import decode_image
from triage.manipulation.features import BLOCK, WORK_SIDE, block_maps
from triage.manipulation.native import read_native


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    label: int
    family: dict[str, str]
    recipe: str
    features: np.ndarray  # float32 (blocks, n_features)
    block_labels: np.ndarray  # 1 pasted (>= half covered), 0 clean, -1 partly covered: ignored
    rows: int
    cols: int


def _maker(generator: str) -> Callable[..., Any]:
    if generator == "gen2":
        from training.manipulation.generate2 import make_sample as second

        return second
    from training.manipulation.generate import make_sample as first

    if generator == "gen1-large":  # generator 1 on camera-sized bases: measuring only
        return partial(first, large=True)
    return first


def build_rows(seed: str, n: int, jobs: int = 1, generator: str = "gen1") -> list[Row]:
    """Rows of the set named `seed` (labels alternate); identical for any `jobs`."""
    plan = [(generator, seed, i, i % 2) for i in range(n)]
    if jobs <= 1:
        return [_row_star(p) for p in plan]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_row_star, plan, chunksize=8))


def _row_star(args: tuple[str, str, int, int]) -> Row:
    generator, seed, index, label = args
    sample = _maker(generator)(seed, index, label=label)
    return row_of(sample.data, sample.mask, label, sample.family, sample.recipe)


def row_of(
    data: bytes, mask: np.ndarray | None, label: int, family: dict[str, str], recipe: str
) -> Row:
    decoded = decode_image(data, max_side=WORK_SIDE)
    native = decoded.image.size == (decoded.width, decoded.height)
    native_size, work = (decoded.width, decoded.height), decoded.image.size
    found = read_native(data, native_size, work, BLOCK)
    maps = block_maps(decoded.image, native=native, dq=found.dq, native_noise=found.noise,
                      cooc=found.cooc)  # fmt: skip
    return Row(
        label=label,
        family=dict(family),
        recipe=recipe,
        features=maps.features.astype(np.float32),
        block_labels=_block_labels(mask, maps.rows, maps.cols, decoded.image.size),
        rows=maps.rows,
        cols=maps.cols,
    )


def _block_labels(
    mask: np.ndarray | None, rows: int, cols: int, size: tuple[int, int]
) -> np.ndarray:
    if mask is None:
        return np.zeros(rows * cols)
    scaled = Image.fromarray(mask.astype(np.uint8) * 255).resize(size, Image.Resampling.BILINEAR)
    cover = np.asarray(scaled, dtype=np.float64)[: rows * BLOCK, : cols * BLOCK] / 255.0
    share = cover.reshape(rows, BLOCK, cols, BLOCK).mean(axis=(1, 3)).ravel()
    labels = np.full(share.shape, -1.0)
    labels[share >= 0.5] = 1.0
    labels[share == 0.0] = 0.0
    return labels
