"""Generated pictures -> rows the models learn from: labelled block features and cues (pure)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from PIL import Image

from training.manipulation.generate import CONDITIONS, make_sample
from triage.imagedecode import decode_image
from triage.manipulation.features import BLOCK, WORK_SIDE, BlockMaps, block_maps


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    label: int
    condition: str
    recipe: str
    features: np.ndarray  # float32 (blocks, n_features)
    block_labels: np.ndarray  # 1 pasted (>= half covered), 0 clean, -1 partly covered: ignored
    rows: int
    cols: int
    maps: BlockMaps  # cues kept so signals can be taken at the block model's region


def sample_plan(n: int) -> list[tuple[int, int, str]]:
    """(index, label, condition) for n samples: labels alternate, conditions cycle in pairs."""
    return [(i, i % 2, CONDITIONS[(i // 2) % len(CONDITIONS)]) for i in range(n)]


def build_rows(seed: str, n: int, jobs: int = 1) -> list[Row]:
    """Rows of the set named `seed`; identical for any `jobs`."""
    plan = [(seed, *item) for item in sample_plan(n)]
    if jobs <= 1:
        return [_row(*p) for p in plan]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_row_star, plan, chunksize=8))


def _row_star(args: tuple[str, int, int, str]) -> Row:
    return _row(*args)


def _row(seed: str, index: int, label: int, condition: str) -> Row:
    sample = make_sample(seed, index, label=label, condition=condition)
    decoded = decode_image(sample.data, max_side=WORK_SIDE)
    native = decoded.image.size == (decoded.width, decoded.height)
    maps = block_maps(decoded.image, native=native)
    return Row(
        label=label,
        condition=condition,
        recipe=sample.recipe,
        features=maps.features.astype(np.float32),
        block_labels=_block_labels(sample.mask, maps.rows, maps.cols, decoded.image.size),
        rows=maps.rows,
        cols=maps.cols,
        maps=maps,
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
