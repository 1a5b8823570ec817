"""Named manipulation signals, each one number from one kind of trace a crude paste leaves (pure).

Each pixel signal reads one deviation map of features.py (the block against
what the rest of its picture predicts) at a region: how far the region's
median deviation sits from the rest's, in robust spreads of the rest. The
region is where the block model is most suspicious; tests pass their own.
Metadata signals read the EXIF that decoding kept.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image
from scipy import ndimage

from triage.manipulation.features import Array, BlockMaps

# EXIF tags (TIFF numbering): Make, Model, Software, DateTimeOriginal lives in a sub-IFD
_MAKE, _MODEL, _SOFTWARE = 0x010F, 0x0110, 0x0131
_EDITORS = ("photoshop", "gimp", "paint.net", "pixlr", "lightroom", "affinity", "snapseed",
            "picsart", "canva", "photopea", "facetune", "fotor", "inkscape", "krita")  # fmt: skip

PIXEL_SIGNALS = ("noise", "seam", "ela", "jpeg_grid", "colour", "texture", "grain", "chroma_noise",
                 "ghost", "double_compression", "native_noise", "residual_stats")  # fmt: skip


def suspicious_region(suspicion: Array) -> np.ndarray:
    """Blocks at least half as suspicious as the peak, or the peak's 3x3 when none pass 0.5."""
    peak = float(suspicion.max()) if suspicion.size else 0.0
    if peak >= 0.5:
        return np.asarray(suspicion >= 0.5 * peak)
    region = np.zeros(suspicion.shape, dtype=bool)
    if suspicion.size:
        r, c = np.unravel_index(int(np.argmax(suspicion)), suspicion.shape)
        region[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2] = True
    return region


def region_contrast(
    cue: Array, region: np.ndarray, *, direction: int = 0, valid: np.ndarray | None = None
) -> float:
    """Robust z-score of the region's median cue against the rest of the picture.

    direction +1 counts only a region above the rest, -1 only below, 0 either;
    `valid` limits both sides to blocks where the cue is defined.
    """
    keep = np.ones(cue.shape, dtype=bool) if valid is None else valid
    inside, outside = cue[region & keep], cue[~region & keep]
    if inside.size == 0 or outside.size == 0:
        return 0.0
    centre = float(np.median(outside))
    spread = max(float(np.median(np.abs(outside - centre))) * 1.4826, 0.25)
    z = (float(np.median(inside)) - centre) / spread
    if direction:
        z = max(0.0, z * direction)
    return float(np.clip(abs(z), 0.0, 50.0))


def noise_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Noise level: a region cleaner or noisier than this picture's noise predicts there."""
    return region_contrast(maps.deviations["noise"], region, valid=maps.cues["clipped"] < 0.5)


def seam_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Edges: a region whose edges are one-pixel steps (or softer) where the picture's are not."""
    grown = _grow(region)  # a seam lies on the region's contour, partly in the blocks around it
    return region_contrast(maps.deviations["sharpness"], grown, valid=maps.cues["sharpness"] > 0)


def ela_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Error level: a region re-saving with more or less change than its texture predicts."""
    return region_contrast(maps.deviations["ela"], region)


def jpeg_grid_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """8x8 grid: a region whose JPEG blocking disagrees with the rest; 0 on reduced pictures."""
    return region_contrast(maps.deviations["grid"], region) if maps.native else 0.0


def colour_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Colour and brightness: a region whose colour jumps away from its surroundings."""
    return region_contrast(maps.deviations["colour"], region, direction=1)


def texture_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Texture: a region much flatter or busier than its surroundings."""
    return region_contrast(maps.deviations["texture"], region)


def grain_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Grain: a region whose noise is not white (upscaled, interpolated) where the rest's is."""
    return region_contrast(maps.deviations["grain"], region, valid=maps.cues["clipped"] < 0.5)


def chroma_noise_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Colour noise: a region with more or less colour noise, for its brightness noise."""
    return region_contrast(maps.deviations["chroma"], region, valid=maps.cues["clipped"] < 0.5)


def ghost_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """JPEG ghost: a region whose error level falls off with quality unlike the rest's."""
    return region_contrast(maps.deviations["ghost"], region)


def double_compression_signal(maps: BlockMaps, region: np.ndarray) -> float:
    """Double compression: a region less doubly compressed than the rest (pasted between two
    JPEG saves); 0 when the file shows no double compression at all."""
    return region_contrast(maps.deviations["dq"], region, direction=-1) if maps.dq_present else 0.0


def native_noise_signal(maps: BlockMaps) -> float:
    """Noise at the file's own resolution: the strongest 5x5-block region whose noise sits
    above or below what this picture predicts, in robust spreads (where it lies, not at the
    block model's suspicious region: the block model reads this map as one column among many,
    so its region need not be this map's); 0 when it was not read."""
    z = maps.deviations["nnoise"]
    if not z.any():
        return 0.0
    return float(np.abs(ndimage.uniform_filter(z, size=5, mode="nearest")).max())


def residual_stats_signal(maps: BlockMaps) -> float:
    """The finest detail's statistics (residual co-occurrences, read at the file's own
    resolution): how far the strongest 3x3-block region sits from the rest of the picture, in
    robust spreads (where it lies, as native_noise); 0 when it was not read."""
    z = maps.deviations["cooc"]
    if not z.any():
        return 0.0
    return float(ndimage.uniform_filter(z, size=3, mode="nearest").max())


def region_signals(maps: BlockMaps, suspicion: Array) -> dict[str, float]:
    """All pixel signals, by name (PIXEL_SIGNALS order), at the suspicious region."""
    region = suspicious_region(suspicion)
    return {
        "noise": noise_signal(maps, region),
        "seam": seam_signal(maps, region),
        "ela": ela_signal(maps, region),
        "jpeg_grid": jpeg_grid_signal(maps, region),
        "colour": colour_signal(maps, region),
        "texture": texture_signal(maps, region),
        "grain": grain_signal(maps, region),
        "chroma_noise": chroma_noise_signal(maps, region),
        "ghost": ghost_signal(maps, region),
        "double_compression": double_compression_signal(maps, region),
        "native_noise": native_noise_signal(maps),
        "residual_stats": residual_stats_signal(maps),
    }


def _grow(region: np.ndarray) -> np.ndarray:
    padded = np.pad(region, 1)
    h, w = region.shape
    return np.asarray(
        np.any([padded[i : i + h, j : j + w] for i in range(3) for j in range(3)], axis=0)
    )


def editing_software_signal(exif: dict[int, str]) -> float:
    """1.0 when EXIF names an image editor as the software that last wrote the file."""
    software = exif.get(_SOFTWARE, "").lower()
    return 1.0 if any(name in software for name in _EDITORS) else 0.0


def missing_camera_signal(exif: dict[int, str]) -> float:
    """1.0 when there is no camera make or model: stripped, generated or edited.

    Weak on its own: messengers and webmail strip EXIF from honest photos too,
    which is why the combined model does not read it (it cannot be trained on
    generated pictures either, which carry no EXIF at all).
    """
    return 0.0 if exif.get(_MAKE) or exif.get(_MODEL) else 1.0


THUMBNAIL_MAX_BYTES = 256 * 1024  # EXIF caps its segment at 64 KiB; anything bigger is hostile
THUMBNAIL_NOISE = 0.06  # mean grey difference of an honest thumbnail after JPEG and resizing


def thumbnail_signal(data: bytes, picture: Image.Image) -> float:
    """0..1: how much the EXIF thumbnail disagrees with the picture itself.

    Editors that rewrite the pixels often leave the camera's thumbnail behind, so the
    thumbnail still shows the picture before the paste. 0.0 when there is no thumbnail.
    """
    thumb = _exif_thumbnail(data)
    if thumb is None:
        return 0.0
    small = picture.convert("L").resize(thumb.size, Image.Resampling.BILINEAR)
    a = np.asarray(small, dtype=np.float64) / 255.0
    b = np.asarray(thumb, dtype=np.float64) / 255.0
    difference = float(np.mean(np.abs(a - b)))
    return round(min(max((difference - THUMBNAIL_NOISE) / 0.15, 0.0), 1.0), 4)


def _exif_thumbnail(data: bytes) -> Image.Image | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            exif = im.info.get("exif")
    except (OSError, SyntaxError, ValueError):
        return None
    if not isinstance(exif, bytes | bytearray):
        return None
    start = exif.find(b"\xff\xd8\xff", 6)  # the thumbnail is a whole JPEG inside the EXIF block
    if start < 0:
        return None
    blob = bytes(exif[start : start + THUMBNAIL_MAX_BYTES])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            thumb = Image.open(io.BytesIO(blob))
            if thumb.width * thumb.height > 1_000_000:
                return None
            return thumb.convert("L")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning):
        return None
