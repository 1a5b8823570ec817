"""Noise level read at the file's own resolution (triage/manipulation/native.py), on constructed
pictures: a paste whose noise differs shows; pristine, resized and re-saved pictures stay low."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from triage.imagedecode import decode_image
from triage.manipulation import score_image
from triage.manipulation.features import BLOCK, WORK_SIDE, BlockMaps, block_maps
from triage.manipulation.native import noise_deviation, read_native, stored_luma
from triage.manipulation.signals import native_noise_signal

SIZE = (1600, 1200)  # a large picture: reduced about 3x to WORK_SIDE for the block cues
WORK = (512, 384)
PATCH = (600, 400, 920, 720)  # x0, y0, x1, y1 in file pixels


def _scene(seed: int, sigma: float, size: tuple[int, int] = SIZE) -> np.ndarray:
    """Soft shading and a few broad shapes, with white sensor-like noise of `sigma` grey levels."""
    rng = np.random.default_rng(seed)
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    base = 110 + 50 * np.sin(x / (w / 5)) * np.cos(y / (h / 3)) + 30 * (x / w)
    base += 25 * ((x - w / 3) ** 2 + (y - h / 2) ** 2 < (h / 5) ** 2)  # a disc: some edges
    return np.asarray(base + rng.normal(0, sigma, (h, w)), dtype=np.float64)


def _jpeg(grey: np.ndarray, quality: int = 92, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    im = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)).convert("RGB")
    if orientation is None:
        im.save(out, "JPEG", quality=quality)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        im.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def _deviation(data: bytes, work: tuple[int, int] = WORK) -> np.ndarray:
    stored = stored_luma(data)
    assert stored is not None
    found = noise_deviation(stored.luma, work, BLOCK, orientation=stored.orientation)
    assert found is not None
    return found


def _patch_blocks(z: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    """The work blocks wholly inside PATCH."""
    sx, sy = z.shape[1] / size[0], z.shape[0] / size[1]
    x0, y0, x1, y1 = PATCH
    return z[int(np.ceil(y0 * sy)) : int(y1 * sy), int(np.ceil(x0 * sx)) : int(x1 * sx)]


def _window_max(z: np.ndarray) -> float:
    """The largest 3x3-block mean of |z|: what a region, not one odd block, shows."""
    padded = np.pad(np.abs(z), 1, mode="edge")
    h, w = z.shape
    windows = [padded[i : i + h, j : j + w] for i in range(3) for j in range(3)]
    return float(np.mean(windows, axis=0).max())


def _smooth_pasted(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A noisy scene, and the same scene with PATCH taken from its noiseless rendering."""
    noisy = _scene(seed, sigma=3.0)
    smooth = _scene(seed, sigma=0.0)
    x0, y0, x1, y1 = PATCH
    pasted = noisy.copy()
    pasted[y0:y1, x0:x1] = smooth[y0:y1, x0:x1]
    return noisy, pasted


def test_a_smooth_patch_pasted_into_a_noisy_picture_reads_far_below_the_rest() -> None:
    _, pasted = _smooth_pasted(1)
    x0, y0, x1, y1 = PATCH
    z = _deviation(_jpeg(pasted))
    inside = _patch_blocks(z)
    assert float(np.median(inside)) < -4.0
    outside = z.copy()
    outside[int(y0 * 0.32) - 1 : int(y1 * 0.32) + 2, int(x0 * 0.32) - 1 : int(x1 * 0.32) + 2] = 0
    assert float(np.abs(np.median(outside))) < 1.0


def test_an_upscaled_patch_reads_below_the_rest() -> None:
    """A face cut small and blown up 3x: its noise is no longer one pixel wide."""
    noisy = _scene(2, sigma=3.0)
    x0, y0, x1, y1 = PATCH
    crop = Image.fromarray(np.clip(noisy[y0:y1, x0:x1], 0, 255).astype(np.uint8))
    small = crop.resize(((x1 - x0) // 3, (y1 - y0) // 3), Image.Resampling.BILINEAR)
    pasted = noisy.copy()
    pasted[y0:y1, x0:x1] = np.asarray(small.resize(crop.size, Image.Resampling.BICUBIC))
    assert float(np.median(_patch_blocks(_deviation(_jpeg(pasted))))) < -3.0


def test_a_pristine_noisy_picture_stays_low() -> None:
    for seed in (4, 5, 6):
        assert _window_max(_deviation(_jpeg(_scene(seed, sigma=3.0)))) < 3.0


def test_a_pristine_picture_resized_or_recompressed_stays_low() -> None:
    noisy = _scene(7, sigma=3.0)
    resized = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).resize(
        (1000, 750), Image.Resampling.BILINEAR
    )
    once = _jpeg(np.asarray(resized, dtype=np.float64), quality=85)
    twice = _jpeg(np.asarray(Image.open(io.BytesIO(once)).convert("L"), np.float64), 70)
    assert _window_max(_deviation(once, (512, 384))) < 3.0
    assert _window_max(_deviation(twice, (512, 384))) < 3.0


def test_the_map_follows_the_exif_orientation() -> None:
    """Stored sideways with orientation 6 (turn clockwise to display): the patch is read where
    the displayed picture has it."""
    _, pasted = _smooth_pasted(8)
    stored = np.rot90(pasted, 1)  # displayed = stored turned clockwise
    z = _deviation(_jpeg(stored, orientation=6))
    assert z.shape == (WORK[1] // BLOCK, WORK[0] // BLOCK)
    assert float(np.median(_patch_blocks(z))) < -4.0


def test_a_png_gets_a_noise_map_and_no_double_compression() -> None:
    noisy = _scene(9, sigma=3.0, size=(800, 600))
    out = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(out, "PNG")
    found = read_native(out.getvalue(), (800, 600), WORK)
    assert found.dq is None
    assert found.noise is not None and found.noise.shape == (WORK[1] // BLOCK, WORK[0] // BLOCK)


def test_unreadable_bytes_give_no_native_evidence() -> None:
    found = read_native(b"\xff\xd8\xff\xe0 not a picture", (800, 600), WORK)
    assert found.dq is None and found.noise is None


def test_block_maps_carry_the_native_noise_column_and_zero_without_it() -> None:
    data = _jpeg(_scene(10, sigma=3.0))
    decoded = decode_image(data, max_side=WORK_SIDE)
    work = decoded.image.size
    found = read_native(data, (decoded.width, decoded.height), work)
    with_map = block_maps(decoded.image, native=False, native_noise=found.noise)
    without = block_maps(decoded.image, native=False)
    assert np.any(with_map.deviations["nnoise"] != 0)
    assert not np.any(without.deviations["nnoise"])


def _maps(data: bytes) -> BlockMaps:
    decoded = decode_image(data, max_side=WORK_SIDE)
    found = read_native(data, (decoded.width, decoded.height), decoded.image.size)
    return block_maps(decoded.image, native=False, native_noise=found.noise)


def test_native_noise_signal_is_strong_on_a_paste_and_quiet_on_its_pristine_picture() -> None:
    noisy, pasted = _smooth_pasted(11)
    assert native_noise_signal(_maps(_jpeg(pasted))) >= 4.0
    assert native_noise_signal(_maps(_jpeg(noisy))) < 3.0


def test_a_scored_picture_names_native_noise_among_its_reasons() -> None:
    _, pasted = _smooth_pasted(12)
    result = score_image(_jpeg(pasted))
    assert result.signals["native_noise"] >= 4.0
    assert any("file's own resolution" in reason for reason in result.reasons)
