"""Double-compression evidence at native resolution on constructed JPEGs (dq.py)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from fixtures.pictures import make_scene
from triage.imagedecode import decode_image
from triage.manipulation.dq import (
    DoubleCompression,
    double_compression,
    pool_to_grid,
)
from triage.manipulation.features import BLOCK, WORK_SIDE, BlockMaps, block_maps, feature_names
from triage.manipulation.model import picture_columns, pooled_features
from triage.manipulation.signals import double_compression_signal

SIZE = (640, 480)
REGION = (240, 160, 400, 320)  # x0, y0, x1, y1: on the 8x8 grid, blocks 30-49 x 20-39


def _textured(seed: int) -> np.ndarray:
    """A busy seeded picture (smoothed noise and grain): plenty of non-zero AC coefficients."""
    rng = np.random.default_rng(seed)
    field = ndimage.gaussian_filter(rng.normal(0, 60, (SIZE[1], SIZE[0], 3)), (3, 3, 0)) * 3
    return np.clip(128 + field + rng.normal(0, 4, field.shape), 0, 255).astype(np.uint8)


def _jpeg(pixels: np.ndarray, quality: int, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, "JPEG", quality=quality, exif=exif or Image.Exif())
    return out.getvalue()


def _decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).copy()


def _pasted_between(seed: int, first: int, second: int) -> bytes:
    """A JPEG decoded, a region of a never-compressed picture pasted on, saved again."""
    pixels = _decoded(_jpeg(_textured(seed), first))
    x0, y0, x1, y1 = REGION
    pixels[y0:y1, x0:x1] = _textured(seed + 100)[y0:y1, x0:x1]
    return _jpeg(pixels, second)


def _inside(m: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = (v // 8 for v in REGION)
    return m[y0 + 1 : y1 - 1, x0 + 1 : x1 - 1]  # inner blocks: the edge rows mix both


def _outside(m: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = (v // 8 for v in REGION)
    keep = np.ones(m.shape, dtype=bool)
    keep[y0 - 1 : y1 + 1, x0 - 1 : x1 + 1] = False
    return m[keep]


@pytest.mark.parametrize(("seed", "first", "second"), [(1, 60, 85), (2, 50, 90), (3, 70, 95)])
def test_region_pasted_between_two_compressions_is_not_doubly_compressed(
    seed: int, first: int, second: int
) -> None:
    dq = double_compression(_pasted_between(seed, first, second))
    assert dq is not None
    assert np.median(_inside(dq.probability)) < 0.2
    assert np.median(_outside(dq.probability)) > 0.8


def region_contrast(dq: DoubleCompression, window: int = 5) -> float:
    """How far the least doubly-compressed window of blocks sits below the picture's median,
    in llr per block: a picture-level signal, 0 when nothing spoke."""
    spoke = dq.evidence > 0
    if spoke.sum() < window * window:
        return 0.0
    mean = ndimage.uniform_filter(np.where(spoke, dq.llr, 0.0), size=window, mode="nearest")
    share = ndimage.uniform_filter(spoke.astype(np.float64), size=window, mode="nearest")
    covered = share >= 0.5
    if not covered.any():
        return 0.0
    local = mean[covered] / share[covered]
    return float(np.median(dq.llr[spoke]) - local.min())


@pytest.mark.parametrize("seed", [4, 5])
def test_pristine_picture_saved_twice_is_doubly_compressed_alike(seed: int) -> None:
    twice = _jpeg(_decoded(_jpeg(_textured(seed), 60)), 85)
    dq = double_compression(twice)
    assert dq is not None
    spoke = dq.probability[dq.evidence > 0]
    assert (spoke > 0.5).mean() > 0.95
    pasted = double_compression(_pasted_between(seed, 60, 85))
    assert pasted is not None
    assert region_contrast(dq) < region_contrast(pasted) / 4


@pytest.mark.parametrize(
    "case",
    ["png_of_a_double_jpeg", "resized_between_saves", "saved_once", "same_quality_twice",
     "sharp_edged_scene_saved_once"],
)  # fmt: skip
def test_pictures_without_a_first_compression_on_the_grid_give_no_map(case: str) -> None:
    pixels = _textured(6)
    if case == "png_of_a_double_jpeg":
        out = io.BytesIO()
        Image.fromarray(_decoded(_jpeg(_decoded(_jpeg(pixels, 60)), 85))).save(out, "PNG")
        data = out.getvalue()
    elif case == "resized_between_saves":
        small = Image.fromarray(_decoded(_jpeg(pixels, 60))).resize((500, 375))
        data = _jpeg(np.asarray(small), 85)
    elif case == "saved_once":
        data = _jpeg(pixels, 60)
    elif case == "sharp_edged_scene_saved_once":  # flat areas and hard edges, no grain
        data = _jpeg(np.asarray(make_scene("dq-scene", SIZE)), 75)
    else:
        data = _jpeg(_decoded(_jpeg(pixels, 80)), 80)
    assert double_compression(data) is None


def test_map_follows_the_exif_orientation() -> None:
    """Stored sideways with orientation 6 (turn clockwise to view): the map is the viewed one."""
    first = _decoded(_jpeg(np.rot90(_textured(7), 1).copy(), 60))  # stored turned left
    viewed = np.rot90(first, -1).copy()
    x0, y0, x1, y1 = REGION
    viewed[y0:y1, x0:x1] = _textured(107)[y0:y1, x0:x1]
    stored = np.rot90(viewed, 1).copy()
    exif = Image.Exif()
    exif[0x0112] = 6
    dq = double_compression(_jpeg(stored, 85, exif))
    assert dq is not None
    assert dq.probability.shape == (SIZE[1] // 8, SIZE[0] // 8)
    assert np.median(_inside(dq.probability)) < 0.2
    assert np.median(_outside(dq.probability)) > 0.8


def test_pooling_to_a_reduced_grid_keeps_the_region() -> None:
    dq = double_compression(_pasted_between(8, 60, 85))
    assert dq is not None
    mean, spoke = pool_to_grid(dq, SIZE, (320, 240), 16)  # half size, 16-px blocks
    assert mean.shape == spoke.shape == (15, 20)
    x0, y0, x1, y1 = (v // 32 for v in REGION)
    assert mean[y0 + 1 : y1 - 1, x0 + 1 : x1 - 1].max() < 0.0
    assert np.median(mean[:, : x0 - 1]) > 1.0
    assert (spoke > 0).all()


def _maps(data: bytes) -> BlockMaps:
    decoded = decode_image(data, max_side=WORK_SIDE)
    size, work = (decoded.width, decoded.height), decoded.image.size
    dq = double_compression(data)
    grid = None if dq is None else pool_to_grid(dq, size, work, BLOCK)
    return block_maps(decoded.image, native=work == size, dq=grid)


def test_the_dq_deviation_and_the_picture_columns_show_a_region_pasted_between_saves() -> None:
    pasted, twice = (
        _maps(_pasted_between(9, 60, 85)),
        _maps(_jpeg(_decoded(_jpeg(_textured(9), 60)), 85)),
    )
    scale = WORK_SIDE / max(SIZE)  # the maps are of the reduced picture
    x0, y0, x1, y1 = (int(v * scale) // BLOCK for v in REGION)
    inside = pasted.deviations["dq"][y0 + 1 : y1 - 1, x0 + 1 : x1 - 1]
    assert pasted.dq_present and np.median(inside) < -3.0
    region = np.zeros((pasted.rows, pasted.cols), dtype=bool)
    region[y0:y1, x0:x1] = True
    assert double_compression_signal(pasted, region) > 3.0
    assert double_compression_signal(twice, region) < 1.0

    def deficit(maps: BlockMaps) -> float:
        pooled = pooled_features(np.zeros((maps.rows, maps.cols)), maps.features)
        return pooled[picture_columns().index("deficit-min-dq-w5")]

    assert deficit(pasted) > 3.0 > deficit(twice)


def test_without_double_compression_the_dq_column_and_signal_are_zero() -> None:
    out = io.BytesIO()
    Image.fromarray(_decoded(_pasted_between(10, 60, 85))).save(out, "PNG")
    maps = _maps(out.getvalue())
    assert not maps.dq_present
    assert not maps.features[:, feature_names().index("dq-w5")].any()
    everywhere = np.ones((maps.rows, maps.cols), dtype=bool)
    everywhere[0, 0] = False
    assert double_compression_signal(maps, everywhere) == 0.0
