"""Residual co-occurrences against the rest of the picture (triage/manipulation/cooccurrence.py),
on constructed pictures: a rescaled or differently processed patch stands out, even with its
noise level matched; pristine, resized, re-saved and doubly compressed pictures stay low."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from tests.test_manipulation_native import PATCH, SIZE, WORK, _jpeg, _scene, _window_max
from triage.imagedecode import decode_image
from triage.manipulation import score_image
from triage.manipulation.cooccurrence import cooccurrence_anomaly, run_histograms
from triage.manipulation.features import BLOCK, WORK_SIDE, BlockMaps, block_maps, feature_names
from triage.manipulation.model import picture_columns, pooled_features
from triage.manipulation.native import noise_deviation, read_native, stored_luma
from triage.manipulation.signals import residual_stats_signal

# spreads: a patch's median block above HIGH; a pristine picture's strongest region under LOW,
# the 4 spreads at which a score names a signal among its reasons
HIGH, LOW = 4.0, 4.0


def _anomaly(data: bytes, work: tuple[int, int] = WORK) -> np.ndarray:
    stored = stored_luma(data)
    assert stored is not None
    found = cooccurrence_anomaly(stored.luma, work, orientation=stored.orientation)
    assert found is not None
    return found


def _inside(z: np.ndarray) -> float:
    """Median over the work blocks wholly inside PATCH."""
    sx, sy = z.shape[1] / SIZE[0], z.shape[0] / SIZE[1]
    x0, y0, x1, y1 = PATCH
    return float(np.median(z[int(np.ceil(y0 * sy)) : int(y1 * sy),
                             int(np.ceil(x0 * sx)) : int(x1 * sx)]))  # fmt: skip


def _grey(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _pasted(seed: int, patch: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = PATCH
    pasted = _scene(seed, sigma=3.0)
    pasted[y0:y1, x0:x1] = patch
    return pasted


def _upscaled(seed: int) -> np.ndarray:
    """The picture's own patch cut 3x smaller and blown up again."""
    x0, y0, x1, y1 = PATCH
    crop = _grey(_scene(seed, sigma=3.0)[y0:y1, x0:x1])
    small = crop.resize((crop.width // 3, crop.height // 3), Image.Resampling.BILINEAR)
    return np.asarray(small.resize(crop.size, Image.Resampling.BICUBIC), dtype=np.float64)


def _downscaled_noise_matched(seed: int) -> np.ndarray:
    """Another noisy picture reduced 2x, its noise chosen so the reduced patch's (about 3 grey
    levels) is the picture's: only how its finest detail is correlated differs."""
    x0, y0, x1, y1 = PATCH
    other = _scene(seed + 100, sigma=9.3, size=(2 * (x1 - x0), 2 * (y1 - y0)))
    reduced = _grey(other).resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
    return np.asarray(reduced, dtype=np.float64)


def _blurred(seed: int) -> np.ndarray:
    x0, y0, x1, y1 = PATCH
    crop = _grey(_scene(seed, sigma=3.0)[y0:y1, x0:x1])
    return np.asarray(crop.filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float64)


def _compressed_first(seed: int) -> np.ndarray:
    x0, y0, x1, y1 = PATCH
    once = _jpeg(_scene(seed, sigma=3.0)[y0:y1, x0:x1], quality=40)
    return np.asarray(Image.open(io.BytesIO(once)).convert("L"), dtype=np.float64)


@pytest.mark.parametrize(
    "make_patch",
    [_upscaled, _downscaled_noise_matched, _blurred, _compressed_first],
    ids=["upscaled_3x", "downscaled_noise_matched", "blurred", "jpeg_compressed_first"],
)
def test_a_rescaled_or_differently_processed_patch_stands_out(make_patch: object) -> None:
    assert callable(make_patch)
    for seed in (2, 3):
        z = _anomaly(_jpeg(_pasted(seed, make_patch(seed))))
        assert _inside(z) > HIGH


def test_a_noise_matched_rescaled_patch_shows_here_and_not_in_the_noise_level() -> None:
    """What this evidence adds to native.py's: the same noise level, correlated differently."""
    data = _jpeg(_pasted(13, _downscaled_noise_matched(13)))
    stored = stored_luma(data)
    assert stored is not None
    noise = noise_deviation(stored.luma, WORK, BLOCK)
    assert noise is not None
    assert abs(_inside(noise)) < 3.0
    assert _inside(_anomaly(data)) > HIGH


def test_a_pristine_noisy_picture_stays_low() -> None:
    for seed in (4, 5, 6):
        assert _window_max(_anomaly(_jpeg(_scene(seed, sigma=3.0)))) < LOW


def test_a_pristine_picture_resized_recompressed_or_doubly_compressed_stays_low() -> None:
    noisy = _scene(7, sigma=3.0)
    resized = _grey(noisy).resize((1000, 750), Image.Resampling.BILINEAR)
    once = _jpeg(np.asarray(resized, dtype=np.float64), quality=85)
    twice = _jpeg(np.asarray(Image.open(io.BytesIO(once)).convert("L"), np.float64), 70)
    coarse_first = _jpeg(np.asarray(Image.open(io.BytesIO(_jpeg(noisy, 60))).convert("L"),
                                    np.float64), 90)  # fmt: skip
    assert _window_max(_anomaly(once, (512, 384))) < LOW
    assert _window_max(_anomaly(twice, (512, 384))) < LOW
    assert _window_max(_anomaly(coarse_first)) < LOW


def test_the_map_follows_the_exif_orientation() -> None:
    pasted = _pasted(8, _blurred(8))
    z = _anomaly(_jpeg(np.rot90(pasted, 1), orientation=6))  # displayed = stored turned clockwise
    assert z.shape == (WORK[1] // BLOCK, WORK[0] // BLOCK)
    assert _inside(z) > HIGH


def test_runs_are_counted_once_per_position_and_folded_by_sign() -> None:
    """Every 2nd row's horizontal runs and every 2nd column's vertical runs land in some
    block; a picture and its negative (every residual's sign flipped) count the same."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (64, 96), dtype=np.uint8)
    counts = run_histograms(pixels, 32, every=2)
    assert counts.shape[:2] == (2, 3)
    assert counts.sum() == 32 * (96 - 6) + 48 * (64 - 6)
    assert np.array_equal(run_histograms(255 - pixels, 32, every=2), counts)


def test_a_picture_too_small_to_compare_gives_no_map() -> None:
    tiny = np.full((40, 40), 128, dtype=np.uint8)
    assert cooccurrence_anomaly(tiny, (40, 40)) is None


def _maps(data: bytes, with_map: bool = True) -> BlockMaps:
    decoded = decode_image(data, max_side=WORK_SIDE)
    found = read_native(data, (decoded.width, decoded.height), decoded.image.size)
    return block_maps(decoded.image, native=False, native_noise=found.noise,
                      cooc=found.cooc if with_map else None)  # fmt: skip


def test_block_maps_carry_the_cooccurrence_columns_and_zero_without_them() -> None:
    data = _jpeg(_pasted(9, _downscaled_noise_matched(9)))
    column = feature_names().index("cooc-w5")
    assert _maps(data).features[:, column].max() > HIGH
    assert not np.any(_maps(data, with_map=False).features[:, column])


def test_the_picture_model_reads_the_strongest_cooccurrence_region() -> None:
    pasted, pristine = _maps(_jpeg(_pasted(10, _blurred(10)))), _maps(_jpeg(_scene(10, 3.0)))
    where = picture_columns().index("max-cooc-w5")

    def strongest(maps: BlockMaps) -> float:
        logits = np.zeros((maps.rows, maps.cols))
        return pooled_features(logits, maps.features)[where]

    assert strongest(pasted) > HIGH
    assert strongest(pristine) < LOW


def test_residual_stats_signal_is_strong_on_a_paste_and_quiet_on_its_pristine_picture() -> None:
    assert residual_stats_signal(_maps(_jpeg(_pasted(11, _downscaled_noise_matched(11))))) > HIGH
    assert residual_stats_signal(_maps(_jpeg(_scene(11, sigma=3.0)))) < LOW


def test_a_scored_picture_names_residual_stats_among_its_reasons() -> None:
    result = score_image(_jpeg(_pasted(12, _downscaled_noise_matched(12))))
    assert result.signals["residual_stats"] > HIGH
    assert any("finest detail" in reason for reason in result.reasons)
